"""Results: who won each category, the undo history, and what follows from them.

Winner status and "passed over" counts are derived from the live (not undone) results, never stored, so
an undo cannot leave a count behind. Dues and bottles change in the same transaction as the result.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from rules.tallies import AnnouncedCategory, Tally, person_key, tally
from storage.audit import Action, record
from storage.changes import Topic
from storage.clock import from_text, to_text, utc_now
from storage.database import Database, Transaction, Work
from storage.dues import Dues, active_dues, end_dues, owe_dues, refresh_bottle
from storage.errors import (
    AlreadyAnnounced,
    AlreadyApplied,
    AlreadyLinked,
    CategoryNotOnBallot,
    NomineeNotFound,
    NomineeNotInCategory,
    NoResultToUndo,
    PartyClosed,
)
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
    """A nominee and every member it stands for (co-nominees: several; the first is `member_id`)."""

    id: int
    name: str
    member_id: int | None
    member_ids: tuple[int, ...] = ()


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
    """The result, who was passed over, and each winning member's dues (new or held from an earlier win)."""

    result: Result
    passed_over: list[Nominee]
    dues: tuple[Dues, ...]
    new_dues: tuple[Dues, ...]
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
class Link:
    """A member linked to a nominee; `won`: categories the nominee holds; `dues`: if that made them owe."""

    nominee: Nominee
    member_id: int
    won: tuple[str, ...]
    dues: Dues | None


@dataclass(frozen=True)
class PassedOver:
    name: str
    member_id: int | None
    times: int
    categories: int


# A nominee added after its category's result was announced was not passed over in it (nominees
# from before 0004 have no added_at and count as always there).
_IN_BY_THEN = "(n.added_at IS NULL OR n.added_at <= r.announced_at)"

# The announcement's message id is recorded on its outbox row when it goes out.
_RESULT_SELECT = (
    "SELECT r.*, c.name AS category_name, n.name AS winner_name, n.member_id AS winner_member_id, "
    "coalesce(r.announce_message_id, (SELECT message_id FROM outbox WHERE id = r.announce_outbox_id)) "
    "AS shown_message_id "
    "FROM results r JOIN categories c ON c.id = r.category_id JOIN nominees n ON n.id = r.nominee_id "
)


def _result(row: sqlite3.Row, linked: tuple[int, ...] = ()) -> Result:
    return Result(
        id=row["id"],
        party_id=row["party_id"],
        category_id=row["category_id"],
        category_name=row["category_name"],
        winner=Nominee(row["nominee_id"], row["winner_name"], row["winner_member_id"], linked),
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


async def member_ids(tx: Transaction, nominee_id: int) -> tuple[int, ...]:
    """Every member a nominee stands for, the first linked (nominees.member_id) first."""
    rows = await tx.fetch_all(
        "SELECT member_id FROM nominee_members WHERE nominee_id = ?1 "
        "ORDER BY member_id = (SELECT member_id FROM nominees WHERE id = ?1) DESC, member_id",
        (nominee_id,),
    )
    return tuple(row[0] for row in rows)


async def _tally(tx: Transaction, party_id: int) -> Tally:
    total = await tx.fetch_value("SELECT count(*) FROM categories WHERE party_id = ?", (party_id,))
    # One row per person: a nominee linked to several members (co-nominees) is several people.
    rows = await tx.fetch_all(
        "SELECT r.category_id, r.nominee_id, n.id AS nominee_id_in, nm.member_id, n.name FROM results r "
        "JOIN nominees n ON n.category_id = r.category_id "
        "LEFT JOIN nominee_members nm ON nm.nominee_id = n.id "
        f"WHERE r.party_id = ? AND r.undone_at IS NULL AND {_IN_BY_THEN}",
        (party_id,),
    )
    nominees: dict[int, set[str]] = {}
    winners: dict[int, set[str]] = {}
    for row in rows:
        key = person_key(row["member_id"], row["name"])
        nominees.setdefault(row["category_id"], set()).add(key)
        if row["nominee_id_in"] == row["nominee_id"]:
            winners.setdefault(row["category_id"], set()).add(key)
    announced = [
        AnnouncedCategory(frozenset(winners[c]), frozenset(keys))
        for c, keys in nominees.items()
        if c in winners
    ]
    return tally(announced, int(total))


async def _still_winner(tx: Transaction, party_id: int, member_id: int) -> bool:
    return bool(
        await tx.fetch_value(
            "SELECT count(*) FROM results r JOIN nominee_members nm ON nm.nominee_id = r.nominee_id "
            "WHERE r.party_id = ? AND r.undone_at IS NULL AND nm.member_id = ?",
            (party_id, member_id),
        )
    )


def winner_ids_in(work: Work, party_id: int) -> set[int]:
    """Members who hold at least one live (not undone) result in the party, read in `work`'s snapshot."""
    rows = work.fetch_all(
        "SELECT DISTINCT nm.member_id FROM results r "
        "JOIN nominee_members nm ON nm.nominee_id = r.nominee_id "
        "WHERE r.party_id = ? AND r.undone_at IS NULL",
        (party_id,),
    )
    return {row[0] for row in rows}


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

        :raises CategoryNotOnBallot, NomineeNotInCategory, AlreadyAnnounced, AlreadyApplied: the category
            or nominee is not in this party, the category already has a
            result (two hosts at once: exactly one wins the race), or the interaction was applied before.
        """
        async with self._db.transaction() as tx:
            category = await tx.fetch_one(
                "SELECT id, name FROM categories WHERE id = ? AND party_id = ?", (category_id, party.id)
            )
            if category is None:
                raise CategoryNotOnBallot()
            nominees = [
                Nominee(row["id"], row["name"], row["member_id"], await member_ids(tx, row["id"]))
                for row in await tx.fetch_all(
                    "SELECT id, name, member_id FROM nominees WHERE category_id = ? ORDER BY position",
                    (category_id,),
                )
            ]
            winner = next((n for n in nominees if n.id == nominee_id), None)
            if winner is None:
                raise NomineeNotInCategory(category["name"])
            existing = await _live_result(tx, category_id)
            if existing is not None:
                raise AlreadyAnnounced(category["name"], existing.winner.name)
            if not await claim_interaction(tx, interaction_id, "result announce"):
                raise AlreadyApplied("announcement")
            result_id = await tx.execute(
                "INSERT INTO results (party_id, category_id, nominee_id, announced_by, announced_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (party.id, category_id, nominee_id, host_id, to_text(utc_now())),
            )
            await record(
                tx, party.id, host_id, Action.RESULT, subject_id=winner.member_id, ref_id=result_id,
                detail=f"{category['name']}: {winner.name}",
            )
            tx.touch(party.id, Topic.RESULTS, Topic.MONEY)
            # Each linked member of the winner (co-nominees too) owes dues, once per party.
            new_dues = []
            held = []
            for member_id in winner.member_ids:
                if party.winner_donation_cents > 0:
                    owed = await owe_dues(tx, party.id, member_id, party.winner_donation_cents)
                    if owed is not None:
                        new_dues.append(owed)
                await refresh_bottle(tx, party.id, member_id)
                dues = await active_dues(tx, party.id, member_id)
                if dues is not None:
                    held.append(dues)
            row = await tx.fetch_one(_RESULT_SELECT + "WHERE r.id = ?", (result_id,))
            assert row is not None
            outcome = Announcement(
                _result(row, winner.member_ids),
                [n for n in nominees if n.id != nominee_id],
                tuple(held),
                tuple(new_dues),
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

        :raises NoResultToUndo: the category has no live result. :raises AlreadyApplied: redelivered.
        """
        async with self._db.transaction() as tx:
            live = await _live_result(tx, category_id)
            if live is None or live.party_id != party.id:
                raise NoResultToUndo()
            if not await claim_interaction(tx, interaction_id, "result undo"):
                raise AlreadyApplied("correction")
            await tx.execute(
                "UPDATE results SET undone_at = ?, undone_by = ?, undo_reason = ? WHERE id = ?",
                (to_text(utc_now()), host_id, reason, live.id),
            )
            await record(
                tx, party.id, host_id, Action.RESULT_UNDO, subject_id=live.winner.member_id, ref_id=live.id,
                detail=f"{live.category_name}: {live.winner.name}", reason=reason,
            )
            tx.touch(party.id, Topic.RESULTS, Topic.MONEY)
            still_winner = False
            ended = None
            linked = await member_ids(tx, live.winner.id)
            for member_id in linked:
                holds_another = await _still_winner(tx, party.id, member_id)
                still_winner = still_winner or holds_another
                if not holds_another:
                    ended = await end_dues(tx, party.id, member_id) or ended
                await refresh_bottle(tx, party.id, member_id)
            row = await tx.fetch_one(_RESULT_SELECT + "WHERE r.id = ?", (live.id,))
            assert row is not None
            outcome = Undo(_result(row, linked), still_winner, ended, await _tally(tx, party.id))
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

    async def link(
        self, party: Party, nominee_id: int, member_id: int, host_id: int, interaction_id: int
    ) -> Link:
        """Links a member to a nominee (several for co-nominees); if the nominee already won, the member
        is a winner now and owes their dues (once per party).

        :raises NomineeNotFound: not a nominee of this party. :raises AlreadyLinked: linked already.
        :raises PartyClosed: the party is closed.
        """
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT n.*, c.name AS category_name, p.closed_at FROM nominees n "
                "JOIN categories c ON c.id = n.category_id JOIN parties p ON p.id = c.party_id "
                "WHERE n.id = ? AND c.party_id = ?",
                (nominee_id, party.id),
            )
            if row is None:
                raise NomineeNotFound()
            if not await claim_interaction(tx, interaction_id, "nominee link"):
                raise AlreadyLinked()
            if row["closed_at"] is not None:
                raise PartyClosed()
            added = await tx.fetch_one(
                "INSERT INTO nominee_members (nominee_id, member_id) VALUES (?, ?) "
                "ON CONFLICT DO NOTHING RETURNING member_id",
                (nominee_id, member_id),
            )
            if added is None:
                raise AlreadyLinked()
            await tx.execute(
                "UPDATE nominees SET member_id = ? WHERE id = ? AND member_id IS NULL",
                (member_id, nominee_id),
            )
            won = tuple(
                r[0]
                for r in await tx.fetch_all(
                    "SELECT c.name FROM results r JOIN categories c ON c.id = r.category_id "
                    "WHERE r.nominee_id = ? AND r.undone_at IS NULL",
                    (nominee_id,),
                )
            )
            dues = None
            if won:
                if party.winner_donation_cents > 0:
                    dues = await owe_dues(tx, party.id, member_id, party.winner_donation_cents)
                await refresh_bottle(tx, party.id, member_id)
            await record(
                tx, party.id, host_id, Action.NOMINEE_LINK, subject_id=member_id, ref_id=nominee_id,
                detail=f"{row['category_name']}: {row['name']}",
            )
            tx.touch(party.id, Topic.BALLOT, Topic.RESULTS, Topic.MONEY)
            nominee = Nominee(
                nominee_id, row["name"], row["member_id"] or member_id, await member_ids(tx, nominee_id)
            )
        return Link(nominee, member_id, won, dues)

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
        return await self._db.read(lambda work: winner_ids_in(work, party_id))

    async def categories_won(self, party_id: int, member_id: int) -> list[str]:
        rows = await self._db.fetch_all(
            "SELECT c.name FROM results r JOIN categories c ON c.id = r.category_id "
            "JOIN nominee_members nm ON nm.nominee_id = r.nominee_id "
            "WHERE r.party_id = ? AND r.undone_at IS NULL AND nm.member_id = ? ORDER BY c.position",
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
            "SELECT CASE WHEN nm.member_id IS NOT NULL THEN 'm:' || nm.member_id ELSE 'n:' || n.name_key END "
            "AS who, max(n.id) AS newest, n.name AS name, nm.member_id AS member_id, count(*) AS times, "
            "count(DISTINCT c.name_key) AS categories "
            "FROM results r JOIN parties p ON p.id = r.party_id "
            "JOIN categories c ON c.id = r.category_id "
            "JOIN nominees n ON n.category_id = r.category_id AND n.id != r.nominee_id "
            "LEFT JOIN nominee_members nm ON nm.nominee_id = n.id "
            f"WHERE r.undone_at IS NULL AND p.guild_id = ? {scope} AND {_IN_BY_THEN} "
            "GROUP BY who ORDER BY times DESC, categories DESC, name LIMIT ?",
            (*params, limit),
        )
        return [PassedOver(row["name"], row["member_id"], row["times"], row["categories"]) for row in rows]
