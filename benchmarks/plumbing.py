"""`python -m benchmarks.plumbing`: what orjson and uvloop each change, measured alone (BENCHMARKS.md).

orjson: CPU per gateway event (a `/pledge` INTERACTION_CREATE) parsed and written back through
`discord.utils`, which uses orjson when it is installed. uvloop: pledges per second with 64 members pledging
at once through the store, where every aiosqlite hand-back wakes the event loop; once on asyncio's loop,
once on uvloop's. Three rounds, interleaved, in one process; each line says what it ran with.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from discord import utils

from storage import PartySettings, Storage

EVENTS = 50_000
PLEDGES = 3_000
PLEDGERS = 64

EVENT = json.dumps({
    "t": "INTERACTION_CREATE", "s": 42, "op": 0,
    "d": {
        "id": "1234567890123456789", "application_id": "1", "type": 2, "token": "x" * 150, "version": 1,
        "guild_id": "99", "channel_id": "98",
        "member": {
            "user": {"id": "5", "username": "guest001", "global_name": None, "avatar": None,
                     "discriminator": "0"},
            "roles": [], "permissions": "2248473465835073", "joined_at": "2026-11-28T00:00:00+00:00",
            "nick": None,
        },
        "data": {"id": "7", "name": "pledge", "type": 1,
                 "options": [{"name": "amount", "type": 3, "value": "12.50"}]},
        "locale": "en-US", "guild_locale": "en-US", "entitlements": [], "app_permissions": "2248473465835073",
        "context": 0,
    },
})


def json_cpu_us() -> float:
    started = time.process_time()
    for _ in range(EVENTS):
        utils._to_json(utils._from_json(EVENT))
    return (time.process_time() - started) / EVENTS * 1e6


async def concurrent_pledges() -> float:
    with tempfile.TemporaryDirectory(prefix="lounge-plumbing-") as folder:
        store = await Storage.open(Path(folder) / "lounge.db")
        party = await store.parties.create(1, 1, PartySettings(name="Plumbing"))
        issued = 0

        async def member() -> None:
            nonlocal issued
            while issued < PLEDGES:
                issued += 1
                await store.fundraising.add_pledge(
                    party.id, issued % 200, "guest", 500, anonymous=False, note=None, interaction_id=issued
                )

        started = time.perf_counter()
        await asyncio.gather(*(member() for _ in range(PLEDGERS)))
        elapsed = time.perf_counter() - started
        await store.close()
        return PLEDGES / elapsed


def on_loop(factory: Callable[[], asyncio.AbstractEventLoop] | None) -> float:
    with asyncio.Runner(loop_factory=factory) as runner:
        return runner.run(concurrent_pledges())


def main() -> None:
    try:
        import uvloop
    except ImportError:
        uvloop = None
    print(f"orjson installed: {utils.HAS_ORJSON}; uvloop installed: {uvloop is not None}")
    cpu, standard, fast = [], [], []
    for _ in range(3):
        cpu.append(json_cpu_us())
        standard.append(on_loop(None))
        if uvloop is not None:
            fast.append(on_loop(uvloop.new_event_loop))
    print(f"gateway event parsed and written back: {statistics.median(cpu):.1f} µs CPU (median of 3)")
    print(f"{PLEDGERS} pledging at once, asyncio's loop: {statistics.median(standard):,.0f} pledges/s")
    if fast:
        print(f"{PLEDGERS} pledging at once, uvloop: {statistics.median(fast):,.0f} pledges/s")


if __name__ == "__main__":
    main()
