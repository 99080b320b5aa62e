"""A party's schedule (start, end, time zone) worked out from what a host typed and what was set before."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from rules.errors import EndWithoutStart, StartPassed
from rules.times import DEFAULT_TIMEZONE, likely_meant, parse_end, parse_start, parse_timezone

# A start this recent is a party already under way (set up late, mid-show), not a wrong date.
UNDER_WAY = timedelta(hours=6)


@dataclass(frozen=True)
class Schedule:
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    timezone: str = DEFAULT_TIMEZONE


def plan_schedule(
    *,
    starts: str | None,
    ends: str | None,
    timezone: str | None,
    now: datetime,
    current: Schedule | None = None,
) -> Schedule:
    """The schedule after a create (no `current`) or an edit.

    Calendar apps set the expectations here: moving the start keeps the party's length, and changing
    only the time zone keeps the wall-clock times ("I meant 8 p.m. Pacific"), not the instants.
    A typed start more than `UNDER_WAY` in the past is refused with the date probably meant, unless the
    party being edited has already begun: then the host is correcting the night as it happens.

    :raises RuleRefusal: a time or zone is malformed, a start is in the past, or an end comes without a start.
    """
    current = current or Schedule()
    zone = parse_timezone(timezone if timezone is not None else current.timezone)
    length = (
        current.ends_at - current.starts_at
        if current.starts_at is not None and current.ends_at is not None
        else None
    )

    if starts is not None:
        starts_at: datetime | None = parse_start(starts, zone)
        under_way = current.starts_at is not None and current.starts_at <= now
        if starts_at is not None and starts_at < now - UNDER_WAY and not under_way:
            _refuse_past(starts.strip(), starts_at, zone, now)
    elif current.starts_at is not None and timezone is not None:
        old_zone = parse_timezone(current.timezone)
        starts_at = parse_start(f"{current.starts_at.astimezone(old_zone):%Y-%m-%d %H:%M}", zone)
    else:
        starts_at = current.starts_at

    if ends is not None:
        if starts_at is None:
            raise EndWithoutStart()
        ends_at: datetime | None = parse_end(ends, starts_at, zone)
    elif length is not None and starts_at is not None:
        ends_at = starts_at + length
    else:
        ends_at = current.ends_at
    return Schedule(starts_at=starts_at, ends_at=ends_at, timezone=zone.key)


def _refuse_past(typed: str, starts_at: datetime, zone: ZoneInfo, now: datetime) -> None:
    meant = likely_meant(starts_at, zone, now)
    raise StartPassed(typed, zone.key, meant.astimezone(zone) if meant is not None else None)
