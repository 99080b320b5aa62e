"""The shared base of every message the bot keeps current for a party (the live counter, invitations).

What each keeper repeated before lives here once:
- the change signal: a commit touching one of the keeper's topics marks the party in a `LiveRefresher`
  (one coalesced refresh loop per party, at most one refresh per interval);
- the resync once the bot is ready (changes may have landed after the previous process's last edit),
  and again when a channel or role changes (a permission may be back);
- the settle on close (the last refresh gets a moment to show the stored figures);
- an edit through the channel pacer that reports what Discord said: edited, skipped as identical,
  gone (404), past the one-hour edit cap (30046), or refused for a permission;
- a refusal for a missing permission is one warning and one recorded problem for the channel (the
  hosts are told once, by storage), not a traceback per refresh; the next edit that works resolves it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from enum import Enum
from typing import TYPE_CHECKING, Any

import discord

from live.outbox import missing_permissions
from live.refresher import LiveRefresher
from storage.changes import Topic
from storage.outbox import PERMISSION_CODES
from ui.notices import delivery_problem_notice

if TYPE_CHECKING:
    from lounge.client import LoungeBot

log = logging.getLogger(__name__)

# Discord's "too many edits to messages older than an hour".
OLD_MESSAGE_EDIT_CAP = 30046
SHUTDOWN_SETTLE = 5.0


class Edit(Enum):
    DONE = "done"  # Discord has the new content (or it already showed it)
    GONE = "gone"  # the message or its channel was deleted
    CAPPED = "capped"  # past Discord's cap on edits to messages older than an hour
    REFUSED = "refused"  # a permission is missing; recorded as the channel's problem


def shows(**content: Any) -> str:
    """What a message shows, as a key: equal keys mean an edit would change nothing."""
    return json.dumps(
        {k: [e.to_dict() for e in v] if k == "embeds" else v for k, v in content.items()},
        sort_keys=True, default=str,
    )


class LiveKeeper:
    """Subclasses set `name` and `topics` and implement `refresh(party_id)`."""

    name = "live"
    topics: frozenset[Topic] = frozenset()

    def __init__(self, bot: LoungeBot, *, interval: float = 1.0) -> None:
        self.bot = bot
        self.refresher: LiveRefresher[int] = LiveRefresher(self.refresh, interval=interval, name=self.name)
        self._timers: dict[int, asyncio.TimerHandle] = {}
        self._resync: asyncio.Task[None] | None = None
        # Channels whose problem this keeper recorded (or found open): a working edit there resolves it.
        self._refused: set[tuple[int, int]] = set()
        self._unsubscribe = bot.store.database.changes.subscribe(self._on_change)

    async def refresh(self, party_id: int) -> None:
        raise NotImplementedError

    def _on_change(self, party_id: int, topics: frozenset[Topic]) -> None:
        if topics & self.topics:
            self.changed(party_id)

    def changed(self, party_id: int) -> None:
        """What the party's messages show changed: they will be refreshed (coalesced)."""
        self.refresher.mark(party_id)

    async def start(self) -> None:
        """Called from setup_hook: once the bot is ready, every open party is refreshed."""
        self._resync = asyncio.create_task(self._resync_when_ready(), name=f"{self.name}-resync")

    def permissions_changed(self) -> None:
        """A channel or role changed: a message the bot could not edit may be editable again."""
        if self._resync is None or self._resync.done():
            self._resync = asyncio.create_task(self._resync_when_ready(), name=f"{self.name}-resync")

    async def settle(self, timeout: float = 10.0) -> None:
        """Waits until every marked party has been refreshed (shutdown, and tests).

        :raises TimeoutError: refreshes were still running after `timeout` seconds.
        """
        await self.refresher.settle(timeout)

    async def close(self) -> None:
        """Stops refreshing, after pending refreshes had a moment to leave the stored figures showing."""
        self._unsubscribe()
        if self._resync is not None:
            self._resync.cancel()
            await asyncio.gather(self._resync, return_exceptions=True)
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        try:
            await self.settle(SHUTDOWN_SETTLE)
        except TimeoutError:
            log.warning("The %s was still being refreshed at shutdown; the next start resyncs it", self.name)
        await self.refresher.close()

    def refresh_later(self, party_id: int, delay: float) -> None:
        """Asks for one more refresh of the party after `delay` seconds (replacing an earlier request)."""
        timer = self._timers.pop(party_id, None)
        if timer is not None:
            timer.cancel()
        self._timers[party_id] = asyncio.get_running_loop().call_later(
            max(delay, 0.0), self._timer_fired, party_id
        )

    def _timer_fired(self, party_id: int) -> None:
        self._timers.pop(party_id, None)
        self.changed(party_id)

    async def _resync_when_ready(self) -> None:
        # Waiting here, not in setup_hook: the gateway connects only after setup_hook returns.
        await self.bot.wait_until_ready()
        for party in await self.bot.store.parties.open_parties():
            for problem in await self.bot.store.outbox.open_problems(party.id):
                self._refused.add((party.id, problem.channel_id))
            self.changed(party.id)

    def channel(self, channel_id: int, guild_id: int | None = None) -> discord.PartialMessageable:
        # The guild id makes a posted message's jump_url point into the server, not at DMs.
        return self.bot.get_partial_messageable(channel_id, guild_id=guild_id, type=discord.ChannelType.text)

    async def edit(self, party_id: int, channel_id: int, message_id: int, **content: Any) -> Edit:
        """Edits a kept message through the pacer, skipping an edit that would change nothing."""
        message = self.channel(channel_id).get_partial_message(message_id)
        try:
            await self.bot.pacer.edit(
                channel_id, message_id, lambda: message.edit(**content), shows=shows(**content)
            )
        except discord.NotFound:
            self.bot.pacer.forget(message_id)
            return Edit.GONE
        except discord.Forbidden as exc:
            if exc.code not in PERMISSION_CODES:
                raise
            await self.refused(party_id, channel_id, exc.code)
            return Edit.REFUSED
        except discord.HTTPException as exc:
            if exc.code != OLD_MESSAGE_EDIT_CAP:
                raise
            return Edit.CAPPED
        await self.worked(party_id, channel_id)
        return Edit.DONE

    async def refused(self, party_id: int, channel_id: int, code: int) -> None:
        """A write was refused for a permission: one warning and one problem, however often it repeats."""
        self._refused.add((party_id, channel_id))
        missing = missing_permissions(self.bot, channel_id, None)
        problem = await self.bot.store.outbox.report_problem(
            party_id, channel_id, code, missing, delivery_problem_notice
        )
        if problem is not None:
            log.warning(
                "Can't keep the %s of party %s current in channel %s (missing %s); the hosts are told",
                self.name, party_id, channel_id, missing,
            )

    async def worked(self, party_id: int, channel_id: int) -> None:
        """A write went through: a problem recorded for that channel is over."""
        if (party_id, channel_id) in self._refused:
            self._refused.discard((party_id, channel_id))
            if await self.bot.store.outbox.resolve_problem(party_id, channel_id):
                log.warning("The %s of party %s can be kept current again", self.name, party_id)
                # Posts held for the same channel can go too.
                self.bot.outbox.permissions_changed()
