"""Reads as the night grows: `/pledges`, `/party show` and a counter refresh with 1,000, 10,000 and 100,000
pledges stored, in a party of its own (a second server), so the load phases still start on a fresh party.

Pledges are added straight into the database (the bot's triggers keep its aggregates, as for any writer).
`/pledges` and `/party show` are timed as a member sees them (dispatch to acknowledgement, through the
sandbox); the counter refresh is the store call a refresh makes, `counter_figures`, timed in this process
on the same file, since a refresh has no interaction to time.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import time
from dataclasses import dataclass

from benchmarks.scene import BenchError, Scene
from sandbox import MANAGE_GUILD
from storage import Storage
from storage.clock import to_text, utc_now
from ui.donor_wall import OWN_LINES_MAX

POINTS = (1_000, 10_000, 100_000)
DONORS = 200
# The first donor's user id; donors are DONOR_IDS + 0 ... DONORS - 1.
DONOR_IDS = 9_000_000


@dataclass(frozen=True)
class GrowthPoint:
    pledges: int
    # command -> median ms over the samples
    medians: dict[str, float]


def _top_up(scene: Scene, party_id: int, total: int, rng: random.Random) -> int:
    with sqlite3.connect(scene.database, timeout=30) as connection:
        count = "SELECT COUNT(*) FROM pledges WHERE party_id = ?"
        have = connection.execute(count, (party_id,)).fetchone()[0]
        stamp = to_text(utc_now())
        rows = [
            (party_id, DONOR_IDS + user, f"donor{user:03d}", rng.randrange(500, 25_000),
             int(user % 10 == 0), None, stamp)
            for user in (rng.randrange(DONORS) for _ in range(max(0, total - have)))
        ]
        connection.executemany(
            "INSERT INTO pledges (party_id, user_id, display_name, amount_cents, anonymous, note, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        return connection.execute(count, (party_id,)).fetchone()[0]


async def measure(scene: Scene, points: tuple[int, ...] = POINTS, samples: int = 15) -> list[GrowthPoint]:
    sb = scene.sb
    guild = sb.add_guild("Growing Lounge")
    channel = sb.add_channel(guild, "watch-party")
    host = sb.add_member(guild, "gina", permissions=MANAGE_GUILD)
    readers = [sb.add_member(guild, f"reader{n:02d}") for n in range(samples)]
    r = await sb.slash(host, channel, "party create", name="Growing Lounge", goal="$50,000", timeout=10)
    if r.error or not r.content.startswith("The party is open"):
        raise BenchError(f"/party create in the second server failed: {r.error or r.content}")
    party_id = scene.query(
        "SELECT id FROM parties WHERE guild_id = ? AND closed_at IS NULL", (guild.id,)
    )[0][0]
    rng = random.Random(16)
    store = await Storage.open(scene.database, migrate=False)
    out = []
    try:
        for total in points:
            stored = _top_up(scene, party_id, total, rng)
            medians: dict[str, float] = {}
            for command in ("pledges", "party show"):
                latencies = []
                for reader in readers:
                    reply = await sb.slash(reader, channel, command, timeout=10)
                    if reply.latency is not None:
                        latencies.append(reply.latency)
                medians[f"/{command}"] = statistics.median(latencies) * 1000 if latencies else float("nan")
            refreshes = []
            for _ in range(samples):
                started = time.perf_counter()
                await store.fundraising.counter_figures(party_id)
                refreshes.append(time.perf_counter() - started)
            medians["counter refresh"] = statistics.median(refreshes) * 1000
            # The private half of /pledges for a donor with a share of every pledge (readers have none).
            own = []
            for _ in range(samples):
                started = time.perf_counter()
                await store.fundraising.member_pledges(party_id, DONOR_IDS, newest=OWN_LINES_MAX)
                own.append(time.perf_counter() - started)
            medians[f"own pledges (1 of {DONORS} donors)"] = statistics.median(own) * 1000
            out.append(GrowthPoint(stored, medians))
    finally:
        await store.close()
    return out
