"""The screen's web server: aiohttp in the bot's own event loop, read-only, one secret link per party.

Routes: `/screen/{token}` (the page; `?overlay=1` for a transparent background), `/screen/{token}/events`
(Server-Sent Events; the browser's EventSource reconnects by itself, also after a restart of the bot) and
`/assets/{name}` (the page's script and style, served from memory: nothing comes from the internet).
Everything is GET only (aiohttp answers 405 otherwise), every response carries a strict CSP, and an
unknown or reset token gets the same bare 404 as a path that never existed. No access log is written:
the request line holds the token.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from pathlib import Path

from aiohttp import web

from lounge.settings import WebSettings
from storage import Storage
from web.hub import ScreenHub
from web.page import render_page
from web.snapshot import read_snapshot

log = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
ASSETS = {"screen.css": "text/css", "screen.js": "text/javascript", "favicon.svg": "image/svg+xml"}
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,64}")
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
        "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Resource-Policy": "same-origin",
}
# A comment line keeps idle streams open through proxies and finds dead connections.
HEARTBEAT = 15.0
# Open event streams across all parties; past it new ones get 503 (and their EventSource retries).
MAX_VIEWERS = 1000
RETRY_MS = 1000
WILDCARD_HOSTS = {"", "0.0.0.0", "::"}


class ScreenUnavailable(Exception):
    """The screen could not listen where the settings say; the message is the one line the user reads."""


class ScreenServer:
    def __init__(self, store: Storage, settings: WebSettings) -> None:
        self.store = store
        self.settings = settings
        self.hub = ScreenHub(store)
        self._assets = {name: (STATIC_DIR / name).read_bytes() for name in ASSETS}
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    @property
    def base_url(self) -> str:
        if self.settings.public_url:
            return self.settings.public_url
        host = self.settings.host
        if host in WILDCARD_HOSTS:
            host = "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    def link(self, token: str) -> str:
        return f"{self.base_url}/screen/{token}"

    async def start(self) -> None:
        """:raises ScreenUnavailable: the address is taken or cannot be bound."""
        app = web.Application()
        app.router.add_get("/screen/{token}", self._page, allow_head=False)
        app.router.add_get("/screen/{token}/events", self._events, allow_head=False)
        app.router.add_get("/assets/{name}", self._asset, allow_head=False)
        app.on_response_prepare.append(_secure)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=2.0)
        await runner.setup()
        site = web.TCPSite(runner, self.settings.host, self.settings.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise ScreenUnavailable(
                f"the live screen can't listen on {self.settings.host} port {self.settings.port} "
                f"({exc.strerror or exc}). Set WEB_PORT to a free port, or WEB_PORT=off to turn the "
                "screen off."
            ) from None
        self._runner = runner
        self.port = runner.addresses[0][1]
        log.info("The live screen listens on %s", self.base_url)

    async def close(self) -> None:
        # Streams end first, so the runner has no handler left to wait for.
        await self.hub.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _party(self, request: web.Request) -> tuple[int, str]:
        """:raises web.HTTPNotFound: the token opens no party (never was, or was reset)."""
        token = request.match_info["token"]
        party_id = await self.store.screens.party_of(token) if TOKEN_PATTERN.fullmatch(token) else None
        if party_id is None:
            raise web.HTTPNotFound(text="Not found")
        return party_id, token

    async def _page(self, request: web.Request) -> web.Response:
        party_id, _ = await self._party(request)
        snapshot = await read_snapshot(self.store, party_id)
        if snapshot is None:
            raise web.HTTPNotFound(text="Not found")
        overlay = request.query.get("overlay") == "1"
        return web.Response(
            text=render_page(snapshot, overlay=overlay),
            content_type="text/html",
            charset="utf-8",
            headers={"Cache-Control": "no-store"},
        )

    async def _events(self, request: web.Request) -> web.StreamResponse:
        party_id, token = await self._party(request)
        if self.hub.viewer_count >= MAX_VIEWERS:
            raise web.HTTPServiceUnavailable(text="Too many screens are open")
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-store",
                "X-Accel-Buffering": "no",
            }
        )
        # The connection ends with the stream: a dropped or reset viewer leaves nothing open behind it.
        response.force_close()
        await response.prepare(request)
        try:
            await response.write(f"retry: {RETRY_MS}\n\n".encode())
        except ConnectionError:
            return response  # gone before the first byte
        viewer = await self.hub.join(party_id, token, request, response)
        try:
            # Snapshots are written by the hub; this task only keeps the stream alive until it closes.
            while not viewer.closed.is_set():
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(HEARTBEAT):
                        await viewer.closed.wait()
                if not viewer.closed.is_set():
                    await viewer.send(b": \n\n")
        finally:
            self.hub.leave(viewer)
        return response

    async def _asset(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in self._assets:
            raise web.HTTPNotFound(text="Not found")
        return web.Response(
            body=self._assets[name],
            content_type=ASSETS[name],
            charset="utf-8",
            headers={"Cache-Control": "no-cache"},
        )


async def _secure(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)
