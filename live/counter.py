"""The live fundraising counter: posting it, keeping it exact and fresh, and re-posting it when needed.

One counter message per party, recorded in `party_messages`. Every money change marks the party in a
`LiveRefresher` (one loop per party, at most one refresh a second); a refresh reads the stored figures
when it runs and edits the message through the channel pacer, so a burst of pledges costs a few edits
and the last one shows the exact stored total. A refresh and a /party counter post of one party take
the same lock, so they never race each other into two live counters.

Discord caps edits to messages older than an hour (error 30046), so a counter is replaced once it is
`repost_after` old: post the fresh one, record it (which retires the old row), then delete the old
message; this also brings it back to the bottom of the chat. A timer asks for that replacement even when
no money moves, and a refresh replaces rather than edits a counter that old. A counter whose message was
deleted (404 on edit) or that hit the cap anyway is posted again the same way.

Milestones (rules.fundraising.MILESTONES) are claimed in storage before they are announced in the
counter's channel, so each is told at most once, across restarts too.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from live.refresher import LiveRefresher
from rules import Refusal
from rules.fundraising import reached_milestones
from storage import Party, PartyMessage
from storage.changes import Topic
from storage.clock import utc_now
from storage.fundraising import CounterFigures
from ui.counter import counter_embed, milestone_announcement

if TYPE_CHECKING:
    from lounge.client import LoungeBot

log = logging.getLogger(__name__)

# Discord's "too many edits to messages older than an hour".
OLD_MESSAGE_EDIT_CAP = 30046
REPOST_AFTER = timedelta(minutes=55)
REFRESH_INTERVAL = 1.0


# How long a shutdown waits for the last counter edit and milestone to go out.
SHUTDOWN_SETTLE = 5.0


class Counters:
    def __init__(
        self, bot: LoungeBot, *, repost_after: timedelta = REPOST_AFTER, interval: float = REFRESH_INTERVAL
    ) -> None:
        self.bot = bot
        # How old a counter may get before a refresh replaces it rather than edits it; under an hour.
        self.repost_after = repost_after
        self.refresher: LiveRefresher[int] = LiveRefresher(self._refresh, interval=interval, name="counter")
        self._locks: dict[int, asyncio.Lock] = {}
        self._repost_timers: dict[int, asyncio.TimerHandle] = {}
        self._startup: asyncio.Task[None] | None = None
        self._unsubscribe = bot.store.database.changes.subscribe(self._on_change)

    def _on_change(self, party_id: int, topics: frozenset[Topic]) -> None:
        if topics & {Topic.MONEY, Topic.PARTY}:
            self.changed(party_id)

    async def post(self, party: Party, channel: discord.TextChannel) -> discord.Message:
        """Posts the party's live counter in `channel` (retiring any previous one) and records it."""
        async with self._lock(party.id):
            figures = await self.bot.store.fundraising.counter_figures(party.id)
            previous = await self.bot.store.party_messages.live(party.id, "counter")
            try:
                message = await self._send_counter(party, channel.id, figures)
            except discord.Forbidden:
                raise Refusal(
                    f"I can't post in {channel.mention}: I need View Channel, Send Messages and Embed Links "
                    "there."
                ) from None
            for old in previous:
                await self._delete(old)
            await self._announce_milestones(party, figures, channel.id)
            await self._schedule_repost(party.id)
        return message

    def changed(self, party_id: int) -> None:
        """The party's money changed: its counter will be refreshed (coalesced)."""
        self.refresher.mark(party_id)

    def permissions_changed(self) -> None:
        """A channel or role changed: a counter the bot could not edit may be editable again."""
        self._startup = asyncio.create_task(self._resync_when_ready(), name="counter-resync")

    async def start(self) -> None:
        """Called from setup_hook: brings every open party's counter up to date once the bot is ready."""
        self._startup = asyncio.create_task(self._resync_when_ready(), name="counter-startup")

    async def close(self) -> None:
        """Stops refreshing, after pending refreshes had a moment to leave the counter on the stored total."""
        self._unsubscribe()
        if self._startup is not None:
            self._startup.cancel()
            await asyncio.gather(self._startup, return_exceptions=True)
        try:
            await self.refresher.settle(SHUTDOWN_SETTLE)
        except TimeoutError:
            log.warning("The counter was still being refreshed at shutdown; the next start resyncs it")
        await self.refresher.close()
        for timer in self._repost_timers.values():
            timer.cancel()
        self._repost_timers.clear()

    async def _resync_when_ready(self) -> None:
        # Waiting here, not in setup_hook: the gateway connects only after setup_hook returns.
        await self.bot.wait_until_ready()
        for party in await self.bot.store.parties.open_parties():
            self.refresher.mark(party.id)

    def _lock(self, party_id: int) -> asyncio.Lock:
        return self._locks.setdefault(party_id, asyncio.Lock())

    async def _refresh(self, party_id: int) -> None:
        async with self._lock(party_id):
            party = await self.bot.store.parties.get(party_id)
            counters = await self.bot.store.party_messages.live(party_id, "counter")
            if party is None or not counters:
                return
            counter = counters[-1]
            figures = await self.bot.store.fundraising.counter_figures(party_id)
            if utc_now() - counter.posted_at >= self.repost_after:
                shown = await self._replace(party, counter, figures)
            else:
                shown = await self._edit(party, counter, figures)
            if not shown:
                return
            await self._announce_milestones(party, figures, counter.channel_id)
            # A closed party's counter shows its final figures; it is not kept at the bottom any more.
            if party.is_open:
                await self._schedule_repost(party_id)

    async def _schedule_repost(self, party_id: int) -> None:
        """Asks for a refresh when the live counter reaches `repost_after`, which will replace it."""
        timer = self._repost_timers.pop(party_id, None)
        if timer is not None:
            timer.cancel()
        counters = await self.bot.store.party_messages.live(party_id, "counter")
        if counters:
            due = counters[-1].posted_at + self.repost_after - utc_now()
            self._repost_timers[party_id] = asyncio.get_running_loop().call_later(
                max(due.total_seconds(), 0.0), self.changed, party_id
            )

    async def _edit(self, party: Party, counter: PartyMessage, figures: CounterFigures) -> bool:
        """Brings the counter up to date; returns False when it can no longer be shown (channel gone)."""
        embed = counter_embed(party, figures)
        message = self._channel(counter.channel_id, party.guild_id).get_partial_message(counter.message_id)
        try:
            await self.bot.pacer.edit(
                counter.channel_id, counter.message_id, lambda: message.edit(embed=embed)
            )
        except discord.NotFound:
            log.info("Counter %s of party %s was deleted; posting it again", counter.message_id, party.id)
            return await self._repost(party, counter, figures)
        except discord.HTTPException as exc:
            if exc.code != OLD_MESSAGE_EDIT_CAP:
                raise
            log.info("Counter %s of party %s hit the edit cap; replacing it", counter.message_id, party.id)
            return await self._replace(party, counter, figures)
        return True

    async def _replace(self, party: Party, counter: PartyMessage, figures: CounterFigures) -> bool:
        """A fresh counter in the same channel, then the old message goes; False when the channel is gone."""
        if not await self._repost(party, counter, figures):
            return False
        await self._delete(counter)
        return True

    async def _repost(self, party: Party, counter: PartyMessage, figures: CounterFigures) -> bool:
        """Posts the counter again where it was; returns False when that channel is gone."""
        try:
            await self._send_counter(party, counter.channel_id, figures)
        except discord.NotFound:
            log.warning("The channel of party %s's counter is gone; no longer keeping it", party.id)
            await self.bot.store.party_messages.retire(counter.message_id)
            return False
        return True

    async def _send_counter(self, party: Party, channel_id: int, figures: CounterFigures) -> discord.Message:
        embed = counter_embed(party, figures)
        channel = self._channel(channel_id, party.guild_id)
        message = await self.bot.pacer.send(channel_id, lambda: channel.send(embed=embed))
        # Recording a new counter retires the previous row in the same transaction.
        await self.bot.store.party_messages.add(party.id, "counter", channel_id, message.id)
        return message

    async def _delete(self, counter: PartyMessage) -> None:
        message = self._channel(counter.channel_id).get_partial_message(counter.message_id)
        # Already deleted by someone, or the channel is gone: either way the old counter no longer shows.
        with contextlib.suppress(discord.NotFound):
            await self.bot.pacer.send(counter.channel_id, message.delete)

    async def _announce_milestones(self, party: Party, figures: CounterFigures, channel_id: int) -> None:
        # Milestones follow the money raised; one voided and crossed again is not told twice (claimed once).
        reached = reached_milestones(figures.money.raised_cents, party.goal_cents)
        if not reached:
            return
        channel = self._channel(channel_id, party.guild_id)
        for percent in await self.bot.store.fundraising.claim_milestones(party.id, reached):
            text = milestone_announcement(party, percent, figures.money.raised_cents)
            await self.bot.pacer.send(channel_id, lambda text=text: channel.send(text))

    def _channel(self, channel_id: int, guild_id: int | None = None) -> discord.PartialMessageable:
        # The guild id makes the posted message's jump_url point into the server, not at DMs.
        return self.bot.get_partial_messageable(channel_id, guild_id=guild_id, type=discord.ChannelType.text)
