"""Arrivals at the door: who was let in, when, and by which host."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.clock import from_text, to_text, utc_now
from storage.database import Database


@dataclass(frozen=True)
class Arrival:
    user_id: int
    arrived_at: datetime
    checked_in_by: int


class ArrivalStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def check_in(self, party_id: int, user_id: int, host_id: int) -> tuple[Arrival, bool]:
        """Records the arrival; returns it and whether it is new (False: they had already arrived)."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO arrivals (party_id, user_id, arrived_at, checked_in_by) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (party_id, user_id) DO NOTHING",
                (party_id, user_id, to_text(utc_now()), host_id),
            )
            new = await tx.fetch_value("SELECT changes()") == 1
            row = await tx.fetch_one(
                "SELECT user_id, arrived_at, checked_in_by FROM arrivals WHERE party_id = ? AND user_id = ?",
                (party_id, user_id),
            )
        assert row is not None
        return Arrival(row[0], from_text(row[1]), row[2]), new  # type: ignore[arg-type]

    async def count(self, party_id: int) -> int:
        count = await self._db.fetch_value("SELECT count(*) FROM arrivals WHERE party_id = ?", (party_id,))
        return int(count)
