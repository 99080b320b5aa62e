"""The predictions game's storage: members' picks, the host's switches, and the figures derived from them.

Scores are computed from the live results on every read (see `rules.predictions`), never stored. A pick
is checked and written in one transaction, so a pick racing an announcement is either saved before it or
refused after it, never saved on a decided category.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from rules import Refusal
from rules.predictions import Guesses, LockChange, Pick, PickGate, Standing, guesses, pick_refusal, standings
from storage.changes import Topic
from storage.clock import from_text, to_text, utc_now
from storage.database import Database, Transaction
from storage.interactions import claim_interaction

FOREIGN_MENU = "This menu isn't for this server's party. Run /predict here for your own ballot."
_GONE = "That category or nominee is no longer on the ballot. Run /predict again for the current one."


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


async def guesses_for(tx: Transaction, category_id: int, winner_id: int) -> Guesses:
    """Who predicted the category and who named `winner_id`, for an announcement being decided in `tx`."""
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
                raise Refusal("That party is closed; closed parties are kept as they were.")
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
            tx.touch(party_id, Topic.PARTY)
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
            party = await tx.fetch_one("SELECT guild_id, closed_at FROM parties WHERE id = ?", (party_id,))
            if party is None or party["guild_id"] != guild_id:
                raise Refusal(FOREIGN_MENU)
            found = await tx.fetch_one(
                "SELECT c.name AS category_name, n.name AS nominee_name FROM categories c "
                "JOIN nominees n ON n.category_id = c.id WHERE c.id = ? AND c.party_id = ? AND n.id = ?",
                (category_id, party_id, nominee_id),
            )
            if found is None:
                raise Refusal(_GONE)
            settings = _settings(
                await tx.fetch_one(
                    "SELECT enabled, locks_at FROM prediction_settings WHERE party_id = ?", (party_id,)
                )
            )
            status = await tx.fetch_value(
                "SELECT status FROM rsvps WHERE party_id = ? AND user_id = ?", (party_id, user_id)
            )
            named_host = await tx.fetch_value(
                "SELECT 1 FROM party_hosts WHERE party_id = ? AND user_id = ?", (party_id, user_id)
            )
            winner = await tx.fetch_value(
                "SELECT n.name FROM results r JOIN nominees n ON n.id = r.nominee_id "
                "WHERE r.category_id = ? AND r.undone_at IS NULL",
                (category_id,),
            )
            refusal = pick_refusal(
                PickGate(
                    party_open=party["closed_at"] is None,
                    enabled=settings.enabled,
                    locks_at=settings.locks_at,
                    now=now,
                    is_guest=status in ("going", "maybe") or is_host or bool(named_host),
                    category_name=found["category_name"],
                    decided_winner=winner,
                )
            )
            if refusal is not None:
                raise Refusal(refusal)
            outcome = PickOutcome(found["category_name"], found["nominee_name"], applied=False, changed=False)
            if not await claim_interaction(tx, interaction_id, "prediction"):
                return outcome
            previous = await tx.fetch_value(
                "SELECT nominee_id FROM predictions WHERE category_id = ? AND user_id = ?",
                (category_id, user_id),
            )
            if previous == nominee_id:
                # The same pick again is no change: the ballot's completion time stays where it was.
                return PickOutcome(outcome.category_name, outcome.nominee_name, applied=True, changed=False)
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
        return PickOutcome(
            outcome.category_name, outcome.nominee_name, applied=True, changed=previous is not None
        )

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

    async def guesses(self, category_id: int) -> Guesses | None:
        """How the predictions of the category's live result went; None while it has none."""
        async with self._db.transaction() as tx:
            winner_id = await tx.fetch_value(
                "SELECT nominee_id FROM results WHERE category_id = ? AND undone_at IS NULL", (category_id,)
            )
            if winner_id is None:
                return None
            return await guesses_for(tx, category_id, winner_id)

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
