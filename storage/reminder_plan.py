"""Planning a party's reminders inside the transaction that set or moved its start (or its settings).

Kept apart from `storage.reminders` so the party store can plan without importing the store that
reads parties back.
"""

from __future__ import annotations

from datetime import datetime

from rules.reminders import DEFAULT_MINUTES_BEFORE, due_moments
from storage.clock import from_text, to_text
from storage.database import Transaction


def minutes_from_text(text: str | None) -> tuple[int, ...]:
    """The stored settings ("1440,60"; "" is off; no row is the default)."""
    return DEFAULT_MINUTES_BEFORE if text is None else tuple(int(part) for part in text.split(",") if part)


async def plan_reminders(tx: Transaction, party_id: int, now: datetime) -> None:
    """Plans the party's reminders afresh: the undecided ones go, one per setting still ahead comes."""
    await tx.execute("DELETE FROM reminders WHERE party_id = ? AND decided_at IS NULL", (party_id,))
    row = await tx.fetch_one(
        "SELECT p.starts_at, p.closed_at, s.minutes_before FROM parties p "
        "LEFT JOIN reminder_settings s ON s.party_id = p.id WHERE p.id = ?",
        (party_id,),
    )
    if row is None or row["closed_at"] is not None or row["starts_at"] is None:
        return
    starts_at = from_text(row["starts_at"])
    assert starts_at is not None
    planned = due_moments(starts_at, minutes_from_text(row["minutes_before"]), now)
    await tx.executemany(
        "INSERT INTO reminders (party_id, minutes_before, starts_at, due_at) VALUES (?, ?, ?, ?)",
        [(party_id, minutes, row["starts_at"], to_text(due)) for minutes, due in planned],
    )


async def cancel_reminders(tx: Transaction, party_id: int, now: datetime) -> None:
    """Closing the party: the reminders still ahead will never go out."""
    await tx.execute(
        "UPDATE reminders SET decided_at = ?, outcome = 'cancelled' "
        "WHERE party_id = ? AND decided_at IS NULL",
        (to_text(now), party_id),
    )
