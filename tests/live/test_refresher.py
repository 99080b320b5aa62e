"""LiveRefresher: bursts coalesce, refreshes are spaced, and the last one sees the final state."""

from __future__ import annotations

import asyncio
import itertools
import time

from live.refresher import LiveRefresher


async def test_a_burst_of_marks_ends_with_a_refresh_that_sees_the_final_state() -> None:
    state = {"total": 0}
    seen: list[tuple[float, int]] = []

    async def refresh(key: int) -> None:
        seen.append((time.monotonic(), state["total"]))
        await asyncio.sleep(0.01)

    refresher: LiveRefresher[int] = LiveRefresher(refresh, interval=0.2)
    for n in range(1, 101):
        state["total"] = n
        refresher.mark(1)
        if n % 10 == 0:
            await asyncio.sleep(0.03)
    await refresher.settle()

    assert seen[-1][1] == 100
    assert len(seen) <= 3  # ~0.3 s of marks at one refresh per 0.2 s
    gaps = [b[0] - a[0] for a, b in itertools.pairwise(seen)]
    assert all(gap >= 0.19 for gap in gaps)
    await refresher.close()


async def test_a_failing_refresh_does_not_stop_later_ones() -> None:
    calls: list[int] = []

    async def refresh(key: int) -> None:
        calls.append(key)
        if len(calls) == 1:
            raise RuntimeError("discord hiccup")

    refresher: LiveRefresher[int] = LiveRefresher(refresh, interval=0.01)
    refresher.mark(5)
    await refresher.settle()
    refresher.mark(5)
    await refresher.settle()
    assert calls == [5, 5]
    await refresher.close()
