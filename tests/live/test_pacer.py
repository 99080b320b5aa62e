"""The per-channel pacer on its own: budget, order, and edits coalescing (a short window keeps it quick)."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from live.pacer import ChannelPacer


def windows_hold(times: list[float], limit: int, window: float) -> bool:
    """True when no `window`-long span holds more than `limit` of `times`."""
    times = sorted(times)
    return all(times[i + limit] - times[i] >= window for i in range(len(times) - limit))


async def test_writes_in_one_channel_stay_within_the_budget_and_keep_their_order() -> None:
    pacer = ChannelPacer(limit=5, window=0.5, margin=0.01, fresh_start=True)
    started: list[tuple[int, float]] = []

    def write(n: int):
        async def run() -> int:
            started.append((n, time.monotonic()))
            return n

        return run

    results = await asyncio.wait_for(asyncio.gather(*(pacer.send(1, write(n)) for n in range(12))), 10)
    assert results == list(range(12))
    assert [n for n, _ in started] == list(range(12))
    assert windows_hold([t for _, t in started], limit=5, window=0.5)
    await pacer.close()


async def test_channels_have_separate_budgets() -> None:
    pacer = ChannelPacer(limit=2, window=5.0, fresh_start=True)
    begin = time.monotonic()

    async def noop() -> None:
        return None

    await asyncio.wait_for(asyncio.gather(*(pacer.send(channel, noop) for channel in range(10))), 5)
    assert time.monotonic() - begin < 1.0  # one write each: nobody waited on another channel
    await pacer.close()


async def test_a_burst_of_edits_to_one_message_collapses_to_the_newest() -> None:
    pacer = ChannelPacer(limit=1, window=0.3, margin=0.01, fresh_start=True)
    sent: list[str] = []

    def edit(text: str):
        async def run() -> str:
            sent.append(text)
            return text

        return run

    await pacer.send(7, edit("first post"))  # spends the budget so the edits queue up
    edits = [asyncio.create_task(pacer.edit(7, 99, edit(f"total {n}"))) for n in range(50)]
    results = await asyncio.wait_for(asyncio.gather(*edits), 5)
    assert sent == ["first post", "total 49"]
    assert set(results) == {"total 49"}  # every caller learns what actually went out
    await pacer.close()


async def test_a_failed_write_reaches_its_caller_and_the_queue_goes_on() -> None:
    pacer = ChannelPacer(limit=5, window=0.5, fresh_start=True)

    async def broken() -> None:
        raise RuntimeError("discord said no")

    async def fine() -> str:
        return "ok"

    failing = asyncio.create_task(pacer.send(3, broken))
    following = asyncio.create_task(pacer.send(3, fine))
    with pytest.raises(RuntimeError, match="discord said no"):
        await failing
    assert await following == "ok"
    await pacer.close()


async def test_after_a_restart_the_first_window_counts_as_spent() -> None:
    """The previous process may have used the whole budget just before it stopped: wait it out."""
    pacer = ChannelPacer(limit=5, window=0.4, margin=0.01)
    born = time.monotonic()

    async def noop() -> float:
        return time.monotonic()

    first_write = await asyncio.wait_for(pacer.send(1, noop), 5)
    assert first_write - born >= 0.4
    await pacer.close()


async def test_a_window_of_writes_is_spread_out_not_spent_at_once() -> None:
    """Five writes at once go out about window/limit apart, not five together and then a pause."""
    pacer = ChannelPacer(limit=5, window=1.0, margin=0.0, fresh_start=True)
    started: list[float] = []

    async def write() -> None:
        started.append(time.monotonic())

    await asyncio.wait_for(asyncio.gather(*(pacer.send(1, write) for _ in range(7))), 10)
    gaps = [later - earlier for earlier, later in itertools.pairwise(started)]
    assert min(gaps) >= 0.19, gaps  # (1.0 s / 5), less timer slack
    assert windows_hold(started, limit=5, window=1.0)
    # A lone write after a quiet spell goes at once.
    await asyncio.sleep(0.25)
    before = time.monotonic()
    await pacer.send(1, write)
    assert started[-1] - before < 0.1
    await pacer.close()


async def test_an_edit_identical_to_what_the_message_shows_is_skipped() -> None:
    pacer = ChannelPacer(limit=5, window=0.5, margin=0.01, fresh_start=True)
    sent: list[str] = []

    class Posted:
        id = 42

    async def post() -> Posted:
        sent.append("post: total 10")
        return Posted()

    def edit(text: str):
        async def run() -> str:
            sent.append(text)
            return text

        return run

    await pacer.send(5, post, shows="total 10")
    assert await pacer.edit(5, 42, edit("total 10"), shows="total 10") is None
    assert await pacer.edit(5, 42, edit("total 20"), shows="total 20") == "total 20"
    assert await pacer.edit(5, 42, edit("total 20 again"), shows="total 20") is None
    # Without `shows` nothing is known about the edit, so it always goes out.
    assert await pacer.edit(5, 42, edit("total 20, unlabelled")) == "total 20, unlabelled"
    assert await pacer.edit(5, 42, edit("total 20 once more"), shows="total 20") == "total 20 once more"
    assert sent == ["post: total 10", "total 20", "total 20, unlabelled", "total 20 once more"]
    assert pacer.skipped_edits == 2
    await pacer.close()


async def test_an_edit_goes_once_before_a_waiting_post_never_more() -> None:
    """The live figures don't wait behind a milestone post, and a stream of edits can't starve it."""
    pacer = ChannelPacer(limit=5, window=0.5, margin=0.0, fresh_start=True)
    sent: list[str] = []

    def write(text: str):
        async def run() -> str:
            sent.append(text)
            return text

        return run

    first = asyncio.create_task(pacer.send(8, write("counter edit 1")))
    await asyncio.sleep(0)  # the first write is out; the rest wait for the spacing
    queued = [
        asyncio.create_task(pacer.send(8, write("milestone"))),
        asyncio.create_task(pacer.edit(8, 1, write("counter edit 2"))),
        asyncio.create_task(pacer.edit(8, 2, write("invitation edit"))),
    ]
    await asyncio.wait_for(asyncio.gather(first, *queued), 5)
    assert sent == ["counter edit 1", "counter edit 2", "milestone", "invitation edit"]
    await pacer.close()


async def test_turn_returns_when_a_write_could_go_out_without_taking_the_slot() -> None:
    pacer = ChannelPacer(limit=5, window=1.0, margin=0.0, fresh_start=True)
    starts: list[float] = []

    async def write() -> None:
        starts.append(time.monotonic())

    begin = time.monotonic()
    await asyncio.wait_for(pacer.turn(1), 1)  # a channel never written to: at once
    assert time.monotonic() - begin < 0.1
    await pacer.send(1, write)
    await asyncio.wait_for(pacer.turn(1), 1)
    turned = time.monotonic()
    assert turned - starts[0] >= pacer.spacing - 0.01  # waited out the spacing after the write
    # The turn reserved nothing: a write asked for now goes out at once.
    await asyncio.wait_for(pacer.send(1, write), 1)
    assert starts[1] - turned < 0.1
    await pacer.close()
