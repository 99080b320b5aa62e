"""The gateway WebSocket: HELLO, IDENTIFY/READY/GUILD_CREATE, heartbeats, RESUME with replay, op 7 and op 9.

Frames are plain JSON text (discord.py asks for zlib-stream but skips decompression for text frames).
Each IDENTIFY starts a session with its own sequence numbers; events dispatched while the bot is
disconnected are kept and replayed on RESUME.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from .payloads import member_payload, user_payload
from .world import World

log = logging.getLogger("sandbox.gateway")

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11
REPLAY_BUFFER = 5000


@dataclass
class GatewayStats:
    """How often the bot connected, identified and resumed (tests assert reconnect behaviour on these)."""

    connections: int = 0
    identifies: int = 0
    resumes: int = 0
    invalid_sessions: int = 0
    heartbeats: int = 0


@dataclass
class Session:
    """One gateway session (from IDENTIFY until invalidated); survives disconnects so it can be resumed."""

    id: str
    shard: list[int] | None
    intents: int
    seq: int = 0
    #: Every dispatched frame, kept so RESUME can replay what the client missed.
    sent: list[dict[str, Any]] = field(default_factory=list)
    connection: Connection | None = None
    resumable: bool = True
    ready_sent: bool = False


class Connection:
    """One WebSocket; a writer task sends queued frames in order."""

    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.queue: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue()
        self.session: Session | None = None
        self.writer = asyncio.create_task(self._write())

    async def _write(self) -> None:
        while True:
            frame = await self.queue.get()
            if frame is None or self.ws.closed:
                return
            try:
                await self.ws.send_str(json.dumps(frame))
            except (ConnectionResetError, RuntimeError):
                return

    def send(self, frame: dict[str, Any]) -> None:
        self.queue.put_nowait(frame)

    async def close(self, code: int) -> None:
        # Let queued frames (op 9, RECONNECT...) reach the client before the close frame.
        self.queue.put_nowait(None)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.writer, 2)
        await self.ws.close(code=code)


class Gateway:
    """Serves the gateway endpoint and fans dispatched events out to live sessions."""

    def __init__(self, world: World, *, heartbeat_interval: int = 41250) -> None:
        self.world = world
        self.heartbeat_interval = heartbeat_interval
        self.url = ""
        self.stats = GatewayStats()
        self.sessions: dict[str, Session] = {}
        self.connections: set[Connection] = set()
        #: Set when a session has received READY and every GUILD_CREATE.
        self.ready_at: float | None = None
        world.set_dispatcher(self.dispatch)

    # -- fan-out -------------------------------------------------------------------------------------

    def dispatch(self, event: str, data: dict[str, Any]) -> None:
        """Queue a DISPATCH for every live session; a disconnected one keeps it for RESUME."""
        for session in list(self.sessions.values()):
            if session.ready_sent:
                self._send_event(session, event, data)

    def _send_event(self, session: Session, event: str, data: dict[str, Any]) -> None:
        session.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.sent.append(frame)
        if len(session.sent) > REPLAY_BUFFER:
            # Bounded like Discord's: a client further behind than this cannot resume and gets op 9.
            del session.sent[: len(session.sent) - REPLAY_BUFFER]
        if session.connection is not None:
            session.connection.send(frame)

    @property
    def live_sessions(self) -> list[Session]:
        return [s for s in self.sessions.values() if s.connection is not None and s.ready_sent]

    # -- control used by the driver ------------------------------------------------------------------

    async def drop(self, *, resumable: bool = True) -> None:
        """Close every connection abnormally (4000) so the client reconnects.

        If not resumable the sessions are forgotten: the client's RESUME then gets op 9 and it
        IDENTIFYs again.
        """
        for session in list(self.sessions.values()):
            if not resumable:
                session.resumable = False
            conn = session.connection
            session.connection = None
            if conn is not None:
                await conn.close(4000)
        self.world.changed()

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT; discord.py closes and resumes."""
        for session in list(self.sessions.values()):
            if session.connection is not None:
                session.connection.send({"op": RECONNECT, "d": None})
        self.world.changed()

    async def close_all(self) -> None:
        for conn in list(self.connections):
            await conn.close(1001)

    # -- the endpoint --------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=0)
        await ws.prepare(request)
        conn = Connection(ws)
        self.connections.add(conn)
        self.stats.connections += 1
        self.world.changed()
        conn.send({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval, "_trace": ["sandbox"]}})
        try:
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    await self._on_frame(conn, json.loads(msg.data))
                elif msg.type in (aiohttp.WSMsgType.ERROR, aiohttp.WSMsgType.CLOSE):
                    break
        finally:
            self.connections.discard(conn)
            if conn.session is not None and conn.session.connection is conn:
                conn.session.connection = None
            conn.queue.put_nowait(None)
            self.world.changed()
        return ws

    async def _on_frame(self, conn: Connection, frame: dict[str, Any]) -> None:
        op = frame.get("op")
        data = frame.get("d")
        if op == HEARTBEAT:
            self.stats.heartbeats += 1
            conn.send({"op": HEARTBEAT_ACK, "d": None})
        elif op == IDENTIFY:
            await self._identify(conn, data or {})
        elif op == RESUME:
            await self._resume(conn, data or {})
        elif op == REQUEST_MEMBERS:
            self._request_members(conn, data or {})
        elif op in (PRESENCE, VOICE_STATE):
            pass
        else:
            log.debug("ignoring gateway op %s", op)

    async def _identify(self, conn: Connection, data: dict[str, Any]) -> None:
        if data.get("token") != self.world.token:
            await conn.close(4004)
            return
        self.stats.identifies += 1
        shard = data.get("shard")
        session = Session(id=secrets.token_hex(16), shard=shard, intents=int(data.get("intents") or 0))
        self.sessions = {session.id: session}
        session.connection = conn
        conn.session = session
        world = self.world
        ready: dict[str, Any] = {
            "v": 10,
            "user": user_payload(world.bot_user) | {"verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(g.id), "unavailable": True} for g in world.guilds.values()],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "application": {"id": str(world.application_id), "flags": 0},
            "_trace": ["sandbox"],
        }
        if shard is not None:
            ready["shard"] = shard
        session.ready_sent = True
        self._send_event(session, "READY", ready)
        for guild in world.guilds.values():
            self._send_event(session, "GUILD_CREATE", world.guild_create_payload(guild))
        self.ready_at = time.monotonic()
        world.changed()

    async def _resume(self, conn: Connection, data: dict[str, Any]) -> None:
        if data.get("token") != self.world.token:
            await conn.close(4004)
            return
        session = self.sessions.get(str(data.get("session_id")))
        last_seq = int(data.get("seq") or 0)
        too_old = session is not None and bool(session.sent) and session.sent[0]["s"] > last_seq + 1
        if session is None or not session.resumable or too_old:
            self.stats.invalid_sessions += 1
            self.sessions.pop(str(data.get("session_id")), None)
            conn.send({"op": INVALID_SESSION, "d": False})
            self.world.changed()
            return
        self.stats.resumes += 1
        old = session.connection
        session.connection = conn
        conn.session = session
        if old is not None and old is not conn:
            await old.close(4000)
        # Replay and RESUMED are queued in one synchronous step so later dispatches land after them.
        for frame in session.sent:
            if frame["s"] > last_seq:
                conn.send(frame)
        session.seq += 1
        resumed = {"op": DISPATCH, "t": "RESUMED", "s": session.seq, "d": {"_trace": ["sandbox"]}}
        session.sent.append(resumed)
        conn.send(resumed)
        self.world.changed()

    def _request_members(self, conn: Connection, data: dict[str, Any]) -> None:
        session = conn.session
        if session is None:
            return
        guild = self.world.guilds.get(int(data.get("guild_id") or 0))
        if guild is None:
            return
        wanted = {int(u) for u in data.get("user_ids") or []}
        members = [m for m in guild.members.values() if not wanted or m.id in wanted]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [member_payload(m) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        self._send_event(session, "GUILD_MEMBERS_CHUNK", chunk)
