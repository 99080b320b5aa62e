"""Keeping live messages current without flooding Discord: the live counter and the invitation's counts.

`LiveRefresher.mark(key)` says "what this message shows has changed". Each key gets one refresh loop:
refreshes of a key run one at a time, at most one per `interval`, and a mark that arrives while a refresh
runs causes one more refresh afterwards. The refresh reads the stored state when it runs, so however a
burst of marks is coalesced, the last refresh always shows the exact stored figures.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)


class LiveRefresher(Generic[K]):
    def __init__(
        self, refresh: Callable[[K], Awaitable[None]], *, interval: float = 1.0, name: str = "live"
    ) -> None:
        self._refresh = refresh
        self.interval = interval
        self.name = name
        self._dirty: set[K] = set()
        self._loops: dict[K, asyncio.Task[None]] = {}
        # Kept across loops: a loop that ended and restarts must still respect the interval.
        self._last_refresh: dict[K, float] = {}
        self._closed = False

    def mark(self, key: K) -> None:
        """Schedules a refresh of `key`; cheap to call on every change."""
        if self._closed:
            return
        self._dirty.add(key)
        loop = self._loops.get(key)
        if loop is None or loop.done():
            self._loops[key] = asyncio.create_task(self._run(key), name=f"{self.name}-{key}")

    async def settle(self, timeout: float = 10.0) -> None:
        """Waits until every marked key has been refreshed (for shutdown and tests)."""
        async with asyncio.timeout(timeout):
            while any(not task.done() for task in self._loops.values()):
                await asyncio.gather(*self._loops.values(), return_exceptions=True)

    async def close(self) -> None:
        self._closed = True
        for task in self._loops.values():
            task.cancel()
        await asyncio.gather(*self._loops.values(), return_exceptions=True)
        self._loops.clear()

    async def _run(self, key: K) -> None:
        while key in self._dirty:
            wait = self._last_refresh.get(key, 0.0) + self.interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            self._dirty.discard(key)
            try:
                await self._refresh(key)
            except Exception:
                # One failed refresh must not stop the loop; the next mark tries again.
                log.exception("Refreshing %s %s failed", self.name, key)
            # Spaced from the end: a refresh that waited in the channel pacer must not be followed at once.
            self._last_refresh[key] = time.monotonic()
