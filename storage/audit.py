"""The party's audit trail: every host action and correction, with who, when, what and why.

`record` runs inside the transaction of the change it describes, so the trail and the change commit
together; rows are only ever added. The log reads newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from storage.clock import from_text, to_text, utc_now
from storage.database import Database, Transaction


class Action(StrEnum):
    PAYMENT = "payment"
    PAYMENT_VOID = "payment_void"
    PLEDGE_VOID = "pledge_void"
    PLEDGE_EDIT = "pledge_edit"
    PLEDGE_CANCEL = "pledge_cancel"
    WAIVER = "waiver"
    WAIVER_VOID = "waiver_void"
    RESULT = "result"
    RESULT_UNDO = "result_undo"
    PARTY_EDIT = "party_edit"
    CLOSE = "close"
    REOPEN = "reopen"
    HOST_ADD = "host_add"
    HOST_REMOVE = "host_remove"
    NOMINEE_LINK = "nominee_link"


@dataclass(frozen=True)
class LogEntry:
    id: int
    at: datetime
    actor_id: int
    action: Action
    subject_id: int | None
    amount_cents: int | None
    ref_id: int | None
    detail: str | None
    reason: str | None


async def record(
    tx: Transaction,
    party_id: int,
    actor_id: int,
    action: Action,
    *,
    subject_id: int | None = None,
    amount_cents: int | None = None,
    ref_id: int | None = None,
    detail: str | None = None,
    reason: str | None = None,
) -> None:
    await tx.execute(
        "INSERT INTO audit_log (party_id, at, actor_id, action, subject_id, amount_cents, ref_id, detail, "
        "reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (party_id, to_text(utc_now()), actor_id, action.value, subject_id, amount_cents, ref_id, detail,
         reason),
    )


class AuditStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def entries(self, party_id: int) -> list[LogEntry]:
        """The whole trail of the party, newest first."""
        rows = await self._db.fetch_all(
            "SELECT * FROM audit_log WHERE party_id = ? ORDER BY id DESC", (party_id,)
        )
        return [
            LogEntry(
                id=row["id"], at=from_text(row["at"]),  # type: ignore[arg-type]
                actor_id=row["actor_id"], action=Action(row["action"]), subject_id=row["subject_id"],
                amount_cents=row["amount_cents"], ref_id=row["ref_id"], detail=row["detail"],
                reason=row["reason"],
            )
            for row in rows
        ]
