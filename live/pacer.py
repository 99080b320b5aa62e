"""One writer per channel: every message the bot itself creates or edits in a channel goes through here.

Discord counts message creates and edits in one channel against one budget (about 5 per 5 s), but
reports them under different rate-limit buckets, so discord.py cannot see one route using up the
other's budget. The live counter, the invitation's counts and the announcements in one channel would
trip the limit together; this pacer keeps all of them under it.

Writes in a channel go out one at a time in the order they were asked for. An edit of a message that
is still waiting in the queue is replaced by the newer edit (which keeps the older one's place), so a
burst of updates costs one write. Interaction replies do not come through here: Discord exempts them.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
Write = Callable[[], Awaitable[Any]]


@dataclass
class _Job:
    write: Write
    edit_of: int | None
    waiters: list[asyncio.Future[Any]] = field(default_factory=list)


@dataclass
class _Lane:
    queue: deque[_Job] = field(default_factory=deque)
    queued_edits: dict[int, _Job] = field(default_factory=dict)
    # When each recent write finished: the server saw it arrive no later than that.
    finished: deque[float] = field(default_factory=deque)
    worker: asyncio.Task[None] | None = None


class ChannelPacer:
    """Keeps each channel's writes at `limit` per `window` seconds or fewer."""

    def __init__(
        self, limit: int = 5, window: float = 5.0, margin: float = 0.05, *, fresh_start: bool = False
    ) -> None:
        """`fresh_start=True` says no process of this bot wrote anywhere in the last `window` seconds
        (a first start against a new server); by default a restart is assumed, whose predecessor may
        have spent every channel's budget just before it stopped."""
        self.limit = limit
        self.window = window
        self.margin = margin
        self._lanes: dict[int, _Lane] = {}
        self._closed = False
        self._born = time.monotonic()
        self._fresh_start = fresh_start

    async def send(self, channel_id: int, write: Callable[[], Awaitable[T]]) -> T:
        """Runs `write` (a message create, delete or pin) when the channel's budget allows."""
        return await self._enqueue(channel_id, write, edit_of=None)

    async def edit(self, channel_id: int, message_id: int, write: Callable[[], Awaitable[T]]) -> T:
        """Runs `write`, an edit of `message_id`; a newer edit queued before it runs replaces it.

        Every caller whose edit was replaced gets the result of the edit that went out.
        """
        return await self._enqueue(channel_id, write, edit_of=message_id)

    def pending(self, channel_id: int) -> int:
        lane = self._lanes.get(channel_id)
        return 0 if lane is None else len(lane.queue)

    async def close(self) -> None:
        """Stops every worker; writes still queued are dropped and their callers cancelled."""
        self._closed = True
        workers = [lane.worker for lane in self._lanes.values() if lane.worker is not None]
        for worker in workers:
            worker.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        for lane in self._lanes.values():
            for job in lane.queue:
                for waiter in job.waiters:
                    waiter.cancel()
        self._lanes.clear()

    async def _enqueue(self, channel_id: int, write: Write, edit_of: int | None) -> Any:
        if self._closed:
            raise RuntimeError("the channel pacer is closed")
        lane = self._lanes.get(channel_id)
        if lane is None:
            # Discord remembers what the previous process wrote just before a restart; this pacer
            # cannot, so each channel's first window is treated as already spent.
            spent = [] if self._fresh_start else [self._born] * self.limit
            lane = self._lanes[channel_id] = _Lane(finished=deque(spent))
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        job = lane.queued_edits.get(edit_of) if edit_of is not None else None
        if job is not None:
            job.write = write
        else:
            job = _Job(write, edit_of)
            lane.queue.append(job)
            if edit_of is not None:
                lane.queued_edits[edit_of] = job
        job.waiters.append(waiter)
        if lane.worker is None or lane.worker.done():
            lane.worker = asyncio.create_task(self._drain(lane), name=f"pacer-{channel_id}")
        return await waiter

    async def _drain(self, lane: _Lane) -> None:
        while lane.queue:
            await self._wait_for_budget(lane)
            job = lane.queue.popleft()
            if job.edit_of is not None:
                lane.queued_edits.pop(job.edit_of, None)
            try:
                result = await job.write()
            except Exception as exc:
                outcome: tuple[bool, Any] = (False, exc)
            else:
                outcome = (True, result)
            finally:
                lane.finished.append(time.monotonic())
            for waiter in job.waiters:
                if waiter.done():
                    continue
                if outcome[0]:
                    waiter.set_result(outcome[1])
                else:
                    waiter.set_exception(outcome[1])

    async def _wait_for_budget(self, lane: _Lane) -> None:
        now = time.monotonic()
        while lane.finished and now - lane.finished[0] >= self.window + self.margin:
            lane.finished.popleft()
        if len(lane.finished) >= self.limit:
            delay = lane.finished[0] + self.window + self.margin - now
            log.debug("Channel budget spent; next write in %.2fs", delay)
            await asyncio.sleep(delay)
            lane.finished.popleft()
