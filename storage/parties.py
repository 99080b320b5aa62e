"""Parties and their named hosts: creating, reading, editing and closing the one open party of a guild."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, fields
from datetime import datetime

from storage.audit import Action, record
from storage.changes import Topic
from storage.clock import from_text, to_text, utc_now
from storage.database import Database, Transaction
from storage.errors import (
    AlreadyClosed,
    AlreadyHost,
    NothingToReopen,
    NotNamedHost,
    OpenPartyExists,
    PartyFrozen,
    PartyStillOpen,
)
from storage.reminder_plan import cancel_reminders, plan_reminders

DEFAULT_WINNER_DONATION_CENTS = 100_000


@dataclass(frozen=True)
class PartySettings:
    """What a host can set on a party; None leaves a field unset (create) or unchanged (edit)."""

    name: str | None = None
    venue: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    timezone: str | None = None
    charity: str | None = None
    winner_donation_cents: int | None = None
    goal_cents: int | None = None
    capacity: int | None = None
    host_role_id: int | None = None
    announce_channel_id: int | None = None


@dataclass(frozen=True)
class Party:
    id: int
    guild_id: int
    name: str
    venue: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    timezone: str
    charity: str | None
    winner_donation_cents: int
    goal_cents: int | None
    capacity: int | None
    host_role_id: int | None
    announce_channel_id: int | None
    created_by: int
    created_at: datetime
    closed_at: datetime | None

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


_SETTING_COLUMNS = tuple(f.name for f in fields(PartySettings))
_TIME_COLUMNS = {"starts_at", "ends_at"}


def _row_to_party(row: sqlite3.Row) -> Party:
    values = dict(row)
    for column in ("starts_at", "ends_at", "created_at", "closed_at"):
        values[column] = from_text(values[column])
    return Party(**values)


async def party_in(tx: Transaction, party_id: int) -> Party | None:
    """The party as the caller's transaction sees it."""
    row = await tx.fetch_one("SELECT * FROM parties WHERE id = ?", (party_id,))
    return None if row is None else _row_to_party(row)


def _column_value(column: str, value: object) -> object:
    return to_text(value) if column in _TIME_COLUMNS else value  # type: ignore[arg-type]


class PartyStore:
    """Every interaction starts by finding its guild's party, so the two lookups by guild are kept in memory.

    An entry is good until a commit touches any party's `Topic.PARTY`; every write to `parties` (all of
    them in this module) touches it. The generation is read before the lookup it guards: a lookup that
    overlaps a commit is stored under the generation that commit's signal retires, so it is never served.
    """

    def __init__(self, database: Database) -> None:
        self._db = database
        self._generation = 0
        self._by_guild: dict[tuple[str, int], tuple[int, Party | None]] = {}
        database.changes.subscribe(self._on_change)

    def _on_change(self, party_id: int, topics: frozenset[Topic]) -> None:
        if Topic.PARTY in topics:
            self._generation += 1
            self._by_guild.clear()

    async def _remembered(self, kind: str, guild_id: int, sql: str) -> Party | None:
        if self._db.in_transaction():
            # Inside a transaction the answer may include its own uncommitted writes: never remembered.
            row = await self._db.fetch_one(sql, (guild_id,))
            return None if row is None else _row_to_party(row)
        key = (kind, guild_id)
        generation = self._generation
        known = self._by_guild.get(key)
        if known is not None and known[0] == generation:
            return known[1]
        row = await self._db.fetch_one(sql, (guild_id,))
        party = None if row is None else _row_to_party(row)
        if generation == self._generation:
            self._by_guild[key] = (generation, party)
        return party

    async def create(self, guild_id: int, created_by: int, settings: PartySettings) -> Party:
        """Opens a party for the guild, its creator becoming a host.

        :raises OpenPartyExists: the guild already has an open party.
        """
        if not settings.name:
            raise ValueError("a party needs a name")
        values = {c: _column_value(c, getattr(settings, c)) for c in _SETTING_COLUMNS}
        values = {c: v for c, v in values.items() if v is not None}
        now = to_text(utc_now())
        columns = ["guild_id", "created_by", "created_at", *values]
        placeholders = ", ".join("?" for _ in columns)
        async with self._db.transaction() as tx:
            if await self._open_party_id(tx, guild_id) is not None:
                raise OpenPartyExists()
            party_id = await tx.execute(
                f"INSERT INTO parties ({', '.join(columns)}) VALUES ({placeholders})",
                (guild_id, created_by, now, *values.values()),
            )
            await tx.execute(
                "INSERT INTO party_hosts (party_id, user_id, added_at) VALUES (?, ?, ?)",
                (party_id, created_by, now),
            )
            if settings.starts_at is not None:
                await plan_reminders(tx, party_id, utc_now())
            tx.touch(party_id, Topic.PARTY)
            row = await tx.fetch_one("SELECT * FROM parties WHERE id = ?", (party_id,))
        assert row is not None
        return _row_to_party(row)

    async def edit(self, party_id: int, settings: PartySettings, by: int | None = None) -> Party:
        """Changes the given fields of an open party.

        :raises PartyFrozen: the party is closed.
        """
        changes = {
            c: _column_value(c, getattr(settings, c))
            for c in _SETTING_COLUMNS
            if getattr(settings, c) is not None
        }
        async with self._db.transaction() as tx:
            row = await tx.fetch_one("SELECT * FROM parties WHERE id = ?", (party_id,))
            if row is None or row["closed_at"] is not None:
                raise PartyFrozen()
            # Only what differs is written and logged: a redelivered edit changes nothing the second time.
            changes = {column: value for column, value in changes.items() if row[column] != value}
            if changes:
                assignments = ", ".join(f"{column} = ?" for column in changes)
                await tx.execute(
                    f"UPDATE parties SET {assignments} WHERE id = ?", (*changes.values(), party_id)
                )
                if by is not None:
                    await record(tx, party_id, by, Action.PARTY_EDIT, detail=", ".join(changes))
                tx.touch(party_id, Topic.PARTY)
                if "starts_at" in changes:
                    await plan_reminders(tx, party_id, utc_now())
                row = await tx.fetch_one("SELECT * FROM parties WHERE id = ?", (party_id,))
        assert row is not None
        return _row_to_party(row)

    async def close(self, party_id: int, by: int | None = None) -> Party:
        """Closes the party (`by`: the host, for the log); /party reopen can undo a close made by mistake.

        :raises AlreadyClosed: it was already closed.
        """
        async with self._db.transaction() as tx:
            changed = await tx.execute(
                "UPDATE parties SET closed_at = ? WHERE id = ? AND closed_at IS NULL",
                (to_text(utc_now()), party_id),
            )
            if not changed:
                raise AlreadyClosed()
            if by is not None:
                await record(tx, party_id, by, Action.CLOSE)
            await cancel_reminders(tx, party_id, utc_now())
            tx.touch(party_id, Topic.PARTY)
            row = await tx.fetch_one("SELECT * FROM parties WHERE id = ?", (party_id,))
        assert row is not None
        return _row_to_party(row)

    async def reopen(self, guild_id: int, by: int) -> Party:
        """Reopens the guild's most recently closed party.

        :raises PartyStillOpen: a party of the guild is open. :raises NothingToReopen: none was closed.
        """
        async with self._db.transaction() as tx:
            if await self._open_party_id(tx, guild_id) is not None:
                raise PartyStillOpen()
            party_id = await tx.fetch_value(
                "SELECT id FROM parties WHERE guild_id = ? ORDER BY id DESC LIMIT 1", (guild_id,)
            )
            if party_id is None:
                raise NothingToReopen()
            await tx.execute("UPDATE parties SET closed_at = NULL WHERE id = ?", (party_id,))
            await record(tx, party_id, by, Action.REOPEN)
            # The close cancelled the reminders still ahead; the reopened party gets them back.
            await plan_reminders(tx, party_id, utc_now())
            tx.touch(party_id, Topic.PARTY, Topic.MONEY)
            row = await tx.fetch_one("SELECT * FROM parties WHERE id = ?", (party_id,))
        assert row is not None
        return _row_to_party(row)

    async def add_host(self, party_id: int, user_id: int, by: int) -> None:
        """Names a host. :raises AlreadyHost: named already."""
        async with self._db.transaction() as tx:
            added = await tx.fetch_one(
                "INSERT INTO party_hosts (party_id, user_id, added_at) VALUES (?, ?, ?) "
                "ON CONFLICT DO NOTHING RETURNING user_id",
                (party_id, user_id, to_text(utc_now())),
            )
            if added is None:
                raise AlreadyHost()
            await record(tx, party_id, by, Action.HOST_ADD, subject_id=user_id)
            tx.touch(party_id, Topic.PARTY)

    async def remove_host(self, party_id: int, user_id: int, by: int) -> None:
        """Un-names a host, the creator included (Manage Server members stay hosts, so none is orphaned).

        :raises NotNamedHost: they were not named.
        """
        async with self._db.transaction() as tx:
            if not await tx.execute(
                "DELETE FROM party_hosts WHERE party_id = ? AND user_id = ?", (party_id, user_id)
            ):
                raise NotNamedHost()
            await record(tx, party_id, by, Action.HOST_REMOVE, subject_id=user_id)
            tx.touch(party_id, Topic.PARTY)

    async def get(self, party_id: int) -> Party | None:
        row = await self._db.fetch_one("SELECT * FROM parties WHERE id = ?", (party_id,))
        return None if row is None else _row_to_party(row)

    async def open_party(self, guild_id: int) -> Party | None:
        return await self._remembered(
            "open", guild_id, "SELECT * FROM parties WHERE guild_id = ? AND closed_at IS NULL"
        )

    async def latest_party(self, guild_id: int) -> Party | None:
        """The open party, or else the most recently created closed one (for read-only views)."""
        return await self._remembered(
            "latest", guild_id,
            "SELECT * FROM parties WHERE guild_id = ? ORDER BY closed_at IS NOT NULL, id DESC LIMIT 1",
        )

    async def open_parties(self) -> list[Party]:
        rows = await self._db.fetch_all("SELECT * FROM parties WHERE closed_at IS NULL ORDER BY id")
        return [_row_to_party(row) for row in rows]

    async def host_ids(self, party_id: int) -> set[int]:
        rows = await self._db.fetch_all("SELECT user_id FROM party_hosts WHERE party_id = ?", (party_id,))
        return {row[0] for row in rows}

    async def named_hosts(self, party_id: int) -> list[int]:
        """Named hosts in the order they were named."""
        rows = await self._db.fetch_all(
            "SELECT user_id FROM party_hosts WHERE party_id = ? ORDER BY added_at, user_id", (party_id,)
        )
        return [row[0] for row in rows]

    @staticmethod
    async def _open_party_id(tx: Transaction, guild_id: int) -> int | None:
        return await tx.fetch_value(
            "SELECT id FROM parties WHERE guild_id = ? AND closed_at IS NULL", (guild_id,)
        )
