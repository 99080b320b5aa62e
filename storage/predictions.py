"""The predictions game's storage: members' picks, the host's switches, and the figures derived from them.

Scores are computed from the live results on every read (see `rules.predictions`), never stored. A pick
is checked and written in one transaction, so a pick racing an announcement is either saved before it or
refused after it, never saved on a decided category.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from rules.predictions import Guesses, LockChange, Pick, PickGate, Standing, guesses, pick_refusal, standings
from storage.ballot import BallotCategory, Category, Nominee
from storage.changes import Topic
from storage.clock import from_text, to_text, utc_now
from storage.database import Database, Transaction
from storage.errors import ForeignMenu, PartyFrozen, PickGone
from storage.interactions import claim_interaction

_PICK_CONTEXT = (
    "SELECT p.guild_id, p.closed_at, "
    "(SELECT name FROM categories WHERE id = :category AND party_id = p.id) AS category_name, "
    "(SELECT name FROM nominees WHERE id = :nominee AND category_id = :category) AS nominee_name, "
    "s.enabled, s.locks_at, "
    "(SELECT status FROM rsvps WHERE party_id = p.id AND user_id = :user) AS status, "
    "EXISTS (SELECT 1 FROM party_hosts WHERE party_id = p.id AND user_id = :user) AS named_host, "
    "(SELECT n.name FROM results r JOIN nominees n ON n.id = r.nominee_id "
    " WHERE r.category_id = :category AND r.undone_at IS NULL) AS winner, "
    "(SELECT nominee_id FROM predictions WHERE category_id = :category AND user_id = :user) AS previous "
    "FROM parties p LEFT JOIN prediction_settings s ON s.party_id = p.id WHERE p.id = :party"
)


@dataclass(frozen=True)
class PredictionSettings:
    enabled: bool = True
    locks_at: datetime | None = None

    def locked(self, now: datetime) -> bool:
        return self.locks_at is not None and now >= self.locks_at


@dataclass(frozen=True)
class PickOutcome:
    """A saved pick; `applied` is False for a redelivered interaction, `changed` when it replaced another."""

    category_name: str
    nominee_name: str
    applied: bool
    changed: bool


@dataclass(frozen=True)
class Leaderboard:
    standings: list[Standing]
    decided: int
    names: dict[int, str]


@dataclass(frozen=True)
class PredictionRow:
    """One pick for the export, with how it turned out so far."""

    category: str
    user_id: int
    name: str
    pick: str
    picked_at: datetime
    winner: str | None
    correct: bool | None  # None while the category is undecided


def _settings(row: sqlite3.Row | None) -> PredictionSettings:
    if row is None:
        return PredictionSettings()
    return PredictionSettings(bool(row["enabled"]), from_text(row["locks_at"]))


async def guesses_for(tx: Transaction, party_id: int, category_id: int, winner_id: int) -> Guesses | None:
    """Who predicted the category and who named `winner_id`, read in the transaction deciding the result;
    None while the party plays without predictions."""
    enabled = await tx.fetch_value("SELECT enabled FROM prediction_settings WHERE party_id = ?", (party_id,))
    if enabled is not None and not enabled:
        return None
    rows = await tx.fetch_all(
        "SELECT user_id, nominee_id, picked_at FROM predictions WHERE category_id = ?", (category_id,)
    )
    return guesses(
        (Pick(r["user_id"], category_id, r["nominee_id"], from_text(r["picked_at"])) for r in rows),  # type: ignore[arg-type]
        winner_id,
    )


class PredictionStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def settings(self, party_id: int) -> PredictionSettings:
        row = await self._db.fetch_one(
            "SELECT enabled, locks_at FROM prediction_settings WHERE party_id = ?", (party_id,)
        )
        return _settings(row)

    async def configure(
        self, party_id: int, *, enabled: bool | None = None, lock: LockChange | None = None
    ) -> PredictionSettings:
        """Turns the game on or off and sets or removes its lock. :raises Refusal: the party is closed."""
        async with self._db.transaction() as tx:
            closed = await tx.fetch_one("SELECT closed_at FROM parties WHERE id = ?", (party_id,))
            if closed is None or closed["closed_at"] is not None:
                raise PartyFrozen()
            current = _settings(
                await tx.fetch_one(
                    "SELECT enabled, locks_at FROM prediction_settings WHERE party_id = ?", (party_id,)
                )
            )
            new = PredictionSettings(
                current.enabled if enabled is None else enabled,
                current.locks_at if lock is None else lock.locks_at,
            )
            await tx.execute(
                "INSERT INTO prediction_settings (party_id, enabled, locks_at) VALUES (?, ?, ?) "
                "ON CONFLICT (party_id) DO UPDATE SET enabled = excluded.enabled, "
                "locks_at = excluded.locks_at",
                (party_id, int(new.enabled), to_text(new.locks_at)),
            )
            tx.touch(party_id, Topic.PREDICTIONS)
        return new

    async def pick(
        self,
        *,
        guild_id: int,
        party_id: int,
        category_id: int,
        nominee_id: int,
        user_id: int,
        display_name: str,
        is_host: bool,
        interaction_id: int,
    ) -> PickOutcome:
        """Saves (or changes) the member's pick of the category's winner.

        The ids come from a custom_id and a select value, which a client can forge: each is checked to
        belong to the one before it, starting from the guild the interaction came from.

        :raises Refusal: another guild's party, a closed party, predictions off or locked, not a guest,
            the category already announced, or a category or nominee not on the ballot.
        """
        now = utc_now()
        async with self._db.transaction() as tx:
            # Everything the decision reads, in one statement: each trip to the database thread waits
            # its turn on a busy event loop while this transaction holds the lock.
            row = await tx.fetch_one(
                _PICK_CONTEXT,
                {"party": party_id, "category": category_id, "nominee": nominee_id, "user": user_id},
            )
            if row is None or row["guild_id"] != guild_id:
                raise ForeignMenu()
            if row["category_name"] is None or row["nominee_name"] is None:
                raise PickGone()
            refusal = pick_refusal(
                PickGate(
                    party_open=row["closed_at"] is None,
                    enabled=row["enabled"] is None or bool(row["enabled"]),
                    locks_at=from_text(row["locks_at"]),
                    now=now,
                    is_guest=row["status"] in ("going", "maybe") or is_host or bool(row["named_host"]),
                    category_name=row["category_name"],
                    decided_winner=row["winner"],
                )
            )
            if refusal is not None:
                raise refusal
            previous = row["previous"]
            names = (row["category_name"], row["nominee_name"])
            if not await claim_interaction(tx, interaction_id, "prediction"):
                return PickOutcome(*names, applied=False, changed=False)
            if previous == nominee_id:
                # The same pick again is no change: the ballot's completion time stays where it was.
                return PickOutcome(*names, applied=True, changed=False)
            await tx.execute(
                "INSERT INTO predictions "
                "(party_id, category_id, user_id, display_name, nominee_id, picked_at) "
                "VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (category_id, user_id) DO UPDATE SET "
                "display_name = excluded.display_name, nominee_id = excluded.nominee_id, "
                "picked_at = excluded.picked_at",
                (party_id, category_id, user_id, display_name, nominee_id, to_text(now)),
            )
            tx.touch(party_id, Topic.PREDICTIONS)
        return PickOutcome(*names, applied=True, changed=previous is not None)

    async def open_ballot(self, party_id: int, user_id: int) -> tuple[list[BallotCategory], dict[int, int]]:
        """The categories still waiting for a result, with their nominees, and the member's picks in them."""
        rows = await self._db.fetch_all(
            "SELECT c.id AS category_id, c.name AS category_name, c.position AS category_position, "
            "n.id, n.name, n.member_id, n.position, p.nominee_id AS picked "
            "FROM categories c JOIN nominees n ON n.category_id = c.id "
            "LEFT JOIN predictions p ON p.category_id = c.id AND p.user_id = ? "
            "WHERE c.party_id = ? AND NOT EXISTS "
            "(SELECT 1 FROM results r WHERE r.category_id = c.id AND r.undone_at IS NULL) "
            "ORDER BY c.position, c.id, n.position, n.id",
            (user_id, party_id),
        )
        categories: dict[int, Category] = {}
        nominees: dict[int, list[Nominee]] = {}
        picks: dict[int, int] = {}
        for row in rows:
            category_id = row["category_id"]
            if category_id not in categories:
                categories[category_id] = Category(
                    category_id, party_id, row["category_name"], row["category_position"]
                )
                nominees[category_id] = []
                if row["picked"] is not None:
                    picks[category_id] = row["picked"]
            nominees[category_id].append(
                Nominee(row["id"], category_id, row["name"], row["member_id"], row["position"])
            )
        open_categories = [BallotCategory(c, tuple(nominees[c.id])) for c in categories.values()]
        return open_categories, picks

    async def picks_of(self, party_id: int, user_id: int) -> dict[int, int]:
        """The member's picks: category id → nominee id."""
        rows = await self._db.fetch_all(
            "SELECT category_id, nominee_id FROM predictions WHERE party_id = ? AND user_id = ?",
            (party_id, user_id),
        )
        return {row[0]: row[1] for row in rows}

    async def leaderboard(self, party_id: int) -> Leaderboard:
        """Everyone who predicted, ranked on the live results as they stand now."""
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                "SELECT category_id, user_id, display_name, nominee_id, picked_at FROM predictions "
                "WHERE party_id = ? ORDER BY picked_at",
                (party_id,),
            )
            winners = {
                row[0]: row[1]
                for row in await tx.fetch_all(
                    "SELECT category_id, nominee_id FROM results WHERE party_id = ? AND undone_at IS NULL",
                    (party_id,),
                )
            }
        picks = [
            Pick(r["user_id"], r["category_id"], r["nominee_id"], from_text(r["picked_at"]))  # type: ignore[arg-type]
            for r in rows
        ]
        # Rows come oldest first, so the last name seen is the member's name as of their latest pick.
        names = {r["user_id"]: r["display_name"] for r in rows}
        return Leaderboard(standings(picks, winners), len(winners), names)

    async def export_rows(self, party_id: int) -> list[PredictionRow]:
        rows = await self._db.fetch_all(
            "SELECT c.name AS category, p.user_id, p.display_name, n.name AS pick, p.picked_at, "
            "w.name AS winner, r.nominee_id = p.nominee_id AS correct FROM predictions p "
            "JOIN categories c ON c.id = p.category_id JOIN nominees n ON n.id = p.nominee_id "
            "LEFT JOIN results r ON r.category_id = p.category_id AND r.undone_at IS NULL "
            "LEFT JOIN nominees w ON w.id = r.nominee_id "
            "WHERE p.party_id = ? ORDER BY c.position, c.id, p.picked_at, p.user_id",
            (party_id,),
        )
        return [
            PredictionRow(
                r["category"],
                r["user_id"],
                r["display_name"],
                r["pick"],
                from_text(r["picked_at"]),
                r["winner"],  # type: ignore[arg-type]
                None if r["correct"] is None else bool(r["correct"]),
            )
            for r in rows
        ]
