"""The party card shown by /party create, /party edit and /party show."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import discord

from rules.money import format_cents
from rules.times import discord_timestamp
from storage import Party
from ui.limits import LOUNGE_GOLD, clip


def when_text(party: Party) -> str:
    """The party's time as Discord timestamps, which every member reads in their own time zone."""
    if party.starts_at is None:
        return "Not set yet"
    text = f"{discord_timestamp(party.starts_at, 'F')} ({discord_timestamp(party.starts_at, 'R')})"
    if party.ends_at is not None:
        text += f"\nuntil {discord_timestamp(party.ends_at, 't')}"
        if party.ends_at.astimezone(ZoneInfo(party.timezone)).date() != party.starts_at.astimezone(
            ZoneInfo(party.timezone)
        ).date():
            text += f" ({discord_timestamp(party.ends_at, 'D')})"
    return text + f"\nTime zone: {party.timezone}"


def party_card(party: Party) -> discord.Embed:
    title = party.name if party.is_open else f"{party.name} (closed)"
    embed = discord.Embed(title=clip(title, 256), colour=LOUNGE_GOLD)
    charity = party.charity or "the party's charity"
    embed.description = (
        f"Losers get in free; winners donate {format_cents(party.winner_donation_cents)} to {charity}."
    )
    embed.add_field(name="When", value=when_text(party), inline=False)
    embed.add_field(name="Where", value=party.venue or "Not set yet", inline=True)
    embed.add_field(name="Charity", value=party.charity or "Not set yet", inline=True)
    if party.goal_cents is not None:
        embed.add_field(name="Goal", value=format_cents(party.goal_cents), inline=True)
    if party.capacity is not None:
        embed.add_field(name="Capacity", value=f"{party.capacity} guests", inline=True)
    if party.announce_channel_id is not None:
        embed.add_field(name="Results posted in", value=f"<#{party.announce_channel_id}>", inline=True)
    if party.host_role_id is not None:
        embed.add_field(name="Host role", value=f"<@&{party.host_role_id}>", inline=True)
    return embed
