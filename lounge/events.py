"""The party in the server's own Events list: a Discord scheduled event that follows the party.

`/party create` makes it, `/party edit` moves it, `/party close` completes it (or cancels it when the
party never started). It is a courtesy, never a condition: without Manage Events, or for a party that
has no start, end or venue yet, the party works as before and `/party show` says what would list it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from rules.money import format_cents
from storage import Party
from storage.clock import utc_now
from ui.calendar import event_url

if TYPE_CHECKING:
    from lounge.client import LoungeBot

log = logging.getLogger(__name__)

_DESCRIPTION_MAX = 1000
_LOCATION_MAX = 100


def _description(party: Party) -> str:
    charity = party.charity or "the party's charity"
    text = (
        f"Losers get in free; winners donate {format_cents(party.winner_donation_cents)} to {charity}. "
        "RSVP with /rsvp in the server."
    )
    return text[:_DESCRIPTION_MAX]


def missing_for_event(party: Party) -> list[str]:
    """What the party lacks for Discord to list it (an external event needs a start, an end, a place)."""
    return [
        option
        for option, value in (("starts", party.starts_at), ("ends", party.ends_at), ("venue", party.venue))
        if value is None
    ]


class PartyEvents:
    """Keeps each party's scheduled event in step with it; every failure is logged, none is raised."""

    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot

    async def link(self, party: Party) -> str | None:
        event_id = await self.bot.store.scheduled_events.event_id(party.id)
        return None if event_id is None else event_url(party.guild_id, event_id)

    def can_manage_events(self, guild_id: int) -> bool:
        guild = self.bot.get_guild(guild_id)
        return guild is not None and guild.me is not None and guild.me.guild_permissions.manage_events

    async def sync(self, party: Party) -> None:
        """Creates the party's event, or brings it up to date with the party."""
        guild = self.bot.get_guild(party.guild_id)
        if guild is None or not party.is_open or missing_for_event(party):
            return
        assert party.starts_at is not None and party.ends_at is not None and party.venue is not None
        details = {
            "name": party.name,
            "description": _description(party),
            "start_time": party.starts_at,
            "end_time": party.ends_at,
            "location": party.venue[:_LOCATION_MAX],
        }
        store = self.bot.store.scheduled_events
        event_id = await store.event_id(party.id)
        try:
            if event_id is not None:
                try:
                    event = await guild.fetch_scheduled_event(event_id)
                except discord.NotFound:
                    await store.forget(party.id)  # a moderator deleted it: list the party again
                else:
                    await event.edit(**details)  # type: ignore[call-overload]
                    return
            if party.starts_at <= utc_now():
                return  # Discord lists only events still ahead
            event = await guild.create_scheduled_event(
                entity_type=discord.EntityType.external,
                privacy_level=discord.PrivacyLevel.guild_only,
                **details,  # type: ignore[arg-type]
            )
            await store.remember(party.id, event.id)
        except discord.Forbidden:
            log.info("No Manage Events in guild %s: party %s is not in its Events list", guild.id, party.id)
        except discord.HTTPException as exc:
            log.warning("Could not list party %s as a scheduled event: %s", party.id, exc)

    async def finish(self, party: Party) -> None:
        """After a close: completed if the party had started, cancelled if it never did."""
        guild = self.bot.get_guild(party.guild_id)
        event_id = await self.bot.store.scheduled_events.event_id(party.id)
        if guild is None or event_id is None:
            return
        started = party.starts_at is not None and party.starts_at <= utc_now()
        try:
            event = await guild.fetch_scheduled_event(event_id)
            if event.status in (discord.EventStatus.completed, discord.EventStatus.cancelled):
                return
            if not started:
                if event.status is discord.EventStatus.scheduled:
                    await event.cancel()
                else:
                    await event.end()
                return
            if event.status is discord.EventStatus.scheduled:
                event = await event.start()
            await event.end()
        except discord.NotFound:
            await self.bot.store.scheduled_events.forget(party.id)
        except discord.HTTPException as exc:
            log.warning("Could not finish the scheduled event of party %s: %s", party.id, exc)
