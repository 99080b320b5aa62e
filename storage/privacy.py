"""What the bot keeps about one member, and erasing it on request (`/privacy show` and `forget`).

A member's own words and answers (RSVPs, notes) are erased; money records keep their amounts, because a
charity's books must add up, but lose the member's name ("former guest") and notes. Ballot entries
(nominee names, results), door arrivals and dues keep only the member's id, never their words, and stay.
"""

from __future__ import annotations

from dataclasses import dataclass

from storage.changes import Topic
from storage.database import Database, Transaction

FORMER_GUEST = "former guest"


@dataclass(frozen=True)
class KeptRsvp:
    party: str
    status: str
    plus_ones: int
    note: str | None
    display_name: str


@dataclass(frozen=True)
class KeptPledge:
    party: str
    amount_cents: int
    anonymous: bool
    note: str | None
    display_name: str
    state: str  # "live", "cancelled" or "void"


@dataclass(frozen=True)
class KeptPayment:
    party: str
    amount_cents: int
    note: str | None
    void: bool


@dataclass(frozen=True)
class KeptPrediction:
    party: str
    category: str
    nominee: str
    display_name: str


@dataclass(frozen=True)
class KeptEntry:
    """Anything else tied to the member's id: a nomination, dues, an arrival, a bottle, a hosting."""

    party: str
    what: str


@dataclass(frozen=True)
class MemberData:
    rsvps: tuple[KeptRsvp, ...]
    pledges: tuple[KeptPledge, ...]
    payments: tuple[KeptPayment, ...]
    other: tuple[KeptEntry, ...]
    predictions: tuple[KeptPrediction, ...] = ()
    # The parties the member asked for no reminder DMs about.
    reminders_off: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        kept = (self.rsvps, self.pledges, self.payments, self.other, self.predictions, self.reminders_off)
        return not any(kept)


@dataclass(frozen=True)
class Forgotten:
    rsvps_erased: int
    pledges_renamed: int
    payments_cleared: int
    open_parties: tuple[int, ...]  # open parties that lost an RSVP: a freed place may promote someone


class PrivacyStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def about(self, user_id: int) -> MemberData:
        """Everything kept under the member's id, in every server, oldest party first."""
        db = self._db
        rsvps = await db.fetch_all(
            "SELECT p.name AS party, r.status, r.plus_ones, r.note, r.display_name FROM rsvps r "
            "JOIN parties p ON p.id = r.party_id WHERE r.user_id = ? ORDER BY p.id",
            (user_id,),
        )
        pledges = await db.fetch_all(
            "SELECT p.name AS party, x.amount_cents, x.anonymous, x.note, x.display_name, "
            "CASE WHEN x.voided_at IS NOT NULL THEN 'void' WHEN x.cancelled_at IS NOT NULL THEN 'cancelled' "
            "ELSE 'live' END AS state FROM pledges x JOIN parties p ON p.id = x.party_id "
            "WHERE x.user_id = ? ORDER BY x.id",
            (user_id,),
        )
        payments = await db.fetch_all(
            "SELECT p.name AS party, x.amount_cents, x.note, x.voided_at IS NOT NULL AS void FROM payments x "
            "JOIN parties p ON p.id = x.party_id WHERE x.user_id = ? ORDER BY x.id",
            (user_id,),
        )
        other = await db.fetch_all(
            "SELECT p.name AS party, 'nominated: ' || n.name || ' in ' || c.name AS what, p.id AS pid "
            "FROM nominees n JOIN categories c ON c.id = n.category_id JOIN parties p ON p.id = c.party_id "
            "WHERE n.member_id = ? "
            "UNION ALL SELECT p.name, 'winner''s dues: ' || d.status, p.id FROM dues d "
            "JOIN parties p ON p.id = d.party_id WHERE d.user_id = ? AND d.status != 'cancelled' "
            "UNION ALL SELECT p.name, 'arrived at the door', p.id FROM arrivals a "
            "JOIN parties p ON p.id = a.party_id WHERE a.user_id = ? "
            "UNION ALL SELECT p.name, 'engraved bottle: ' || b.engraving, p.id FROM bottles b "
            "JOIN parties p ON p.id = b.party_id WHERE b.user_id = ? "
            "UNION ALL SELECT p.name, 'named a host', p.id FROM party_hosts h "
            "JOIN parties p ON p.id = h.party_id WHERE h.user_id = ? "
            "ORDER BY pid",
            (user_id,) * 5,
        )
        predictions = await db.fetch_all(
            "SELECT p.name AS party, c.name AS category, n.name AS nominee, x.display_name "
            "FROM predictions x JOIN parties p ON p.id = x.party_id "
            "JOIN categories c ON c.id = x.category_id JOIN nominees n ON n.id = x.nominee_id "
            "WHERE x.user_id = ? ORDER BY p.id, c.id",
            (user_id,),
        )
        reminders_off = await db.fetch_all(
            "SELECT p.name FROM reminder_optouts o JOIN parties p ON p.id = o.party_id "
            "WHERE o.user_id = ? ORDER BY p.id",
            (user_id,),
        )
        return MemberData(
            rsvps=tuple(
                KeptRsvp(r["party"], r["status"], r["plus_ones"], r["note"], r["display_name"]) for r in rsvps
            ),
            pledges=tuple(
                KeptPledge(
                    r["party"], r["amount_cents"], bool(r["anonymous"]), r["note"], r["display_name"],
                    r["state"],
                )
                for r in pledges
            ),
            payments=tuple(
                KeptPayment(r["party"], r["amount_cents"], r["note"], bool(r["void"])) for r in payments
            ),
            other=tuple(KeptEntry(r["party"], r["what"]) for r in other),
            predictions=tuple(
                KeptPrediction(r["party"], r["category"], r["nominee"], r["display_name"])
                for r in predictions
            ),
            reminders_off=tuple(r[0] for r in reminders_off),
        )

    async def forget(self, user_id: int) -> Forgotten:
        """Erases the member's RSVPs and notes and renames their money records, all in one transaction."""
        async with self._db.transaction() as tx:
            rsvp_parties = await _party_ids(tx, "SELECT party_id FROM rsvps WHERE user_id = ?", user_id)
            money_parties = await _party_ids(
                tx,
                "SELECT party_id FROM pledges WHERE user_id = ? UNION SELECT party_id FROM payments "
                "WHERE user_id = ?",
                user_id, user_id,
            )
            open_parties = await _party_ids(
                tx,
                "SELECT r.party_id FROM rsvps r JOIN parties p ON p.id = r.party_id "
                "WHERE r.user_id = ? AND p.closed_at IS NULL",
                user_id,
            )
            rsvps = await tx.execute("DELETE FROM rsvps WHERE user_id = ?", (user_id,))
            # A "no reminders" choice names the member too; with their RSVPs gone nothing would be sent.
            await tx.execute("DELETE FROM reminder_optouts WHERE user_id = ?", (user_id,))
            pledges = await tx.execute(
                "UPDATE pledges SET display_name = ?, note = NULL WHERE user_id = ?", (FORMER_GUEST, user_id)
            )
            payments = await tx.execute("UPDATE payments SET note = NULL WHERE user_id = ?", (user_id,))
            # Predictions keep their picks (the leaderboard's figures) but not the member's name.
            await tx.execute(
                "UPDATE predictions SET display_name = ? WHERE user_id = ?", (FORMER_GUEST, user_id)
            )
            for party_id in rsvp_parties:
                tx.touch(party_id, Topic.RSVPS)
            for party_id in money_parties:
                tx.touch(party_id, Topic.MONEY)
        return Forgotten(rsvps, pledges, payments, tuple(sorted(open_parties)))


async def _party_ids(tx: Transaction, sql: str, *params: int) -> set[int]:
    return {row[0] for row in await tx.fetch_all(sql, params)}
