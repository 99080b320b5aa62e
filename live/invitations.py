"""The party invitations: posting them with their RSVP buttons, keeping their counts current, and telling
waitlisted members when they get a place.

Counts are never pushed from memory: `changed(party_id)` marks the party, and the coalesced refresh reads
the stored counts and edits every live invitation of the party through the channel pacer. An invitation
deleted from Discord is retired and no longer edited.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

import discord

from live.refresher import LiveRefresher
from storage import Party, PartyMessage
from storage.changes import Topic
from storage.rsvps import Rsvp
from ui.invitation import invitation_buttons, invitation_embed, promotion_notice

if TYPE_CHECKING:
    from lounge.client import LoungeBot

log = logging.getLogger(__name__)

REFRESH_INTERVAL = 1.0
# Discord caps edits to messages older than an hour (30046): the refresh is tried again this much later.
OLD_MESSAGE_RETRY = 600.0
EDITS_CAPPED = 30046
DMS_CLOSED = 50007
SHUTDOWN_SETTLE = 5.0


class Invitations:
    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot
        self.refresher: LiveRefresher[int] = LiveRefresher(
            self._refresh, interval=REFRESH_INTERVAL, name="invitation"
        )
        self._retries: dict[int, asyncio.TimerHandle] = {}
        self._startup: asyncio.Task[None] | None = None
        self._unsubscribe = bot.store.database.changes.subscribe(self._on_change)

    def _on_change(self, party_id: int, topics: frozenset[Topic]) -> None:
        if topics & {Topic.RSVPS, Topic.PARTY}:
            self.changed(party_id)

    async def post(self, party: Party, channel: discord.TextChannel) -> discord.Message:
        """Posts the invitation with its RSVP buttons in `channel` and records it."""
        store = self.bot.store
        shown = await store.rsvps.counts(party.id)
        message = await self.bot.pacer.send(
            channel.id,
            lambda: channel.send(embed=invitation_embed(party, shown), view=invitation_buttons(party.id)),
        )
        await store.party_messages.add(party.id, "invitation", channel.id, message.id)
        # An answer that landed between reading the counts and recording the message missed this one.
        if await store.rsvps.counts(party.id) != shown:
            self.changed(party.id)
        return message

    async def start(self) -> None:
        """Called from setup_hook: once the bot is ready, every open party's invitations are refreshed,
        since answers may have landed after the previous process's last edit (a crash, say)."""
        self._startup = asyncio.create_task(self._refresh_all_when_ready(), name="invitations-startup")

    async def _refresh_all_when_ready(self) -> None:
        await self.bot.wait_until_ready()
        for party in await self.bot.store.parties.open_parties():
            self.changed(party.id)

    def changed(self, party_id: int) -> None:
        """The party's RSVPs changed: its invitations' counts will be refreshed (coalesced)."""
        self.refresher.mark(party_id)

    async def tell_promoted(
        self, party: Party, promoted: Sequence[Rsvp], fallback_channel_id: int | None
    ) -> None:
        """Tells each member moved off the waitlist, by a mention where the party's newest invitation is,
        else by DM; a member whose DMs are closed is mentioned in `fallback_channel_id` instead."""
        invitations = await self.bot.store.party_messages.live(party.id, "invitation")
        channel_id = invitations[-1].channel_id if invitations else None
        for rsvp in promoted:
            try:
                if channel_id is not None:
                    await self._mention(channel_id, party, rsvp)
                    continue
                try:
                    await self._direct_message(party, rsvp)
                except discord.Forbidden as exc:
                    if exc.code != DMS_CLOSED or fallback_channel_id is None:
                        raise
                    await self._mention(fallback_channel_id, party, rsvp)
            except discord.HTTPException as exc:
                log.warning("Could not tell member %s about their place: %s", rsvp.user_id, exc)

    async def settle(self, timeout: float = 10.0) -> None:
        """Waits until every pending refresh has gone out (shutdown, and tests).

        :raises TimeoutError: refreshes were still running after `timeout` seconds.
        """
        await self.refresher.settle(timeout)

    async def close(self) -> None:
        """Stops refreshing, after giving the pending refreshes a moment to show the final counts."""
        self._unsubscribe()
        if self._startup is not None:
            self._startup.cancel()
            await asyncio.gather(self._startup, return_exceptions=True)
        for handle in self._retries.values():
            handle.cancel()
        self._retries.clear()
        try:
            await self.settle(SHUTDOWN_SETTLE)
        except TimeoutError:
            log.warning("Invitation counts were still being refreshed at shutdown")
        await self.refresher.close()

    async def _mention(self, channel_id: int, party: Party, rsvp: Rsvp) -> None:
        channel = self.bot.get_partial_messageable(channel_id)
        member = discord.Object(rsvp.user_id)
        await self.bot.pacer.send(
            channel_id,
            lambda: channel.send(
                promotion_notice(f"<@{rsvp.user_id}>", party.name, rsvp),
                allowed_mentions=discord.AllowedMentions(users=[member]),
            ),
        )

    async def _direct_message(self, party: Party, rsvp: Rsvp) -> None:
        dm = await self.bot.create_dm(discord.Object(rsvp.user_id))
        # A DM needs no mention: it already reaches only them.
        await self.bot.pacer.send(dm.id, lambda: dm.send(promotion_notice("Hi,", party.name, rsvp)))

    async def _refresh(self, party_id: int) -> None:
        store = self.bot.store
        party = await store.parties.get(party_id)
        if party is None:
            return
        embed = invitation_embed(party, await store.rsvps.counts(party_id))
        invitations = await store.party_messages.live(party_id, "invitation")
        await asyncio.gather(*(self._edit(invitation, embed) for invitation in invitations))

    async def _edit(self, invitation: PartyMessage, embed: discord.Embed) -> None:
        channel = self.bot.get_partial_messageable(invitation.channel_id)
        message = channel.get_partial_message(invitation.message_id)
        try:
            await self.bot.pacer.edit(invitation.channel_id, message.id, lambda: message.edit(embed=embed))
        except discord.NotFound:
            log.info("Invitation %s was deleted; no longer keeping it current", message.id)
            await self.bot.store.party_messages.retire(message.id)
        except discord.HTTPException as exc:
            if exc.code == EDITS_CAPPED:
                log.info("Invitation %s is past Discord's edit cap; retrying later", message.id)
                self._retry_later(invitation.party_id)
            else:
                # One broken message must not keep the party's other invitations stale.
                log.warning("Could not refresh invitation %s: %s", message.id, exc)

    def _retry_later(self, party_id: int) -> None:
        if party_id not in self._retries:
            self._retries[party_id] = asyncio.get_running_loop().call_later(
                OLD_MESSAGE_RETRY, self._retry, party_id
            )

    def _retry(self, party_id: int) -> None:
        del self._retries[party_id]
        self.changed(party_id)
