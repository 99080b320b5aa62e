"""One snapshot per burst of changes, shared by every open page of a party.

The change signal marks a party dirty; the party's single refresh loop reads its snapshot at most once
per `spacing` and hands the same encoded frame to every viewer, so 100 pages cost one read, not 100.
Parties nobody watches are not read at all.

Each viewer has a small bounded queue of frames. A viewer whose connection does not drain (a stalled TV,
a client that stopped reading) fills it and is dropped: its page reconnects by itself if it is alive.
A viewer whose token no longer opens the party (reset) is closed by the next snapshot.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque

from storage import Storage
from storage.changes import Topic
from web.snapshot import read_snapshot

log = logging.getLogger(__name__)

SHOWN_TOPICS = frozenset({Topic.MONEY, Topic.RESULTS, Topic.PARTY})
# A change reaches open pages within a second: the first change of a burst at once, then at most 4 a second.
SPACING = 0.25
QUEUE_LIMIT = 8


class Viewer:
    """One open event stream: the frames waiting to be written to it, newest last."""

    def __init__(self, party_id: int, token: str, limit: int = QUEUE_LIMIT) -> None:
        self.party_id = party_id
        self.token = token
        self.closed = False
        self._limit = limit
        self._frames: deque[bytes] = deque()
        self._ready = asyncio.Event()

    def push(self, frame: bytes) -> None:
        if self.closed:
            return
        if len(self._frames) >= self._limit:
            log.info("Dropping a screen viewer of party %s: it stopped reading", self.party_id)
            self.close()
            return
        self._frames.append(frame)
        self._ready.set()

    def close(self) -> None:
        self.closed = True
        self._ready.set()

    async def next_frame(self, timeout: float) -> bytes | None:
        """The next frame to write; None after `timeout` with nothing new (time for a heartbeat).

        :raises ConnectionAbortedError: the viewer was closed (dropped, reset, or the bot stops).
        """
        if not self._frames and not self.closed:
            try:
                await asyncio.wait_for(self._ready.wait(), timeout)
            except TimeoutError:
                return None
        if self.closed:
            raise ConnectionAbortedError
        self._ready.clear()
        return self._frames.popleft() if self._frames else None


class _Room:
    def __init__(self) -> None:
        self.viewers: set[Viewer] = set()
        self.frame: bytes | None = None
        self.dirty = False
        self.task: asyncio.Task[None] | None = None
        self.last_read = 0.0


class ScreenHub:
    def __init__(self, store: Storage, *, spacing: float = SPACING) -> None:
        self._store = store
        self.spacing = spacing
        self._rooms: dict[int, _Room] = {}
        self.snapshots_read = 0
        self._unsubscribe = store.database.changes.subscribe(self._on_change)

    @property
    def viewer_count(self) -> int:
        return sum(len(room.viewers) for room in self._rooms.values())

    def join(self, party_id: int, token: str) -> Viewer:
        viewer = Viewer(party_id, token)
        room = self._rooms.get(party_id)
        if room is None:
            room = self._rooms[party_id] = _Room()
        room.viewers.add(viewer)
        if room.frame is not None:
            viewer.push(room.frame)
        else:
            self._mark(party_id)
        return viewer

    def leave(self, viewer: Viewer) -> None:
        viewer.close()
        room = self._rooms.get(viewer.party_id)
        if room is None:
            return
        room.viewers.discard(viewer)
        if not room.viewers:
            # Nobody watches: stop reading the party; the next viewer starts from a fresh snapshot.
            del self._rooms[viewer.party_id]
            if room.task is not None:
                room.task.cancel()

    async def close(self) -> None:
        self._unsubscribe()
        rooms = list(self._rooms.values())
        self._rooms.clear()
        for room in rooms:
            for viewer in room.viewers:
                viewer.close()
            if room.task is not None:
                room.task.cancel()
        await asyncio.gather(*(r.task for r in rooms if r.task is not None), return_exceptions=True)

    def _on_change(self, party_id: int, topics: frozenset[Topic]) -> None:
        if topics & SHOWN_TOPICS and party_id in self._rooms:
            self._mark(party_id)

    def _mark(self, party_id: int) -> None:
        room = self._rooms[party_id]
        room.dirty = True
        if room.task is None or room.task.done():
            room.task = asyncio.create_task(self._run(party_id, room), name=f"screen-{party_id}")

    async def _run(self, party_id: int, room: _Room) -> None:
        while room.dirty and self._rooms.get(party_id) is room:
            wait = room.last_read + self.spacing - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            room.dirty = False
            room.last_read = time.monotonic()
            try:
                await self._refresh(party_id, room)
            except Exception:
                # The next change tries again; the pages keep what they show meanwhile.
                log.exception("Reading the screen of party %s failed", party_id)

    async def _refresh(self, party_id: int, room: _Room) -> None:
        snapshot = await read_snapshot(self._store, party_id)
        token = await self._store.screens.token_of(party_id)
        self.snapshots_read += 1
        if snapshot is None or token is None:
            for viewer in list(room.viewers):
                viewer.close()
            return
        room.frame = b"data: " + snapshot.to_json().encode() + b"\n\n"
        for viewer in list(room.viewers):
            if viewer.token != token:
                viewer.close()
            else:
                viewer.push(room.frame)
