"""When reminders go out before a party: reading what a host types, and planning the due moments.

Accepted: one to three durations separated by commas, each in days, hours and minutes ("24h", "90m",
"2h 30m", "1d"), none longer than 14 days; or "off". The result is minutes before the start, largest
first, without repeats.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from rules.errors import ReminderAtStart, ReminderTooEarly, TooManyReminders, UnreadableReminder

DEFAULT_MINUTES_BEFORE: tuple[int, ...] = (24 * 60, 60)
MAX_REMINDERS = 3
MAX_MINUTES_BEFORE = 14 * 24 * 60
OFF = "off"

_DURATION = re.compile(r"(?:([0-9]{1,5}) *d)? *(?:([0-9]{1,5}) *h)? *(?:([0-9]{1,6}) *m)?", re.ASCII)


def _minutes(part: str, typed: str) -> int:
    match = _DURATION.fullmatch(part.strip().lower())
    if not part.strip() or match is None:
        raise UnreadableReminder(typed)
    days, hours, minutes = (int(group or 0) for group in match.groups())
    total = days * 24 * 60 + hours * 60 + minutes
    if total <= 0:
        raise ReminderAtStart()
    if total > MAX_MINUTES_BEFORE:
        raise ReminderTooEarly(part.strip(), MAX_MINUTES_BEFORE // (24 * 60))
    return total


def parse_before(typed: str) -> tuple[int, ...]:
    """Minutes before the start, largest first; () for "off".

    :raises Refusal: anything else, saying what is accepted.
    """
    text = typed.strip()
    if text.lower() == OFF:
        return ()
    parts = text.split(",")
    if len(parts) > MAX_REMINDERS:
        raise TooManyReminders(MAX_REMINDERS)
    return tuple(sorted({_minutes(part, typed) for part in parts}, reverse=True))


def duration_text(minutes: int) -> str:
    """ "1 day", "24 hours", "2 hours 30 minutes": how long before the start, in words."""
    if minutes % (24 * 60) == 0 and minutes > 24 * 60:
        return _plural(minutes // (24 * 60), "day")
    hours, rest = divmod(minutes, 60)
    words = [_plural(hours, "hour")] if hours else []
    if rest:
        words.append(_plural(rest, "minute"))
    return " ".join(words)


def before_text(minutes_before: tuple[int, ...]) -> str:
    """ "24 hours and 1 hour before the start", or "off"."""
    if not minutes_before:
        return "off"
    words = [duration_text(m) for m in minutes_before]
    joined = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
    return f"{joined} before the start"


def due_moments(
    starts_at: datetime, minutes_before: tuple[int, ...], now: datetime
) -> list[tuple[int, datetime]]:
    """(minutes before, due moment) for each reminder still ahead: one whose moment has already passed
    when it is planned is left out, so moving a start close never sends a burst of late reminders."""
    planned = []
    for minutes in minutes_before:
        due = starts_at - timedelta(minutes=minutes)
        if due > now:
            planned.append((minutes, due))
    return planned


def _plural(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"
