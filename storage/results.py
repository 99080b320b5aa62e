"""Results: who won each category, the undo history, and what follows from them.

Winner status and "passed over" counts are derived from the live (not undone) results, never stored, so
an undo cannot leave a count behind. Dues and bottles change in the same transaction as the result.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from rules import Refusal
from rules.tallies import AnnouncedCategory, Tally, person_key, tally
from storage.changes import Topic
from storage.clock import from_text, to_text, utc_now
from storage.database import Database, Transaction
from storage.dues import Dues, end_dues, owe_dues, refresh_bottle
from storage.interactions import claim_interaction
from storage.outbox import (
    OutgoingMessage,
    edit_delivered,
    post_in_channel,
    queued_message,
    withdraw_if_pending,
)
from storage.parties import Party
from storage.predictions import Guesses, guesses_for


@dataclass(frozen=True)
class Nominee:
    id: int
    name: str
    member_id: int | None


@dataclass(frozen=True)
class Result:
    id: int
    party_id: int
    category_id: int
    category_name: str
    winner: Nominee
    announced_by: int
    announced_at: datetime
    announce_channel_id: int | None
    announce_message_id: int | None
    undone_at: datetime | None
    undo_reason: str | None


@dataclass(frozen=True)
class Announcement:
    result: Result
    passed_over: list[Nominee]
    new_dues: Dues | None
    tally: Tally
    # The outbox row of the public announcement, queued with the result.
    outbox_id: int | None = None
    # How the party's predictions of this category went (None when the party plays without them).
    guesses: Guesses | None = None


@dataclass(frozen=True)
class Undo:
    result: Result
    still_winner: bool
    ended_dues: Dues | None
    tally: Tally
    # The outbox row of the public correction, queued with the undo.
    outbox_id: int | None = None


@dataclass(frozen=True)
class PassedOver:
    name: str
    member_id: int | None
    times: int
    categories: int


# The announcement's message id is recorded on its outbox row when it goes out.
_RESULT_SELECT = (
    "SELECT r.*, c.name AS category_name, n.name AS winner_name, n.member_id AS winner_member_id, "
    "coalesce(r.announce_message_id, (SELECT message_id FROM outbox WHERE id = r.announce_outbox_id)) "
    "AS shown_message_id "
    "FROM results r JOIN categories c ON c.id = r.category_id JOIN nominees n ON n.id = r.nominee_id "
)


def _result(row: sqlite3.Row) -> Result:
    return Result(
        id=row["id"],
        party_id=row["party_id"],
        category_id=row["category_id"],
        category_name=row["category_name"],
        winner=Nominee(row["nominee_id"], row["winner_name"], row["winner_member_id"]),
        announced_by=row["announced_by"],
        announced_at=from_text(row["announced_at"]),  # type: ignore[arg-type]
        announce_channel_id=row["announce_channel_id"],
        announce_message_id=row["shown_message_id"],
        undone_at=from_text(row["undone_at"]),
        undo_reason=row["undo_reason"],
    )


async def _live_result(tx: Transaction, category_id: int) -> Result | None:
    row = await tx.fetch_one(
        _RESULT_SELECT + "WHERE r.category_id = ? AND r.undone_at IS NULL", (category_id,)
    )
    return None if row is None else _result(row)


async def _tally(tx: Transaction, party_id: int) -> Tally:
    total = await tx.fetch_value("SELECT count(*) FROM categories WHERE party_id = ?", (party_id,))
    rows = await tx.fetch_all(
        "SELECT r.category_id, r.nominee_id, n.id AS nominee_id_in, n.member_id, n.name FROM results r "
        "JOIN nominees n ON n.category_id = r.category_id WHERE r.party_id = ? AND r.undone_at IS NULL",
        (party_id,),
    )
    nominees: dict[int, set[str]] = {}
    winners: dict[int, str] = {}
    for row in rows:
        key = person_key(row["member_id"], row["name"])
        nominees.setdefault(row["category_id"], set()).add(key)
        if row["nominee_id_in"] == row["nominee_id"]:
            winners[row["category_id"]] = key
    announced = [
        AnnouncedCategory(winners[c], frozenset(keys)) for c, keys in nominees.items() if c in winners
    ]
    return tally(announced, int(total))


class ResultStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def announce(
        self,
        party: Party,
        category_id: int,
        nominee_id: int,
        host_id: int,
        interaction_id: int,
        *,
        channel_id: int | None = None,
        compose: Callable[[Announcement], OutgoingMessage] | None = None,
    ) -> Announcement:
        """Records the category's winner, their dues (once per party) and returns who was passed over;
        with `compose`, queues its public announcement in `channel_id` in the same transaction.

        :raises Refusal: the category or nominee is not in this party, the category already has a
            result (two hosts at once: exactly one wins the race), or the interaction was applied before.
        """
        async with self._db.transaction() as tx:
            category = await tx.fetch_one(
                "SELECT id, name FROM categories WHERE id = ? AND party_id = ?", (category_id, party.id)
            )
            if category is None:
                raise Refusal("That category isn't on this party's ballot. Pick one from the list.")
            nominees = [
                Nominee(row["id"], row["name"], row["member_id"])
                for row in await tx.fetch_all(
                    "SELECT id, name, member_id FROM nominees WHERE category_id = ? ORDER BY position",
                    (category_id,),
                )
            ]
            winner = next((n for n in nominees if n.id == nominee_id), None)
            if winner is None:
                raise Refusal(f"That nominee isn't in {category['name']}. Pick one from the list.")
            existing = await _live_result(tx, category_id)
            if existing is not None:
                raise Refusal(
                    f"{category['name']} was already announced: {existing.winner.name} won. "
                    "If that was the wrong envelope, use /result undo first."
                )
            if not await claim_interaction(tx, interaction_id, "result announce"):
                raise Refusal("That announcement was already made.")
            result_id = await tx.execute(
                "INSERT INTO results (party_id, category_id, nominee_id, announced_by, announced_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (party.id, category_id, nominee_id, host_id, to_text(utc_now())),
            )
            tx.touch(party.id, Topic.RESULTS, Topic.MONEY)
            new_dues = None
            if winner.member_id is not None:
                if party.winner_donation_cents > 0:
                    new_dues = await owe_dues(tx, party.id, winner.member_id, party.winner_donation_cents)
                await refresh_bottle(tx, party.id, winner.member_id)
            row = await tx.fetch_one(_RESULT_SELECT + "WHERE r.id = ?", (result_id,))
            assert row is not None
            outcome = Announcement(
                _result(row),
                [n for n in nominees if n.id != nominee_id],
                new_dues,
                await _tally(tx, party.id),
                guesses=await guesses_for(tx, party.id, category_id, nominee_id),
            )
            if compose is None or channel_id is None:
                return outcome
            outbox_id = await post_in_channel(
                tx, party_id=party.id, channel_id=channel_id, message=compose(outcome), kind="announcement"
            )
            await tx.execute(
                "UPDATE results SET announce_channel_id = ?, announce_outbox_id = ? WHERE id = ?",
                (channel_id, outbox_id, result_id),
            )
            return replace(outcome, outbox_id=outbox_id)

    async def undo(
        self,
        party: Party,
        category_id: int,
        host_id: int,
        reason: str | None,
        interaction_id: int,
        *,
        channel_id: int | None = None,
        compose: Callable[[Undo], OutgoingMessage] | None = None,
        withdrawn: Callable[[OutgoingMessage], OutgoingMessage] | None = None,
    ) -> Undo:
        """Withdraws the category's live result; the winner's status and unpaid dues go with their last win.

        With `compose`, the correction is queued in `channel_id` (default: where the result was
        announced) in the same transaction, and the announcement is marked `withdrawn` once it is out,
        or never posted if it had not gone out yet.

        :raises Refusal: the category has no result to undo.
        """
        async with self._db.transaction() as tx:
            live = await _live_result(tx, category_id)
            if live is None or live.party_id != party.id:
                raise Refusal("That category has no result to undo.")
            if not await claim_interaction(tx, interaction_id, "result undo"):
                raise Refusal("That correction was already made.")
            await tx.execute(
                "UPDATE results SET undone_at = ?, undone_by = ?, undo_reason = ? WHERE id = ?",
                (to_text(utc_now()), host_id, reason, live.id),
            )
            tx.touch(party.id, Topic.RESULTS, Topic.MONEY)
            member_id = live.winner.member_id
            still_winner = False
            ended = None
            if member_id is not None:
                still_winner = bool(
                    await tx.fetch_value(
                        "SELECT count(*) FROM results r JOIN nominees n ON n.id = r.nominee_id "
                        "WHERE r.party_id = ? AND r.undone_at IS NULL AND n.member_id = ?",
                        (party.id, member_id),
                    )
                )
                if not still_winner:
                    ended = await end_dues(tx, party.id, member_id)
                await refresh_bottle(tx, party.id, member_id)
            row = await tx.fetch_one(_RESULT_SELECT + "WHERE r.id = ?", (live.id,))
            assert row is not None
            outcome = Undo(_result(row), still_winner, ended, await _tally(tx, party.id))
            target = live.announce_channel_id or channel_id
            if compose is None or target is None:
                return outcome
            outbox_id = await post_in_channel(
                tx, party_id=party.id, channel_id=target, message=compose(outcome), kind="correction"
            )
            await tx.execute("UPDATE results SET correction_outbox_id = ? WHERE id = ?", (outbox_id, live.id))
            original_id = row["announce_outbox_id"]
            if (
                original_id is not None
                and withdrawn is not None
                and not await withdraw_if_pending(tx, original_id, "withdrawn before it went out")
            ):
                original = await queued_message(tx, original_id)
                if original is not None:
                    await edit_delivered(
                        tx, party_id=party.id, target_id=original_id, message=withdrawn(original),
                        kind="announcement withdrawn",
                    )
            return replace(outcome, outbox_id=outbox_id)

    async def live_results(self, party_id: int) -> list[Result]:
        rows = await self._db.fetch_all(
            _RESULT_SELECT + "WHERE r.party_id = ? AND r.undone_at IS NULL ORDER BY c.position", (party_id,)
        )
        return [_result(row) for row in rows]

    async def live_result(self, category_id: int) -> Result | None:
        async with self._db.transaction() as tx:
            return await _live_result(tx, category_id)

    async def tally(self, party_id: int) -> Tally:
        async with self._db.transaction() as tx:
            return await _tally(tx, party_id)

    async def winner_ids(self, party_id: int) -> set[int]:
        """Members who hold at least one live (not undone) result in the party: its winners."""
        rows = await self._db.fetch_all(
            "SELECT DISTINCT n.member_id FROM results r JOIN nominees n ON n.id = r.nominee_id "
            "WHERE r.party_id = ? AND r.undone_at IS NULL AND n.member_id IS NOT NULL",
            (party_id,),
        )
        return {row[0] for row in rows}

    async def categories_won(self, party_id: int, member_id: int) -> list[str]:
        rows = await self._db.fetch_all(
            "SELECT c.name FROM results r JOIN categories c ON c.id = r.category_id "
            "JOIN nominees n ON n.id = r.nominee_id "
            "WHERE r.party_id = ? AND r.undone_at IS NULL AND n.member_id = ? ORDER BY c.position",
            (party_id, member_id),
        )
        return [row[0] for row in rows]

    async def passed_over(
        self, guild_id: int, party_id: int | None = None, limit: int = 10
    ) -> list[PassedOver]:
        """The passed-over leaderboard of one party, or of every party the guild ever had.

        Each live result passes over every other nominee of its category. Categories are counted by
        name across parties, so "Outstanding Drama Series" in two years is one category. A person is
        shown by their newest spelling (SQLite takes bare columns from the row holding the max()).
        """
        scope = "AND r.party_id = ?" if party_id is not None else ""
        params: tuple[int, ...] = (guild_id, party_id) if party_id is not None else (guild_id,)
        rows = await self._db.fetch_all(
            "SELECT CASE WHEN n.member_id IS NOT NULL THEN 'm:' || n.member_id ELSE 'n:' || n.name_key END "
            "AS who, max(n.id) AS newest, n.name AS name, n.member_id AS member_id, count(*) AS times, "
            "count(DISTINCT c.name_key) AS categories "
            "FROM results r JOIN parties p ON p.id = r.party_id "
            "JOIN categories c ON c.id = r.category_id "
            "JOIN nominees n ON n.category_id = r.category_id AND n.id != r.nominee_id "
            f"WHERE r.undone_at IS NULL AND p.guild_id = ? {scope} "
            "GROUP BY who ORDER BY times DESC, categories DESC, name LIMIT ?",
            (*params, limit),
        )
        return [PassedOver(row["name"], row["member_id"], row["times"], row["categories"]) for row in rows]
