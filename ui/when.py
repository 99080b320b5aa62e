"""When a party happens, as Discord timestamps that every member reads in their own time zone."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from rules.times import discord_timestamp
from storage import Party


def when_text(party: Party) -> str:
    """The party's time as Discord timestamps, which every member reads in their own time zone."""
    if party.starts_at is None:
        return "Not set yet"
    text = f"{discord_timestamp(party.starts_at, 'F')} ({discord_timestamp(party.starts_at, 'R')})"
    if party.ends_at is not None:
        text += f"\nuntil {discord_timestamp(party.ends_at, 't')}"
        if (
            party.ends_at.astimezone(ZoneInfo(party.timezone)).date()
            != party.starts_at.astimezone(ZoneInfo(party.timezone)).date()
        ):
            text += f" ({discord_timestamp(party.ends_at, 'D')})"
    return text + f"\nTime zone: {party.timezone}"
