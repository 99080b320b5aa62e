"""The messages the bot keeps current for a party: its live counter and its invitations."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from storage.clock import from_text, to_text, utc_now
from storage.database import Database

Kind = Literal["counter", "invitation"]


@dataclass(frozen=True)
class PartyMessage:
    id: int
    party_id: int
    kind: Kind
    channel_id: int
    message_id: int
    posted_at: datetime


def _row(row: sqlite3.Row) -> PartyMessage:
    return PartyMessage(
        row["id"], row["party_id"], row["kind"], row["channel_id"], row["message_id"],
        from_text(row["posted_at"]),  # type: ignore[arg-type]
    )


class PartyMessageStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add(self, party_id: int, kind: Kind, channel_id: int, message_id: int) -> PartyMessage:
        """Records a newly posted message. A new counter retires the party's previous one in the same step."""
        now = to_text(utc_now())
        async with self._db.transaction() as tx:
            if kind == "counter":
                await tx.execute(
                    "UPDATE party_messages SET retired_at = ? "
                    "WHERE party_id = ? AND kind = 'counter' AND retired_at IS NULL",
                    (now, party_id),
                )
            row_id = await tx.execute(
                "INSERT INTO party_messages (party_id, kind, channel_id, message_id, posted_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (party_id, kind, channel_id, message_id, now),
            )
            row = await tx.fetch_one("SELECT * FROM party_messages WHERE id = ?", (row_id,))
        assert row is not None
        return _row(row)

    async def live(self, party_id: int, kind: Kind) -> list[PartyMessage]:
        """The party's messages of `kind` still in use, oldest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM party_messages WHERE party_id = ? AND kind = ? AND retired_at IS NULL ORDER BY id",
            (party_id, kind),
        )
        return [_row(row) for row in rows]

    async def retire(self, message_id: int) -> None:
        """Stops keeping a message current (it was deleted, or replaced)."""
        await self._db.execute(
            "UPDATE party_messages SET retired_at = ? WHERE message_id = ? AND retired_at IS NULL",
            (to_text(utc_now()), message_id),
        )
