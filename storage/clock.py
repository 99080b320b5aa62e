"""How storage writes and reads moments: aware UTC datetimes in, ISO-8601 UTC text in the database.

`utc_now()` is the one clock every stored moment comes from. `use_clock` swaps in another for a
simulated night (the demo plays a whole evening in a minute, on the story's own clock).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

_clock: Callable[[], datetime] | None = None


def utc_now() -> datetime:
    return datetime.now(UTC) if _clock is None else _clock()


def use_clock(clock: Callable[[], datetime] | None) -> None:
    """Makes `clock` (returning aware datetimes) the time of this process; None restores the real one."""
    global _clock
    _clock = clock


def to_text(moment: datetime | None) -> str | None:
    """ISO text in UTC; naive datetimes are refused because their zone would be a guess."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("storage only takes aware datetimes")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
