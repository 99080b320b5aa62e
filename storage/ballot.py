"""Categories and nominees of a party's ballot, including the all-or-nothing CSV import.

Display order is the order things were added: each new category (or nominee) takes the next `position`
after the party's (or the category's) last one, and removing one leaves a gap rather than renumbering.
Names are unique by `name_key` (case and spaces ignored) within a party for categories and within a
category for nominees. Every write checks, inside its own transaction, that the party is still open,
and claims the interaction so a redelivered one changes nothing.

Results belong to the results store; this one only reads whether a category has a live (not undone)
result, because a decided category and its winner may not be removed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from rules.ballot_csv import BallotRow
from rules.text import name_key
from storage.clock import to_text, utc_now
from storage.database import Database, Transaction
from storage.errors import (
    BallotFrozen,
    CategoryGone,
    CategoryHasResult,
    CategoryNameTaken,
    ImportNomineeTaken,
    NomineeGone,
    NomineeListedTwice,
    NomineeNameTaken,
    NomineeWon,
)
from storage.interactions import claim_interaction

# Ids typed into an autocomplete option are at most this long: longer digit strings are names.
_ID_DIGITS_MAX = 19


@dataclass(frozen=True)
class Category:
    id: int
    party_id: int
    name: str
    position: int


@dataclass(frozen=True)
class Nominee:
    id: int
    category_id: int
    name: str
    member_id: int | None
    position: int


@dataclass(frozen=True)
class BallotCategory:
    """A category with its nominees in order, and the nominee id of its live result if it has one."""

    category: Category
    nominees: tuple[Nominee, ...]
    winner_id: int | None = None


@dataclass(frozen=True)
class NewNominee:
    name: str
    member_id: int | None = None


@dataclass(frozen=True)
class ImportSummary:
    categories_added: int
    categories_extended: int
    nominees_added: int


def _category(row: sqlite3.Row) -> Category:
    return Category(id=row["id"], party_id=row["party_id"], name=row["name"], position=row["position"])


def _nominee(row: sqlite3.Row) -> Nominee:
    return Nominee(
        id=row["id"], category_id=row["category_id"], name=row["name"], member_id=row["member_id"],
        position=row["position"],
    )


def _as_id(typed: str) -> int | None:
    text = typed.strip()
    if text.isascii() and text.isdigit() and len(text) <= _ID_DIGITS_MAX:
        return int(text)
    return None


async def _require_open(tx: Transaction, party_id: int) -> None:
    row = await tx.fetch_one("SELECT closed_at FROM parties WHERE id = ?", (party_id,))
    if row is None or row["closed_at"] is not None:
        raise BallotFrozen()


async def _open_category(tx: Transaction, category_id: int) -> Category:
    row = await tx.fetch_one(
        "SELECT c.*, p.closed_at FROM categories c JOIN parties p ON p.id = c.party_id WHERE c.id = ?",
        (category_id,),
    )
    if row is None:
        raise CategoryGone()
    if row["closed_at"] is not None:
        raise BallotFrozen()
    return _category(row)


async def _live_winner(tx: Transaction, category_id: int) -> sqlite3.Row | None:
    return await tx.fetch_one(
        "SELECT n.id, n.name FROM results r JOIN nominees n ON n.id = r.nominee_id "
        "WHERE r.category_id = ? AND r.undone_at IS NULL",
        (category_id,),
    )


class BallotStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    # -- reading -----------------------------------------------------------------------------------

    async def categories(self, party_id: int) -> list[Category]:
        """The party's categories in display order."""
        rows = await self._db.fetch_all(
            "SELECT * FROM categories WHERE party_id = ? ORDER BY position, id", (party_id,)
        )
        return [_category(row) for row in rows]

    async def nominees(self, category_id: int) -> list[Nominee]:
        """The category's nominees in display order."""
        rows = await self._db.fetch_all(
            "SELECT * FROM nominees WHERE category_id = ? ORDER BY position, id", (category_id,)
        )
        return [_nominee(row) for row in rows]

    async def find_category(self, party_id: int, typed: str) -> Category | None:
        """The party's category picked from autocomplete (its id) or typed out by name.

        Only the party's own categories are found: an id from elsewhere (autocomplete values can be
        forged) finds nothing.
        """
        category_id = _as_id(typed)
        if category_id is not None:
            row = await self._db.fetch_one(
                "SELECT * FROM categories WHERE id = ? AND party_id = ?", (category_id, party_id)
            )
            if row is not None:
                return _category(row)
        row = await self._db.fetch_one(
            "SELECT * FROM categories WHERE party_id = ? AND name_key = ?", (party_id, name_key(typed))
        )
        return None if row is None else _category(row)

    async def find_nominee(self, category_id: int, typed: str) -> Nominee | None:
        """The category's nominee picked from autocomplete (its id) or typed out by name."""
        nominee_id = _as_id(typed)
        if nominee_id is not None:
            row = await self._db.fetch_one(
                "SELECT * FROM nominees WHERE id = ? AND category_id = ?", (nominee_id, category_id)
            )
            if row is not None:
                return _nominee(row)
        row = await self._db.fetch_one(
            "SELECT * FROM nominees WHERE category_id = ? AND name_key = ?", (category_id, name_key(typed))
        )
        return None if row is None else _nominee(row)

    async def ballot(self, party_id: int) -> list[BallotCategory]:
        """Every category in display order with its nominees and live winner."""
        categories = await self.categories(party_id)
        rows = await self._db.fetch_all(
            "SELECT n.*, r.id IS NOT NULL AS won FROM nominees n "
            "JOIN categories c ON c.id = n.category_id "
            "LEFT JOIN results r ON r.nominee_id = n.id AND r.undone_at IS NULL "
            "WHERE c.party_id = ? ORDER BY n.position, n.id",
            (party_id,),
        )
        nominees: dict[int, list[Nominee]] = {category.id: [] for category in categories}
        winners: dict[int, int] = {}
        for row in rows:
            nominee = _nominee(row)
            nominees.setdefault(nominee.category_id, []).append(nominee)
            if row["won"]:
                winners[nominee.category_id] = nominee.id
        return [
            BallotCategory(category, tuple(nominees[category.id]), winners.get(category.id))
            for category in categories
        ]

    # -- writing -----------------------------------------------------------------------------------

    async def add_category(
        self, party_id: int, name: str, nominees: Sequence[NewNominee], interaction_id: int
    ) -> BallotCategory | None:
        """Adds a category at the end of the ballot with its nominees in the given order.

        Returns None when this interaction was applied before.
        :raises StorageRefusal: the party is closed, the name is taken, or a nominee is listed twice.
        """
        keys = [name_key(nominee.name) for nominee in nominees]
        for index, key in enumerate(keys):
            if key in keys[:index]:
                raise NomineeListedTwice(nominees[index].name)
        now = to_text(utc_now())
        async with self._db.transaction() as tx:
            if not await claim_interaction(tx, interaction_id, "category add"):
                return None
            await _require_open(tx, party_id)
            key = name_key(name)
            taken = await tx.fetch_one(
                "SELECT name FROM categories WHERE party_id = ? AND name_key = ?", (party_id, key)
            )
            if taken is not None:
                raise CategoryNameTaken(taken["name"])
            position = await tx.fetch_value(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM categories WHERE party_id = ?", (party_id,)
            )
            category_id = await tx.execute(
                "INSERT INTO categories (party_id, name, name_key, position) VALUES (?, ?, ?, ?)",
                (party_id, name, key, position),
            )
            await tx.executemany(
                "INSERT INTO nominees (category_id, name, name_key, member_id, position, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (category_id, nominee.name, nominee_key, nominee.member_id, number, now)
                    for number, (nominee, nominee_key) in enumerate(zip(nominees, keys, strict=True), 1)
                ],
            )
            rows = await tx.fetch_all(
                "SELECT * FROM nominees WHERE category_id = ? ORDER BY position", (category_id,)
            )
        category = Category(id=category_id, party_id=party_id, name=name, position=position)
        return BallotCategory(category, tuple(_nominee(row) for row in rows))

    async def remove_category(self, category_id: int, interaction_id: int) -> BallotCategory | None:
        """Removes the category and its nominees; returns what was removed, or None if applied before.

        Undone results of the category go with it (there is nothing left for them to describe).
        :raises StorageRefusal: the party is closed, or the category has a live result.
        """
        async with self._db.transaction() as tx:
            if not await claim_interaction(tx, interaction_id, "category remove"):
                return None
            category = await _open_category(tx, category_id)
            winner = await _live_winner(tx, category_id)
            if winner is not None:
                raise CategoryHasResult(category.name, winner["name"])
            rows = await tx.fetch_all(
                "SELECT * FROM nominees WHERE category_id = ? ORDER BY position, id", (category_id,)
            )
            await tx.execute("DELETE FROM results WHERE category_id = ?", (category_id,))
            await tx.execute("DELETE FROM categories WHERE id = ?", (category_id,))
        return BallotCategory(category, tuple(_nominee(row) for row in rows))

    async def add_nominee(
        self, category_id: int, name: str, member_id: int | None, interaction_id: int
    ) -> Nominee | None:
        """Adds a nominee at the end of the category; None when this interaction was applied before.

        :raises StorageRefusal: the party is closed, the category is gone, or the name is taken in it.
        """
        async with self._db.transaction() as tx:
            if not await claim_interaction(tx, interaction_id, "nominee add"):
                return None
            category = await _open_category(tx, category_id)
            key = name_key(name)
            taken = await tx.fetch_one(
                "SELECT name FROM nominees WHERE category_id = ? AND name_key = ?", (category_id, key)
            )
            if taken is not None:
                raise NomineeNameTaken(taken["name"], category.name)
            position = await tx.fetch_value(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM nominees WHERE category_id = ?", (category_id,)
            )
            nominee_id = await tx.execute(
                "INSERT INTO nominees (category_id, name, name_key, member_id, position, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (category_id, name, key, member_id, position, to_text(utc_now())),
            )
        return Nominee(
            id=nominee_id, category_id=category_id, name=name, member_id=member_id, position=position
        )

    async def remove_nominee(self, nominee_id: int, interaction_id: int) -> Nominee | None:
        """Removes a nominee; returns it, or None when this interaction was applied before.

        :raises StorageRefusal: the party is closed, the nominee is gone, or they are the category's winner.
        """
        async with self._db.transaction() as tx:
            if not await claim_interaction(tx, interaction_id, "nominee remove"):
                return None
            row = await tx.fetch_one("SELECT * FROM nominees WHERE id = ?", (nominee_id,))
            if row is None:
                raise NomineeGone()
            nominee = _nominee(row)
            category = await _open_category(tx, nominee.category_id)
            winner = await _live_winner(tx, nominee.category_id)
            if winner is not None and winner["id"] == nominee_id:
                raise NomineeWon(nominee.name, category.name)
            # Only undone results can still name this nominee; they go with it.
            await tx.execute("DELETE FROM results WHERE nominee_id = ?", (nominee_id,))
            await tx.execute("DELETE FROM nominees WHERE id = ?", (nominee_id,))
        return nominee

    async def import_rows(
        self, party_id: int, rows: Sequence[BallotRow], interaction_id: int
    ) -> ImportSummary | None:
        """Stores a checked ballot file in one transaction: all of it, or nothing.

        Categories new to the party are added at the end in file order; a category the party already
        has gets the file's nominees added after its own. Returns None when this interaction was
        applied before.
        :raises StorageRefusal: the party is closed, or a line names a nominee its category already has.
        """
        now = to_text(utc_now())
        async with self._db.transaction() as tx:
            if not await claim_interaction(tx, interaction_id, "category import"):
                return None
            await _require_open(tx, party_id)
            existing = {
                row["name_key"]: row["id"]
                for row in await tx.fetch_all(
                    "SELECT id, name_key FROM categories WHERE party_id = ?", (party_id,)
                )
            }
            taken = {
                (row["category_id"], row["name_key"])
                for row in await tx.fetch_all(
                    "SELECT n.category_id, n.name_key FROM nominees n "
                    "JOIN categories c ON c.id = n.category_id WHERE c.party_id = ?",
                    (party_id,),
                )
            }
            new_categories: dict[str, str] = {}
            extended: set[int] = set()
            for row in rows:
                category_key = name_key(row.category)
                category_id = existing.get(category_key)
                if category_id is None:
                    new_categories.setdefault(category_key, row.category)
                    continue
                if (category_id, name_key(row.nominee)) in taken:
                    raise ImportNomineeTaken(row.line, row.nominee, row.category)
                extended.add(category_id)

            first = await tx.fetch_value(
                "SELECT COALESCE(MAX(position), 0) + 1 FROM categories WHERE party_id = ?", (party_id,)
            )
            await tx.executemany(
                "INSERT INTO categories (party_id, name, name_key, position) VALUES (?, ?, ?, ?)",
                [
                    (party_id, name, key, first + offset)
                    for offset, (key, name) in enumerate(new_categories.items())
                ],
            )
            ids: dict[str, int] = {}
            next_position: dict[int, int] = {}
            for row in await tx.fetch_all(
                "SELECT c.id, c.name_key, COALESCE(MAX(n.position), 0) + 1 AS next FROM categories c "
                "LEFT JOIN nominees n ON n.category_id = c.id WHERE c.party_id = ? GROUP BY c.id",
                (party_id,),
            ):
                ids[row["name_key"]] = row["id"]
                next_position[row["id"]] = row["next"]
            nominee_rows = []
            for row in rows:
                category_id = ids[name_key(row.category)]
                nominee_rows.append(
                    (category_id, row.nominee, name_key(row.nominee), row.member_id,
                     next_position[category_id], now)
                )
                next_position[category_id] += 1
            await tx.executemany(
                "INSERT INTO nominees (category_id, name, name_key, member_id, position, added_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                nominee_rows,
            )
            await tx.executemany(
                "INSERT INTO nominee_members (nominee_id, member_id) SELECT id, ? FROM nominees "
                "WHERE category_id = ? AND name_key = ? ON CONFLICT DO NOTHING",
                [
                    (member_id, ids[name_key(row.category)], name_key(row.nominee))
                    for row in rows
                    for member_id in row.member_ids
                ],
            )
        return ImportSummary(
            categories_added=len(new_categories),
            categories_extended=len(extended),
            nominees_added=len(rows),
        )
