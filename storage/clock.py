"""How storage writes and reads moments: aware UTC datetimes in, ISO-8601 UTC text in the database.

`utc_now()` is also the project's clock seam: `travel()` moves it forward so a test can cross the
24 hours before a party in a moment, and whatever waits on the clock (the reminder scheduler)
subscribes with `on_travel()` to look again at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

_offset = timedelta()
_travellers: list[Callable[[], None]] = []


def utc_now() -> datetime:
    return datetime.now(UTC) + _offset


def travel(delta: timedelta) -> None:
    """Moves the clock by `delta` for this process (tests and the demo only) and tells the subscribers."""
    global _offset
    _offset += delta
    for callback in list(_travellers):
        callback()


def reset_travel() -> None:
    """Back to the real time."""
    global _offset
    _offset = timedelta()


def on_travel(callback: Callable[[], None]) -> Callable[[], None]:
    """Calls `callback()` (synchronous, cheap) after each `travel`; returns an unsubscribe."""
    _travellers.append(callback)

    def unsubscribe() -> None:
        if callback in _travellers:
            _travellers.remove(callback)

    return unsubscribe


def to_text(moment: datetime | None) -> str | None:
    """ISO text in UTC; naive datetimes are refused because their zone would be a guess."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("storage only takes aware datetimes")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
