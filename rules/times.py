"""Time rules: the party's time zone, its start and end, and how moments are shown.

Users type wall-clock times in the party's IANA time zone; everything leaves here as an aware UTC
``datetime``, and is shown back with Discord timestamps so each member sees their own local time.

Accepted forms: ``starts`` is ``YYYY-MM-DD HH:MM`` (24-hour; a one-digit hour such as "8:00" is
read as "08:00"); ``ends`` is that or ``HH:MM``. ISO's "T" separator, "8pm", "24:00" and words like
"tomorrow" are refused with the accepted forms.
"""

import functools
import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from rules.errors import (
    EndNotAfterStart,
    NotARealDate,
    NotARealTime,
    NotATime,
    SkippedTime,
    TimeField,
    UnknownTimezone,
    YearOutOfRange,
)

DEFAULT_TIMEZONE = "UTC"

_TIMESTAMP_STYLES = frozenset("tTdDfFR")
_DATE_TIME = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2}) +([0-9]{1,2}):([0-9]{2})", re.ASCII)
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})", re.ASCII)

# Discord timestamps count seconds since 1970; the upper bound keeps date arithmetic far from
# datetime's year 9999 ceiling, and no one plans a party further out.
_FIRST_YEAR = 1970
_LAST_YEAR = 2999


@functools.cache
def _zone_names() -> dict[str, str]:
    # Only names from this list ever reach ZoneInfo(), so "../etc/passwd" can't be read as a path.
    return {_zone_key(name): name for name in available_timezones()}


def _zone_key(name: str) -> str:
    return name.strip().replace(" ", "_").casefold()


def parse_timezone(name: str | None) -> ZoneInfo:
    """Return the zone named ``name`` (UTC when empty), or refuse it with an example.

    The exact IANA spelling works, and so does any casing or spaces for underscores
    ("america/los angeles").
    """
    if name is None or not name.strip():
        return ZoneInfo(DEFAULT_TIMEZONE)
    canonical = _zone_names().get(_zone_key(name))
    if canonical is None:
        raise UnknownTimezone(name)
    return ZoneInfo(canonical)


def matching_timezones(query: str, limit: int = 25) -> list[str]:
    """Zone names for an autocomplete: names starting with `query` first, then names containing it."""
    key = _zone_key(query)
    names = sorted(_zone_names().items())
    if not key:
        popular = ["UTC", "America/Los_Angeles", "America/New_York", "Europe/London", "Europe/Paris"]
        return popular[:limit]
    starts = [name for k, name in names if k.startswith(key) or k.split("/")[-1].startswith(key)]
    contains = [name for k, name in names if key in k and name not in starts]
    return (starts + contains)[:limit]


def _local_to_utc(day: date, clock: time, tz: ZoneInfo) -> datetime:
    # fold=0 picks the first of two occurrences when clocks fall back.
    local = datetime.combine(day, clock, tzinfo=tz)
    moment = local.astimezone(UTC)
    # A time skipped when clocks spring forward comes back from UTC as a different wall time.
    if moment.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        raise SkippedTime(local, tz.key)
    return moment


def _read_clock(hour: str, minute: str, shown: str, field: TimeField) -> time:
    try:
        return time(int(hour), int(minute))
    except ValueError:
        raise NotARealTime(shown, field) from None


def _read_date_time(text: str, tz: ZoneInfo, field: TimeField) -> datetime | None:
    match = _DATE_TIME.fullmatch(text)
    if match is None:
        return None
    year, month, day, hour, minute = match.groups()
    try:
        day_value = date(int(year), int(month), int(day))
    except ValueError:
        raise NotARealDate(text, field) from None
    if not _FIRST_YEAR <= day_value.year <= _LAST_YEAR:
        raise YearOutOfRange(text, _FIRST_YEAR, _LAST_YEAR)
    return _local_to_utc(day_value, _read_clock(hour, minute, text, field), tz)


def parse_start(text: str, tz: ZoneInfo) -> datetime:
    """Return the start typed as ``YYYY-MM-DD HH:MM`` in ``tz``, as an aware UTC datetime."""
    stripped = text.strip()
    moment = _read_date_time(stripped, tz, "start")
    if moment is None:
        raise NotATime(stripped, "start")
    return moment


def likely_meant(start: datetime, tz: ZoneInfo, now: datetime) -> datetime | None:
    """The start a host probably meant when they typed one in the past: the same day and time of the
    first later year in which it is still ahead (a copied invitation, last year's date), or None.
    """
    local = start.astimezone(tz)
    for year in range(max(local.year + 1, now.astimezone(tz).year), _LAST_YEAR + 1):
        try:
            moment = _local_to_utc(local.date().replace(year=year), local.time(), tz)
        except (ValueError, SkippedTime):  # 29 February, or a time the clocks skip that year
            continue
        if moment > now:
            return moment
    return None


def parse_end(text: str, start: datetime, tz: ZoneInfo) -> datetime:
    """Return the end typed as ``HH:MM`` or ``YYYY-MM-DD HH:MM`` in ``tz``, as an aware UTC datetime.

    A bare ``HH:MM`` is on the start's local date, or the next day when it is not after the start
    (a party that ran until 1:30 a.m.). A full date and time must be after the start.
    """
    stripped = text.strip()
    moment = _read_date_time(stripped, tz, "end")
    if moment is not None:
        if moment <= start:
            raise EndNotAfterStart(stripped, start.astimezone(tz))
        return moment

    match = _TIME.fullmatch(stripped)
    if match is None:
        raise NotATime(stripped, "end")
    clock = _read_clock(*match.groups(), stripped, "end")
    start_local = start.astimezone(tz)
    # Choosing the day by wall clock first means an end after midnight is never checked against a
    # DST gap on the wrong (start's) day.
    day = start_local.date()
    if clock <= start_local.time():
        day += timedelta(days=1)
    moment = _local_to_utc(day, clock, tz)
    if moment <= start:
        # Only around a fall-back hour: the wall clock is later but the first occurrence is not.
        moment = _local_to_utc(day + timedelta(days=1), clock, tz)
    return moment


def discord_timestamp(moment: datetime, style: str = "F") -> str:
    """Return Discord's ``<t:seconds:style>`` markup, which each reader sees in their own time zone."""
    if style not in _TIMESTAMP_STYLES:
        raise ValueError(f"unknown Discord timestamp style {style!r}; use one of t T d D f F R")
    if moment.tzinfo is None:
        raise ValueError("discord_timestamp needs an aware datetime")
    return f"<t:{int(moment.timestamp())}:{style}>"
