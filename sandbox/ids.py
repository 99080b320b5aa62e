"""Snowflake ids shaped like Discord's: time-based, monotonically increasing, unique per process."""

from __future__ import annotations

import itertools
import time

DISCORD_EPOCH_MS = 1_420_070_400_000

_increment = itertools.count()
_last = 0


def snowflake(at: float | None = None) -> int:
    """Return a new Discord-style snowflake (milliseconds since the Discord epoch in the high bits).

    ``at`` (Unix seconds in the past) makes one created back then, as Discord hands out an interaction
    that waited in a backlog; it does not take part in the ordering of new ids.
    """
    global _last
    if at is not None:
        return ((int(at * 1000) - DISCORD_EPOCH_MS) << 22) | (1 << 17) | (next(_increment) & 0xFFF)
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    value = (ms << 22) | (1 << 17) | (next(_increment) & 0xFFF)
    # Several ids in the same millisecond with a wrapped counter must still sort in creation order.
    if value <= _last:
        value = _last + 1
    _last = value
    return value


def snowflake_time(value: int) -> float:
    """Unix time (seconds) encoded in a snowflake."""
    return ((value >> 22) + DISCORD_EPOCH_MS) / 1000
