"""How storage writes and reads moments: aware UTC datetimes in, ISO-8601 UTC text in the database.

`utc_now()` is the one clock every stored moment comes from, and the project's clock seam. `use_clock`
swaps in another for a simulated night (the demo plays a whole evening in a minute, on the story's own
clock); `travel()` moves the time forward so a test can cross the 24 hours before a party in a moment,
and whatever waits on the clock (the reminder scheduler) subscribes with `on_travel()` to look again. A
clock given to `use_clock` that jumps (the demo's story) calls `jumped()` so the subscribers look again too.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

_clock: Callable[[], datetime] | None = None
_offset = timedelta()
_travellers: list[Callable[[], None]] = []


def utc_now() -> datetime:
    return (datetime.now(UTC) if _clock is None else _clock()) + _offset


def travel(delta: timedelta) -> None:
    """Moves the clock by `delta` for this process (tests and the demo only) and tells the subscribers."""
    global _offset
    _offset += delta
    jumped()


def jumped() -> None:
    """Tells the subscribers the time jumped (`travel`, or a clock given to `use_clock` moving on)."""
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
