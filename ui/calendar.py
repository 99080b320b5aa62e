"""The party as an iCalendar file (RFC 5545) for any calendar app, made with the `icalendar` library.

The UID is derived from the party alone, so a guest who downloads the file again after the host moved
the start gets the same event updated in their calendar instead of a second one.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from rules.money import format_cents
from storage import Party

PRODID = "-//Losers Lounge//Awards-night party//EN"


def event_url(guild_id: int, event_id: int) -> str:
    """The link Discord gives a guild's scheduled event."""
    return f"https://discord.com/events/{guild_id}/{event_id}"


def calendar_filename(party: Party) -> str:
    return f"party-{party.id}.ics"


def party_uid(party: Party) -> str:
    return f"party-{party.id}-guild-{party.guild_id}@losers-lounge"


def _description(party: Party, link: str | None) -> str:
    charity = party.charity or "the party's charity"
    lines = [
        f"Losers get in free; winners donate {format_cents(party.winner_donation_cents)} to {charity}.",
    ]
    if link:
        lines.append(link)
    return "\n".join(lines)


def party_calendar(party: Party, *, stamp: datetime, link: str | None) -> bytes:
    """The .ics bytes: one VEVENT in the party's own time zone (with its VTIMEZONE), or ValueError
    when the party has no start yet (the caller refuses before asking)."""
    if party.starts_at is None:
        raise ValueError("a party without a start has no calendar entry")
    zone = ZoneInfo(party.timezone)
    event = icalendar.Event.new(
        uid=party_uid(party),
        stamp=stamp,
        summary=party.name,
        start=party.starts_at.astimezone(zone),
        end=party.ends_at.astimezone(zone) if party.ends_at is not None else None,
        location=party.venue,
        description=_description(party, link),
        url=link,
    )
    calendar = icalendar.Calendar.new(
        prodid=PRODID, uid=f"calendar-{party_uid(party)}", subcomponents=[event]
    )
    # The VTIMEZONE makes the file self-contained: a calendar app need not know the IANA name. A year
    # either side of the party keeps it to the transitions that matter instead of every one since 1970.
    start = party.starts_at.date()
    calendar.add_missing_timezones(
        first_date=start - timedelta(days=366), last_date=start + timedelta(days=366)
    )
    return calendar.to_ical()
