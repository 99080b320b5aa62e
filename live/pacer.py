"""One writer per channel: every message the bot itself creates or edits in a channel goes through here.

Discord counts message creates and edits in one channel against one budget (about 5 per 5 s), but
reports them under different rate-limit buckets, so discord.py cannot see one route using up the
other's budget. The live counter, the invitation's counts and the announcements in one channel would
trip the limit together; this pacer keeps all of them under it.

Writes in a channel go out one at a time in the order they were asked for (edits of messages already
shown first: see `_next`), spread about
`window / limit` apart (a second at Discord's figure) rather than five at once and then a five-second
pause: a live counter then trails the last change by about a second, never by a whole window. An edit
of a message that is still waiting in the queue is replaced by the newer edit (which keeps the older
one's place), so a burst of updates costs one write; an edit that would show exactly what the message
already shows (`shows`, as last written through this pacer) is skipped and costs nothing. Interaction
replies do not come through here: Discord exempts them.
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
    shows: str | None = None
    waiters: list[asyncio.Future[Any]] = field(default_factory=list)
    # How often an edit went ahead of this post; once is the most it waits for.
    passed_over: int = 0


@dataclass
class _Lane:
    queue: deque[_Job] = field(default_factory=deque)
    queued_edits: dict[int, _Job] = field(default_factory=dict)
    # When each recent write finished: the server saw it arrive no later than that.
    finished: deque[float] = field(default_factory=deque)
    last_start: float = float("-inf")
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
        # Writes start at least this far apart in a channel: the budget spread over its window.
        self.spacing = (window + margin) / limit
        self._lanes: dict[int, _Lane] = {}
        # What each message shows, as last written here: an identical edit is skipped.
        self._shown: dict[int, str] = {}
        self.skipped_edits = 0
        self._closed = False
        self._born = time.monotonic()
        self._fresh_start = fresh_start

    async def send(
        self, channel_id: int, write: Callable[[], Awaitable[T]], *, shows: str | None = None
    ) -> T:
        """Runs `write` (a message create, delete or pin) when the channel's budget allows; `shows`
        says what a created message shows, so that an identical first edit of it is skipped."""
        return await self._enqueue(channel_id, write, edit_of=None, shows=shows)

    async def edit(
        self, channel_id: int, message_id: int, write: Callable[[], Awaitable[T]], *, shows: str | None = None
    ) -> T | None:
        """Runs `write`, an edit of `message_id`; a newer edit queued before it runs replaces it.

        Every caller whose edit was replaced gets the result of the edit that went out. With `shows`
        (what the edit makes the message show, e.g. its embed as JSON), an edit that would show what
        the message already shows is skipped and its callers get None.
        """
        return await self._enqueue(channel_id, write, edit_of=message_id, shows=shows)

    def forget(self, message_id: int) -> None:
        """The message was deleted or replaced: what it showed no longer matters."""
        self._shown.pop(message_id, None)

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

    async def _enqueue(self, channel_id: int, write: Write, edit_of: int | None, shows: str | None) -> Any:
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
            job.shows = shows
        else:
            job = _Job(write, edit_of, shows)
            lane.queue.append(job)
            if edit_of is not None:
                lane.queued_edits[edit_of] = job
        job.waiters.append(waiter)
        if lane.worker is None or lane.worker.done():
            lane.worker = asyncio.create_task(self._drain(lane), name=f"pacer-{channel_id}")
        return await waiter

    async def _drain(self, lane: _Lane) -> None:
        while lane.queue:
            job = self._next(lane)
            if self._unchanged(job):
                lane.queue.remove(job)
                self._skip(lane, job)
                continue
            await self._wait_for_budget(lane)
            job = self._next(lane)
            if job is not lane.queue[0]:
                lane.queue[0].passed_over += 1
            lane.queue.remove(job)
            if job.edit_of is not None:
                lane.queued_edits.pop(job.edit_of, None)
            if self._unchanged(job):
                # Replaced while waiting by an edit that shows what the message already shows.
                self._skip(lane, job)
                continue
            lane.last_start = time.monotonic()
            try:
                result = await job.write()
            except Exception as exc:
                outcome: tuple[bool, Any] = (False, exc)
                if job.edit_of is not None:
                    self._shown.pop(job.edit_of, None)  # the message may or may not show the edit
            else:
                outcome = (True, result)
                self._remember(job, result)
            finally:
                lane.finished.append(time.monotonic())
            for waiter in job.waiters:
                if waiter.done():
                    continue
                if outcome[0]:
                    waiter.set_result(outcome[1])
                else:
                    waiter.set_exception(outcome[1])

    @staticmethod
    def _next(lane: _Lane) -> _Job:
        # An edit of a message already shown may go once before a post waiting with it: the post (a
        # milestone, an announcement) waits a second, the live figures do not wait behind it. Only once,
        # so a steady stream of edits never starves the posts.
        head = lane.queue[0]
        if head.edit_of is not None or head.passed_over:
            return head
        return next((job for job in lane.queue if job.edit_of is not None), head)

    def _unchanged(self, job: _Job) -> bool:
        return job.edit_of is not None and job.shows is not None and self._shown.get(job.edit_of) == job.shows

    def _skip(self, lane: _Lane, job: _Job) -> None:
        if job.edit_of is not None:
            lane.queued_edits.pop(job.edit_of, None)
        self.skipped_edits += 1
        for waiter in job.waiters:
            if not waiter.done():
                waiter.set_result(None)

    def _remember(self, job: _Job, result: Any) -> None:
        if job.shows is None:
            # An edit of unknown effect: the message may show anything now.
            if job.edit_of is not None:
                self._shown.pop(job.edit_of, None)
            return
        message_id = job.edit_of if job.edit_of is not None else getattr(result, "id", None)
        if isinstance(message_id, int):
            self._shown[message_id] = job.shows

    async def turn(self, channel_id: int) -> None:
        """Returns once the channel's budget would let a write go out at once, reserving nothing.

        For a caller that reads what it writes (a live figure): waiting here first and reading after
        shows what is stored when the write can go, not what was stored a spacing earlier.
        """
        lane = self._lanes.get(channel_id)
        if lane is not None:
            await self._wait_for_budget(lane)

    def _prune(self, lane: _Lane, now: float) -> None:
        """Forgets the writes that have left the channel's window."""
        while lane.finished and now - lane.finished[0] >= self.window + self.margin:
            lane.finished.popleft()

    def _delay(self, lane: _Lane) -> float:
        now = time.monotonic()
        self._prune(lane, now)
        delay = lane.last_start + self.spacing - now
        if len(lane.finished) >= self.limit:
            delay = max(delay, lane.finished[0] + self.window + self.margin - now)
        return delay

    async def _wait_for_budget(self, lane: _Lane) -> None:
        delay = self._delay(lane)
        if delay > 0:
            log.debug("Spacing the channel's writes; next in %.2fs", delay)
            await asyncio.sleep(delay)
        self._prune(lane, time.monotonic())
