"""The big screen under load: pledges at 50/s while 100 pages follow the party's event stream.

Two phases of the same pledge load, without and then with the viewers, so the bot's extra CPU is what
the open pages cost. Pledge-to-page latency runs from the sandbox dispatching a pledge's interaction to
an event stream showing a pledge count that includes it (pledges are matched to counts in the order
they were sent), for every viewer: 100 viewers × 500 pledges samples. The viewers read in this process,
beside the sandbox and the load; the bot is its own process, so its CPU figure is its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import dataclass, field

import aiohttp

from benchmarks.load import PLEDGES_ONLY, LoadGenerator, Phase
from benchmarks.scene import BenchError, Scene, now
from offline.events import EventStream, StreamEnded

RATE = 50.0
VIEWERS = 100
LINK = re.compile(r"<(http://[^>\s]+/screen/[A-Za-z0-9_-]+)>")
CONNECT_TIMEOUT = 20.0


@dataclass
class ScreenResult:
    viewers: int
    without: Phase
    with_viewers: Phase
    latencies: list[float] = field(default_factory=list)
    events: int = 0
    connected: int = 0
    missed: int = 0  # pledges some viewer never saw before the phase ended

    @property
    def extra_cpu(self) -> float:
        return self.with_viewers.bot_cpu - self.without.bot_cpu

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


class _Viewer:
    def __init__(self, session: aiohttp.ClientSession, url: str) -> None:
        self.seen: list[tuple[float, int]] = []  # (when, pledge count) for each event
        self.ready = asyncio.Event()
        self.task = asyncio.create_task(self._follow(session, url))

    async def _follow(self, session: aiohttp.ClientSession, url: str) -> None:
        with contextlib.suppress(StreamEnded, aiohttp.ClientError):
            async with EventStream(session, url) as stream:
                while True:
                    snapshot = await stream.next(timeout=60.0)
                    self.seen.append((now(), snapshot["pledges"]))
                    self.ready.set()


async def screen_link(scene: Scene) -> str:
    r = await scene.sb.slash(scene.host, scene.channel, "party screen")
    match = LINK.search(r.content or "")
    if r.error or match is None:
        raise BenchError(f"/party screen failed: {r.error or r.content}")
    return match.group(1)


async def measure(scene: Scene, load: LoadGenerator, seconds: float, viewers: int = VIEWERS) -> ScreenResult:
    link = await screen_link(scene)
    without = await load.run(f"pledges {RATE:.0f}/s, no screen", RATE, seconds, PLEDGES_ONLY, limit=10_000)
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=None)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        pages = [_Viewer(session, link + "/events") for _ in range(viewers)]
        try:
            async with asyncio.timeout(CONNECT_TIMEOUT):
                await asyncio.gather(*(page.ready.wait() for page in pages))
        except TimeoutError:
            ready = sum(p.ready.is_set() for p in pages)
            raise BenchError(f"only {ready} of {viewers} pages connected") from None
        before = scene.query("SELECT COUNT(*) FROM pledges WHERE party_id = ? AND cancelled_at IS NULL",
                             (scene.party_id,))[0][0]
        phase = await load.run(
            f"pledges {RATE:.0f}/s, {viewers} screens", RATE, seconds, PLEDGES_ONLY, limit=10_000
        )
        await asyncio.sleep(1.0)  # the last snapshot's way to every page
        for page in pages:
            page.task.cancel()
        await asyncio.gather(*(page.task for page in pages), return_exceptions=True)
    result = ScreenResult(viewers, without, phase, connected=sum(p.ready.is_set() for p in pages))
    sent = [s.record.dispatched_at for s in phase.sent if s.record.dispatched_at is not None]
    for page in pages:
        result.events += len(page.seen)
        shown = iter(page.seen)
        when, count = next(shown, (0.0, 0))
        for index, dispatched in enumerate(sent, start=1):
            while count < before + index:
                step = next(shown, None)
                if step is None:
                    break
                when, count = step
            if count < before + index:
                result.missed += 1
            else:
                result.latencies.append(max(0.0, when - dispatched))
    return result


def lines(result: ScreenResult) -> list[str]:
    span = result.with_viewers.seconds
    return [
        f"the big screen: {result.connected} pages on the event stream while pledges come at {RATE:.0f}/s "
        f"for {span:g} s",
        f"  pledge-to-page latency p50 {result.percentile(50) * 1000:.0f} ms, p99 "
        f"{result.percentile(99) * 1000:.0f} ms, max {max(result.latencies, default=0) * 1000:.0f} ms "
        f"({len(result.latencies):,} samples, {result.missed} never shown)",
        f"  bot CPU {result.without.bot_cpu:.1%} without pages, {result.with_viewers.bot_cpu:.1%} with them: "
        f"{result.extra_cpu:+.1%} of a core; {result.events / max(result.connected, 1) / span:.1f} events "
        "a second per page",
    ]
