"""Winner's dues and engraved bottles: owed when a member first wins, settled by payments or a waiver.

Payments and waivers themselves are the ledger's (`storage.ledger`); this module records and ends dues.

The functions taking a `Transaction` run inside the caller's write (an announcement, an undo, a
payment), so dues and bottles always change together with what caused them.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from rules.dues import DuesStatus, dues_settled, engraving
from storage.clock import from_text, to_text, utc_now
from storage.database import Database, Transaction


@dataclass(frozen=True)
class Dues:
    id: int
    party_id: int
    user_id: int
    amount_cents: int
    status: DuesStatus
    created_at: datetime
    settled_at: datetime | None


@dataclass(frozen=True)
class Bottle:
    user_id: int
    engraving: str


def _dues(row: sqlite3.Row) -> Dues:
    return Dues(
        row["id"],
        row["party_id"],
        row["user_id"],
        row["amount_cents"],
        DuesStatus(row["status"]),
        from_text(row["created_at"]),
        from_text(row["settled_at"]),  # type: ignore[arg-type]
    )


async def active_dues(tx: Transaction, party_id: int, user_id: int) -> Dues | None:
    row = await tx.fetch_one(
        "SELECT * FROM dues WHERE party_id = ? AND user_id = ? AND status != 'cancelled'", (party_id, user_id)
    )
    return None if row is None else _dues(row)


async def received_from(tx: Transaction, party_id: int, user_id: int) -> int:
    return int(
        await tx.fetch_value(
            "SELECT coalesce(sum(amount_cents), 0) FROM payments WHERE party_id = ? AND user_id = ? "
            "AND voided_at IS NULL",
            (party_id, user_id),
        )
    )


async def owe_dues(tx: Transaction, party_id: int, user_id: int, amount_cents: int) -> Dues | None:
    """Records a new winner's dues, once per person per party; None if they already had dues.

    Money the member already paid (a pledge paid before they won) counts towards them.
    """
    if await active_dues(tx, party_id, user_id) is not None:
        return None
    now = to_text(utc_now())
    paid = dues_settled(amount_cents, await received_from(tx, party_id, user_id))
    status = DuesStatus.PAID if paid else DuesStatus.OWED
    await tx.execute(
        "INSERT INTO dues (party_id, user_id, amount_cents, status, created_at, settled_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (party_id, user_id, amount_cents, status.value, now, now if paid else None),
    )
    return await active_dues(tx, party_id, user_id)


async def end_dues(tx: Transaction, party_id: int, user_id: int) -> Dues | None:
    """The member holds no win any more: their dues end. Returns them as they were before.

    Paid dues end too, but the payments behind them stay recorded: the money becomes a plain donation.
    """
    dues = await active_dues(tx, party_id, user_id)
    if dues is not None:
        await tx.execute(
            "UPDATE dues SET status = 'cancelled', settled_at = ? WHERE id = ?", (to_text(utc_now()), dues.id)
        )
    return dues


async def refresh_bottle(tx: Transaction, party_id: int, user_id: int) -> None:
    """Keeps the member's bottle in step: engraved with their wins while their dues are paid, else none."""
    dues = await active_dues(tx, party_id, user_id)
    wins = await tx.fetch_all(
        "SELECT c.name AS category, n.name AS nominee FROM results r "
        "JOIN categories c ON c.id = r.category_id JOIN nominees n ON n.id = r.nominee_id "
        "JOIN nominee_members nm ON nm.nominee_id = n.id "
        "WHERE r.party_id = ? AND r.undone_at IS NULL AND nm.member_id = ? ORDER BY c.position",
        (party_id, user_id),
    )
    if dues is None or dues.status is not DuesStatus.PAID or not wins:
        await tx.execute("DELETE FROM bottles WHERE party_id = ? AND user_id = ?", (party_id, user_id))
        return
    party = await tx.fetch_one("SELECT name, charity FROM parties WHERE id = ?", (party_id,))
    assert party is not None
    text = engraving(wins[0]["nominee"], [w["category"] for w in wins], party["name"], party["charity"])
    await tx.execute(
        "INSERT INTO bottles (party_id, user_id, engraving, created_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (party_id, user_id) DO UPDATE SET engraving = excluded.engraving",
        (party_id, user_id, text, to_text(utc_now())),
    )


class DuesStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def for_member(self, party_id: int, user_id: int) -> Dues | None:
        row = await self._db.fetch_one(
            "SELECT * FROM dues WHERE party_id = ? AND user_id = ? AND status != 'cancelled'",
            (party_id, user_id),
        )
        return None if row is None else _dues(row)

    async def at_other_amount(self, party_id: int, amount_cents: int) -> int:
        """How many recorded dues (owed, paid or waived) stand at another amount than `amount_cents`."""
        return int(
            await self._db.fetch_value(
                "SELECT count(*) FROM dues "
                "WHERE party_id = ? AND status != 'cancelled' AND amount_cents != ?",
                (party_id, amount_cents),
            )
        )

    async def outstanding(self, party_id: int) -> list[Dues]:
        rows = await self._db.fetch_all(
            "SELECT * FROM dues WHERE party_id = ? AND status = 'owed' ORDER BY created_at", (party_id,)
        )
        return [_dues(row) for row in rows]

    async def bottles(self, party_id: int) -> list[Bottle]:
        rows = await self._db.fetch_all(
            "SELECT user_id, engraving FROM bottles WHERE party_id = ? ORDER BY created_at", (party_id,)
        )
        return [Bottle(row[0], row[1]) for row in rows]
