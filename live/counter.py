"""The live fundraising counter: posting it, keeping it exact and fresh, and re-posting it when needed.

One counter message per party, recorded in `party_messages`. Every money change marks the party (see
`live.keeper`); a refresh reads the stored figures when it runs and edits the message through the
channel pacer, so a burst of pledges costs a few edits and the last one shows the exact stored total. A
refresh and a /party counter post of one party take the same lock, so they never race each other into
two live counters.

Discord caps edits to messages older than an hour (error 30046), so a counter is replaced once it is
`repost_after` old: post the fresh one, record it (which retires the old row), then delete the old
message; this also brings it back to the bottom of the chat. A timer asks for that replacement even when
no money moves, and a refresh replaces rather than edits a counter that old. A counter whose message was
deleted (404 on edit) or that hit the cap anyway is posted again the same way.

Milestones (rules.fundraising.MILESTONES) are decided here, at refresh: the ones crossed are claimed and
their single announcement queued in the outbox in one transaction, so each is told once, across crashes
too, and a counter channel the bot can't post in holds the announcement until it can.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from live.keeper import Edit, LiveKeeper, shows
from rules import Refusal
from rules.fundraising import reached_milestones
from storage import Party, PartyMessage
from storage.changes import Topic
from storage.clock import utc_now
from storage.fundraising import CounterFigures
from ui.counter import counter_embed, milestones_message
from ui.wording import counter_forbidden

if TYPE_CHECKING:
    from lounge.client import LoungeBot

log = logging.getLogger(__name__)

REPOST_AFTER = timedelta(minutes=55)
REFRESH_INTERVAL = 1.0


class Counters(LiveKeeper):
    name = "counter"
    topics = frozenset({Topic.MONEY, Topic.PARTY})

    def __init__(
        self, bot: LoungeBot, *, repost_after: timedelta = REPOST_AFTER, interval: float = REFRESH_INTERVAL
    ) -> None:
        super().__init__(bot, interval=interval)
        # How old a counter may get before a refresh replaces it rather than edits it; under an hour.
        self.repost_after = repost_after
        self._locks: dict[int, asyncio.Lock] = {}

    async def post(self, party: Party, channel: discord.TextChannel) -> discord.Message:
        """Posts the party's live counter in `channel` (retiring any previous one) and records it."""
        async with self._lock(party.id):
            figures = await self.bot.store.fundraising.counter_figures(party.id)
            previous = await self.bot.store.party_messages.live(party.id, "counter")
            try:
                message = await self._send_counter(party, channel.id, figures)
            except discord.Forbidden:
                raise Refusal(counter_forbidden(channel.mention)) from None
            for old in previous:
                await self._delete(old)
            await self._announce_milestones(party, figures, channel.id)
            await self._schedule_repost(party.id)
        return message

    def _lock(self, party_id: int) -> asyncio.Lock:
        return self._locks.setdefault(party_id, asyncio.Lock())

    async def refresh(self, party_id: int) -> None:
        async with self._lock(party_id):
            party = await self.bot.store.parties.get(party_id)
            counters = await self.bot.store.party_messages.live(party_id, "counter")
            if party is None or not counters:
                return
            counter = counters[-1]
            # Read the figures when the channel can take the edit, not a spacing before: during a burst
            # the counter then trails the last pledge by about one spacing instead of two.
            await self.bot.pacer.turn(counter.channel_id)
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
        counters = await self.bot.store.party_messages.live(party_id, "counter")
        if counters:
            due = counters[-1].posted_at + self.repost_after - utc_now()
            self.refresh_later(party_id, due.total_seconds())

    async def _edit(self, party: Party, counter: PartyMessage, figures: CounterFigures) -> bool:
        """Brings the counter up to date; False when it can no longer be shown (its channel is gone)."""
        done = await self.edit(
            party.id, counter.channel_id, counter.message_id, embeds=[counter_embed(party, figures)]
        )
        if done is Edit.GONE:
            log.info("Counter %s of party %s was deleted; posting it again", counter.message_id, party.id)
            return await self._repost(party, counter, figures)
        if done is Edit.CAPPED:
            log.info("Counter %s of party %s hit the edit cap; replacing it", counter.message_id, party.id)
            return await self._replace(party, counter, figures)
        # Refused: the figures wait for the permission, the milestones still go into the outbox.
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
        except discord.Forbidden as exc:
            await self.refused(party.id, counter.channel_id, exc.code)
        return True

    async def _send_counter(self, party: Party, channel_id: int, figures: CounterFigures) -> discord.Message:
        embeds = [counter_embed(party, figures)]
        channel = self.channel(channel_id, party.guild_id)
        message = await self.bot.pacer.send(
            channel_id, lambda: channel.send(embeds=embeds), shows=shows(embeds=embeds)
        )
        # Recording a new counter retires the previous row in the same transaction.
        await self.bot.store.party_messages.add(party.id, "counter", channel_id, message.id)
        await self.worked(party.id, channel_id)
        return message

    async def _delete(self, counter: PartyMessage) -> None:
        message = self.channel(counter.channel_id).get_partial_message(counter.message_id)
        self.bot.pacer.forget(counter.message_id)
        # Already deleted by someone, or the channel is gone: either way the old counter no longer shows.
        with contextlib.suppress(discord.NotFound):
            await self.bot.pacer.send(counter.channel_id, message.delete)

    async def _announce_milestones(self, party: Party, figures: CounterFigures, channel_id: int) -> None:
        # Milestones follow the money raised; one voided and crossed again is not told twice (claimed once).
        reached = reached_milestones(figures.money.raised_cents, party.goal_cents)
        if reached:
            await self.bot.store.fundraising.claim_milestones(
                party.id, reached, channel_id=channel_id,
                compose=lambda percents: milestones_message(party, percents, figures.money.raised_cents),
            )
