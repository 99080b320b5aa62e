"""Reading the live screen's event stream as a browser's EventSource would: for tests and benchmarks."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import aiohttp


class StreamEnded(Exception):
    """The server closed the event stream."""


class EventStream:
    """`async with EventStream(session, url) as stream:` then `await stream.next()` for each snapshot."""

    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.session = session
        self.url = url
        self.response: aiohttp.ClientResponse | None = None

    async def __aenter__(self) -> EventStream:
        self.response = await self.session.get(self.url, headers={"Accept": "text/event-stream"})
        if self.response.status != 200:
            status = self.response.status
            self.response.release()
            raise aiohttp.ClientResponseError(
                self.response.request_info, (), status=status, message=f"event stream answered {status}"
            )
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self.response is not None:
            self.response.close()

    async def next(self, timeout: float = 5.0) -> dict[str, Any]:
        """The next snapshot (comments and `retry:` lines skipped). :raises StreamEnded: EOF."""
        assert self.response is not None
        async with asyncio.timeout(timeout):
            data: list[str] = []
            while True:
                line = await self.response.content.readline()
                if not line:
                    raise StreamEnded(self.url)
                text = line.decode().rstrip("\r\n")
                if text.startswith("data:"):
                    data.append(text[5:].lstrip(" "))
                elif not text and data:
                    return json.loads("\n".join(data))

    async def until(
        self, predicate: Callable[[dict[str, Any]], bool], timeout: float = 5.0
    ) -> dict[str, Any]:
        """The first snapshot for which `predicate` holds, within `timeout` seconds in all."""
        async with asyncio.timeout(timeout):
            while True:
                snapshot = await self.next(timeout)
                if predicate(snapshot):
                    return snapshot

    async def ends(self, timeout: float = 5.0) -> None:
        """Waits until the server closes the stream. :raises TimeoutError: it stays open."""
        async with asyncio.timeout(timeout):
            try:
                while True:
                    await self.next(timeout)
            except (StreamEnded, aiohttp.ClientPayloadError):
                return
