"""Which Discord scheduled event mirrors which party."""

from __future__ import annotations

from storage.changes import Topic
from storage.clock import to_text, utc_now
from storage.database import Database


class ScheduledEventStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def event_id(self, party_id: int) -> int | None:
        return await self._db.fetch_value(
            "SELECT event_id FROM scheduled_events WHERE party_id = ?", (party_id,)
        )

    async def remember(self, party_id: int, event_id: int) -> None:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO scheduled_events (party_id, event_id, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (party_id) DO UPDATE SET event_id = excluded.event_id",
                (party_id, event_id, to_text(utc_now())),
            )
            # The invitation and the card link to the event.
            tx.touch(party_id, Topic.PARTY)

    async def forget(self, party_id: int) -> None:
        """The event is gone on Discord's side (deleted by a moderator)."""
        async with self._db.transaction() as tx:
            if await tx.execute("DELETE FROM scheduled_events WHERE party_id = ?", (party_id,)):
                tx.touch(party_id, Topic.PARTY)
