"""Read-only reports over a whole party: the money timeline for the wrap-up chart, and the export rows.

Each report reads in one transaction, so a wrap-up or an export is one consistent snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage.clock import from_text
from storage.database import Database


@dataclass(frozen=True)
class MoneyEvent:
    """A change to the night's money: a pledge made, or a payment received (amounts in cents)."""

    at: datetime
    pledged_cents: int
    received_cents: int


@dataclass(frozen=True)
class GuestRow:
    user_id: int
    name: str
    status: str
    plus_ones: int
    waitlist_place: int | None
    note: str | None
    winner: bool
    arrived_at: datetime | None


@dataclass(frozen=True)
class MoneyRow:
    kind: str
    at: datetime
    user_id: int
    name: str
    amount_cents: int
    anonymous: bool
    note: str | None
    status: str
    ref_id: int = 0
    voided_at: datetime | None = None
    voided_by: int | None = None
    void_reason: str | None = None


@dataclass(frozen=True)
class ResultRow:
    category: str
    winner: str
    winner_member_id: int | None
    announced_at: datetime
    undone_at: datetime | None
    undo_reason: str | None


class ReportStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def money_timeline(self, party_id: int) -> list[MoneyEvent]:
        """Pledges still standing and payments, in time order."""
        rows = await self._db.fetch_all(
            "SELECT created_at AS at, amount_cents AS pledged, 0 AS received FROM pledges "
            "WHERE party_id = ? AND cancelled_at IS NULL AND voided_at IS NULL "
            "UNION ALL SELECT recorded_at, 0, amount_cents FROM payments WHERE party_id = ? "
            "AND voided_at IS NULL "
            "ORDER BY at",
            (party_id, party_id),
        )
        return [MoneyEvent(from_text(row[0]), row[1], row[2]) for row in rows]  # type: ignore[arg-type]

    async def guests(self, party_id: int) -> list[GuestRow]:
        """Every member who answered or arrived, with their answer, winner status and arrival."""
        async with self._db.transaction() as tx:
            winners = {
                row[0]
                for row in await tx.fetch_all(
                    "SELECT DISTINCT nm.member_id FROM results r "
                    "JOIN nominee_members nm ON nm.nominee_id = r.nominee_id "
                    "WHERE r.party_id = ? AND r.undone_at IS NULL",
                    (party_id,),
                )
            }
            rows = await tx.fetch_all(
                "SELECT r.user_id, r.display_name, r.status, r.plus_ones, r.note, r.waitlist_seq, "
                "a.arrived_at, (SELECT count(*) + 1 FROM rsvps w WHERE w.party_id = r.party_id "
                "AND w.waitlist_seq < r.waitlist_seq) AS place "
                "FROM rsvps r LEFT JOIN arrivals a ON a.party_id = r.party_id AND a.user_id = r.user_id "
                "WHERE r.party_id = ? "
                "UNION ALL SELECT a.user_id, '', 'no answer', 0, NULL, NULL, a.arrived_at, NULL "
                "FROM arrivals a WHERE a.party_id = ? AND NOT EXISTS "
                "(SELECT 1 FROM rsvps r WHERE r.party_id = a.party_id AND r.user_id = a.user_id) "
                "ORDER BY 2",
                (party_id, party_id),
            )
        return [
            GuestRow(
                user_id=row[0],
                name=row[1],
                status="waitlisted" if row[5] is not None else row[2].replace("_", " "),
                plus_ones=row[3],
                waitlist_place=row[7] if row[5] is not None else None,
                note=row[4],
                winner=row[0] in winners,
                arrived_at=from_text(row[6]),
            )
            for row in rows
        ]

    async def money(self, party_id: int) -> list[MoneyRow]:
        """Every pledge, payment, winner's dues and waiver in time order; voided ones marked, not left out."""
        rows = await self._db.fetch_all(
            "SELECT 'pledge', created_at, user_id, display_name, amount_cents, anonymous, note, "
            "CASE WHEN voided_at IS NOT NULL THEN 'void' WHEN cancelled_at IS NULL THEN 'standing' "
            "ELSE 'cancelled' END, id, voided_at, voided_by, void_reason FROM pledges WHERE party_id = :p "
            "UNION ALL SELECT 'payment', p.recorded_at, p.user_id, coalesce(("
            "SELECT display_name FROM rsvps r WHERE r.party_id = p.party_id AND r.user_id = p.user_id), ("
            "SELECT display_name FROM pledges g WHERE g.party_id = p.party_id AND g.user_id = p.user_id "
            "LIMIT 1), ''), p.amount_cents, 0, p.note, "
            "CASE WHEN p.voided_at IS NULL THEN 'received' ELSE 'void' END, p.id, p.voided_at, p.voided_by, "
            "p.void_reason FROM payments p WHERE p.party_id = :p "
            "UNION ALL SELECT 'winner''s dues', d.created_at, d.user_id, coalesce(("
            "SELECT n.name FROM nominees n JOIN categories c ON c.id = n.category_id "
            "WHERE c.party_id = d.party_id AND n.member_id = d.user_id LIMIT 1), ''), d.amount_cents, 0, "
            "NULL, d.status, d.id, NULL, NULL, NULL FROM dues d WHERE d.party_id = :p "
            "UNION ALL SELECT 'waiver', w.waived_at, w.user_id, '', w.amount_cents, 0, NULL, "
            "CASE WHEN w.voided_at IS NULL THEN 'standing' ELSE 'void' END, w.id, w.voided_at, w.voided_by, "
            "w.void_reason FROM waivers w WHERE w.party_id = :p "
            "ORDER BY 2",
            {"p": party_id},
        )
        return [
            MoneyRow(
                row[0], from_text(row[1]), row[2], row[3], row[4],  # type: ignore[arg-type]
                bool(row[5]), row[6], row[7],
                row[8], from_text(row[9]), row[10], row[11],
            )
            for row in rows
        ]

    async def results(self, party_id: int) -> list[ResultRow]:
        """Every result ever posted, undone ones included, in the order they were announced."""
        rows = await self._db.fetch_all(
            "SELECT c.name, n.name, n.member_id, r.announced_at, r.undone_at, r.undo_reason FROM results r "
            "JOIN categories c ON c.id = r.category_id JOIN nominees n ON n.id = r.nominee_id "
            "WHERE r.party_id = ? ORDER BY r.announced_at, r.id",
            (party_id,),
        )
        return [
            ResultRow(row[0], row[1], row[2], from_text(row[3]), from_text(row[4]), row[5])  # type: ignore[arg-type]
            for row in rows
        ]
