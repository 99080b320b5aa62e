"""One snapshot per burst of changes, shared by every open page of a party.

The change signal marks a party dirty; the party's single refresh loop reads its snapshot at most once
per `spacing` and hands the same encoded frame to every viewer, so 100 pages cost one read, not 100.
Parties nobody watches are not read at all.

The hub writes each frame straight into every viewer's connection, never waiting on one: a viewer whose
send buffer is full (a stalled TV, a client that stopped reading) is dropped instead. A viewer whose
token no longer opens the party (reset) is closed by the next snapshot.
"""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web

from storage import Storage
from storage.changes import Topic
from web.snapshot import read_snapshot

log = logging.getLogger(__name__)

# BALLOT too: the page counts the categories ("3 of 26 announced"); PREDICTIONS: a pick can change who
# leads (ties go to who finished their ballot first).
SHOWN_TOPICS = frozenset({Topic.MONEY, Topic.RESULTS, Topic.PARTY, Topic.BALLOT, Topic.PREDICTIONS})
# A change reaches open pages within a second: the first change of a burst at once, then at most 4 a second.
SPACING = 0.25
# Bytes a viewer may leave unread (some 20 snapshots); below aiohttp's 64 KiB, where writes would wait.
BUFFER_LIMIT = 32 * 1024


class Viewer:
    """One open event stream. The hub writes to it directly, so a snapshot wakes no task per viewer."""

    def __init__(
        self, party_id: int, token: str, response: web.StreamResponse, transport: asyncio.Transport | None
    ) -> None:
        self.party_id = party_id
        self.token = token
        self._response = response
        self._transport = transport
        self.closed = asyncio.Event()

    async def send(self, frame: bytes) -> None:
        """Writes `frame`, or drops the viewer when its connection no longer drains.

        Never waits: the socket's send buffer is the viewer's bounded queue, and a buffer past
        `BUFFER_LIMIT` (under the transport's high-water mark, where a write would wait) means the client
        stopped reading. Its page reconnects by itself if it is alive.
        """
        transport = self._transport
        if self.closed.is_set() or transport is None or transport.is_closing():
            self.close()
            return
        if transport.get_write_buffer_size() > BUFFER_LIMIT:
            log.info("Dropping a screen viewer of party %s: it stopped reading", self.party_id)
            self.close()
            return
        try:
            await self._response.write(frame)
        except (ConnectionError, RuntimeError):
            self.close()

    def close(self) -> None:
        self.closed.set()


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

    async def join(self, party_id: int, token: str, request: web.Request, response: web.StreamResponse
                   ) -> Viewer:
        """Adds a prepared event stream to the party's viewers; it gets the current snapshot at once."""
        # Not an isinstance check: uvloop's transports (the bot's loop, bot.py) do not subclass asyncio's.
        transport = request.transport
        viewer = Viewer(party_id, token, response, transport)
        room = self._rooms.get(party_id)
        if room is None:
            room = self._rooms[party_id] = _Room()
        room.viewers.add(viewer)
        if room.frame is not None:
            await viewer.send(room.frame)
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
                await viewer.send(room.frame)
