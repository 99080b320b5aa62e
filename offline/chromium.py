"""Headless Chromium driven over its DevTools protocol (a WebSocket, through aiohttp, no other library):
the screen's browser test and the demo's screenshot use it. It runs the system's Chromium (Debian's
`chromium` package, or CHROMIUM=/path); it never downloads a browser.

`async with Chromium.launch() as browser: page = await browser.open(url)`, then `page.evaluate(js)`,
`page.screenshot()`; `page.problems` collects what the page's console reported as errors (a blocked
script or a CSP violation shows up there) and uncaught exceptions.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import aiohttp

# Flags for a quiet, self-contained browser on a machine without a display or a network.
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio",
)
START_TIMEOUT = 30.0


class BrowserError(Exception):
    """Chromium could not be started or answered a command with an error."""


def find_chromium() -> str | None:
    """The browser to run: $CHROMIUM, else the first of Debian's and other common names on PATH."""
    if os.environ.get("CHROMIUM"):
        return os.environ["CHROMIUM"]
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return None


class _Connection:
    """One DevTools WebSocket: numbered commands and their answers, and events routed by session."""

    def __init__(self, session: aiohttp.ClientSession, socket: aiohttp.ClientWebSocketResponse) -> None:
        self._session = session
        self._socket = socket
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.pages: dict[str, Page] = {}
        self._reader = asyncio.create_task(self._read(), name="chromium-devtools")

    async def send(self, method: str, params: dict[str, Any] | None = None, session_id: str | None = None,
                   timeout: float = 15.0) -> dict[str, Any]:
        message: dict[str, Any] = {"id": next(self._ids), "method": method, "params": params or {}}
        if session_id is not None:
            message["sessionId"] = session_id
        answer = self._waiting[message["id"]] = asyncio.get_running_loop().create_future()
        await self._socket.send_json(message)
        result = await asyncio.wait_for(answer, timeout)
        if "error" in result:
            raise BrowserError(f"{method}: {result['error'].get('message')}")
        return result.get("result", {})

    async def _read(self) -> None:
        async for message in self._socket:
            if message.type != aiohttp.WSMsgType.TEXT:
                break
            data = message.json()
            if "id" in data:
                future = self._waiting.pop(data["id"], None)
                if future is not None and not future.done():
                    future.set_result(data)
            elif (page := self.pages.get(data.get("sessionId", ""))) is not None:
                page.on_event(data.get("method", ""), data.get("params", {}))
        for future in self._waiting.values():
            if not future.done():
                future.set_exception(BrowserError("the browser closed its DevTools connection"))

    async def close(self) -> None:
        await self._socket.close()
        self._reader.cancel()
        await asyncio.gather(self._reader, return_exceptions=True)
        await self._session.close()


class Page:
    def __init__(self, connection: _Connection, session_id: str) -> None:
        self._connection = connection
        self._session_id = session_id
        self.problems: list[str] = []

    def on_event(self, method: str, params: dict[str, Any]) -> None:
        if method == "Runtime.exceptionThrown":
            details = params.get("exceptionDetails", {})
            self.problems.append(details.get("exception", {}).get("description") or details.get("text", ""))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            self.problems.append(params["entry"].get("text", ""))
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.problems.append(" ".join(str(a.get("value", "")) for a in params.get("args", [])))

    async def send(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        return await self._connection.send(method, params, self._session_id)

    async def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (promises awaited)."""
        result = await self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}
        )
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression!r} threw: {result['exceptionDetails'].get('text')}")
        return result.get("result", {}).get("value")

    async def wait_for(self, expression: str, timeout: float = 10.0, interval: float = 0.02) -> Any:
        """Polls until `expression` is truthy; returns its value. :raises TimeoutError: it never was."""
        async with asyncio.timeout(timeout):
            while True:
                value = await self.evaluate(expression)
                if value:
                    return value
                await asyncio.sleep(interval)

    async def screenshot(self) -> bytes:
        result = await self.send("Page.captureScreenshot", {"format": "png"})
        return base64.b64decode(result["data"])


class Chromium:
    def __init__(self, process: asyncio.subprocess.Process, profile: Path, connection: _Connection,
                 width: int, height: int) -> None:
        self._process = process
        self._profile = profile
        self._connection = connection
        self.width = width
        self.height = height

    @classmethod
    @contextlib.asynccontextmanager
    async def launch(cls, *, width: int = 1920, height: int = 1080, executable: str | None = None
                     ) -> Any:
        executable = executable or find_chromium()
        if executable is None:
            raise BrowserError("Chromium is not installed (Debian: apt-get install chromium)")
        profile = Path(tempfile.mkdtemp(prefix="lounge-chromium-"))
        process = await asyncio.create_subprocess_exec(
            executable, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0", f"--window-size={width},{height}", "about:blank",
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        browser = None
        try:
            connection = await _connect(process, profile)
            browser = cls(process, profile, connection, width, height)
            yield browser
        finally:
            if browser is not None:
                await browser._close()
            else:
                if process.returncode is None:
                    process.terminate()
                await _end(process)
            shutil.rmtree(profile, ignore_errors=True)

    async def open(self, url: str) -> Page:
        """A new tab at `url`, its viewport exactly width × height, once the document has loaded."""
        target = await self._connection.send("Target.createTarget", {"url": "about:blank"})
        attached = await self._connection.send(
            "Target.attachToTarget", {"targetId": target["targetId"], "flatten": True}
        )
        page = Page(self._connection, attached["sessionId"])
        self._connection.pages[attached["sessionId"]] = page
        for domain in ("Runtime.enable", "Log.enable", "Page.enable"):
            await page.send(domain)
        await page.send("Emulation.setDeviceMetricsOverride", {
            "width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False,
        })
        await page.send("Page.navigate", {"url": url})
        await page.wait_for(f"location.href === {json.dumps(url)} && document.readyState === 'complete'")
        return page

    async def _close(self) -> None:
        with contextlib.suppress(Exception):
            await self._connection.send("Browser.close", timeout=5.0)
        await self._connection.close()
        await _end(self._process)


async def _connect(process: asyncio.subprocess.Process, profile: Path) -> _Connection:
    """Chromium writes its DevTools port and path to DevToolsActivePort in the profile once it listens."""
    port_file = profile / "DevToolsActivePort"
    async with asyncio.timeout(START_TIMEOUT):
        while not (port_file.exists() and len(port_file.read_text().split()) >= 2):
            if process.returncode is not None:
                raise BrowserError(f"Chromium exited at start with code {process.returncode}")
            await asyncio.sleep(0.05)
    port, path = port_file.read_text().split()[:2]
    session = aiohttp.ClientSession()
    try:
        socket = await session.ws_connect(f"ws://127.0.0.1:{port}{path}", max_msg_size=0)
    except Exception:
        await session.close()
        raise
    return _Connection(session, socket)


async def _end(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        try:
            await asyncio.wait_for(process.wait(), 5.0)
        except TimeoutError:
            process.kill()
            await process.wait()
