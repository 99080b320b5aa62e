"""Start-up with a big database: the bot is stopped, the party topped up to 100,000 stored pledges, and the
bot started again. Measured from spawning `python bot.py`: the gateway session up, the first interaction
answered, and the live counter brought up to the exact stored total; then reads over all those pledges.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import statistics
from dataclasses import dataclass

from benchmarks.scene import Scene, now, pledged_shown
from rules.money import format_cents
from storage.clock import to_text, utc_now

COUNTER_TIMEOUT = 20.0


@dataclass(frozen=True)
class Startup:
    pledges_stored: int
    connected: float
    first_answer: float
    counter_exact: float | None
    read_latencies: dict[str, tuple[float, float]]


def top_up(scene: Scene, total: int, seed: int = 7) -> int:
    """Adds pledges straight into the stopped bot's database until the party holds `total`."""
    rng = random.Random(seed)
    with sqlite3.connect(scene.database) as connection:
        have = connection.execute(
            "SELECT COUNT(*) FROM pledges WHERE party_id = ?", (scene.party_id,)
        ).fetchone()[0]
        stamp = to_text(utc_now())
        rows = [
            (scene.party_id, member.id, member.user.username, rng.randrange(500, 25_000), 0, None, stamp)
            for member in (rng.choice(scene.members) for _ in range(max(0, total - have)))
        ]
        connection.executemany(
            "INSERT INTO pledges (party_id, user_id, display_name, amount_cents, anonymous, note, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        return connection.execute(
            "SELECT COUNT(*) FROM pledges WHERE party_id = ?", (scene.party_id,)
        ).fetchone()[0]


async def measure(scene: Scene, total: int = 100_000, samples: int = 15) -> Startup:
    sb = scene.sb
    await scene.stop_bot()
    stored = top_up(scene, total)
    spawned = now()
    await scene.bot.start()
    connected = now() - spawned
    r = await sb.slash(scene.members[0], scene.channel, "pledge", amount="20", timeout=10)
    if r.error or r.record.acked_at is None:
        raise RuntimeError(f"the first pledge after the restart failed: {r.error}")
    first_answer = r.record.acked_at - spawned
    wanted = format_cents(scene.stored_total())
    deadline = now() + COUNTER_TIMEOUT
    counter_exact = None
    while now() < deadline:
        if pledged_shown(scene.counter_message()) == wanted:
            counter_exact = now() - spawned
            break
        await asyncio.sleep(0.02)
    reads: dict[str, tuple[float, float]] = {}
    for command in ("pledges", "guests", "party show"):
        latencies = []
        for n in range(samples):
            reply = await sb.slash(scene.members[n], scene.channel, command)
            if reply.latency is not None:
                latencies.append(reply.latency)
        if latencies:
            reads[command] = (statistics.median(latencies), max(latencies))
    return Startup(stored + 1, connected, first_answer, counter_exact, reads)
