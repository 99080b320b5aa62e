"""The raw ceiling: how many pledges one process can commit to SQLite, without Discord in the way.

`raw`: plain aiosqlite on the project's schema and settings (WAL, synchronous=FULL), one transaction per
pledge holding what the bot writes for one (the processed-interaction mark and the pledge row).
`store`: the bot's own `FundraisingStore.add_pledge`, the same transaction plus its checks and read-back,
called one after another. The bot's pledge throughput is shown as a ratio of `raw`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from storage import PartySettings, Storage
from storage.clock import to_text, utc_now

GUILD_ID = 1
MEMBER_ID = 2


@dataclass(frozen=True)
class Ceiling:
    raw_per_second: float
    store_per_second: float


async def _party(path: Path) -> int:
    store = await Storage.open(path)
    try:
        party = await store.parties.create(GUILD_ID, MEMBER_ID, PartySettings(name="Ceiling"))
    finally:
        await store.close()
    return party.id


async def raw_rate(path: Path, seconds: float, limit: int) -> float:
    party_id = await _party(path)
    connection = await aiosqlite.connect(path, isolation_level=None)
    try:
        for pragma in ("PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL", "PRAGMA foreign_keys = ON"):
            await connection.execute(pragma)
        count = 0
        started = time.perf_counter()
        while count < limit and time.perf_counter() - started < seconds:
            interaction_id = 10**15 + count
            stamp = to_text(utc_now())
            await connection.execute("BEGIN IMMEDIATE")
            await connection.execute(
                "INSERT INTO processed_interactions (interaction_id, kind, processed_at) VALUES (?, ?, ?)",
                (interaction_id, "pledge", stamp),
            )
            await connection.execute(
                "INSERT INTO pledges (party_id, user_id, display_name, amount_cents, anonymous, note, "
                "created_at, interaction_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (party_id, MEMBER_ID, "guest", 1250 + count % 1000, 0, None, stamp, interaction_id),
            )
            await connection.execute("COMMIT")
            count += 1
        return count / (time.perf_counter() - started)
    finally:
        await connection.close()


async def store_rate(path: Path, seconds: float, limit: int) -> float:
    party_id = await _party(path)
    store = await Storage.open(path)
    try:
        count = 0
        started = time.perf_counter()
        while count < limit and time.perf_counter() - started < seconds:
            await store.fundraising.add_pledge(
                party_id, MEMBER_ID, "guest", 1250 + count % 1000,
                anonymous=False, note=None, interaction_id=10**15 + count,
            )
            count += 1
        return count / (time.perf_counter() - started)
    finally:
        await store.close()


async def measure(folder: Path, seconds: float = 3.0, limit: int = 20_000) -> Ceiling:
    return Ceiling(
        raw_per_second=await raw_rate(folder / "raw.db", seconds, limit),
        store_per_second=await store_rate(folder / "store.db", seconds, limit),
    )
