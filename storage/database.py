"""The one SQLite connection of this process: opening it, migrating it, and serialising its use.

Every statement in the project runs through `Database`. Reads and writes alike take one asyncio lock,
and a write that spans statements runs inside `transaction()` as one `BEGIN IMMEDIATE … COMMIT`: on a
shared aiosqlite connection, one coroutine's `commit()` would otherwise land in the middle of another
coroutine's half-done writes (aiosqlite issues #7 and #19), and a read could see rows that a rollback
later takes back.

Migrations are the numbered files in `storage/migrations/` (`0001_initial.sql`, ...). Each is applied
in its own transaction together with `PRAGMA user_version`, so a crash leaves the database at a whole
version, never between two.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

from storage.changes import ChangeFeed, Topic

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

Params = Sequence[Any] | dict[str, Any]

# The transaction this task is inside, if any: a store read called from within another store's use case
# (the wrap-up read while the party closes) joins that transaction instead of waiting on the lock.
_current: ContextVar[Transaction | None] = ContextVar("lounge_transaction", default=None)


class DatabaseUnavailable(Exception):
    """The database file cannot be opened or written; the message says which path and why."""


@dataclass(frozen=True)
class Migration:
    version: int
    path: Path

    def sql(self) -> str:
        return self.path.read_text(encoding="utf-8")


def list_migrations(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migration files in version order; versions must run 1, 2, 3… with no gap."""
    migrations = []
    for path in directory.glob("*.sql"):
        match = _MIGRATION_NAME.match(path.name)
        if match is None:
            raise RuntimeError(f"migration file {path.name} is not named like 0001_name.sql")
        migrations.append(Migration(int(match.group(1)), path))
    migrations.sort(key=lambda m: m.version)
    expected = list(range(1, len(migrations) + 1))
    if [m.version for m in migrations] != expected:
        raise RuntimeError(f"migrations must be numbered 1..{len(migrations)} without gaps")
    return migrations


class Transaction:
    """Statements inside one open `BEGIN IMMEDIATE`; only `Database.transaction()` makes these."""

    def __init__(self, connection: aiosqlite.Connection, database: Database) -> None:
        self._connection = connection
        self.database = database
        self.touched: dict[int, set[Topic]] = {}

    def touch(self, party_id: int, *topics: Topic) -> None:
        """Says this transaction changes what `party_id` shows; listeners hear of it after the commit."""
        self.touched.setdefault(party_id, set()).update(topics)

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Runs one statement; returns the last inserted rowid (for INSERTs) or the rows changed."""
        # One round trip to the database thread: a write has finished stepping when execute returns,
        # so its cursor holds nothing open and is left to the garbage collector instead of a close() trip.
        cursor = await self._connection.execute(sql, params)
        return cursor.lastrowid if sql.lstrip()[:6].upper() == "INSERT" else cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._connection.executemany(sql, rows)

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self._connection.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return list(await self._connection.execute_fetchall(sql, params))

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]


class Database:
    """The process's single connection. Open with `Database.open(path)`; close with `close()`."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._connection = connection
        self._lock = asyncio.Lock()
        self.path = path
        self.changes = ChangeFeed()

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True) -> Database:
        """Opens (creating if needed) the database at `path`, sets it up and applies migrations.

        :raises DatabaseUnavailable: the folder or file cannot be created or written.
        """
        path = Path(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            connection = await aiosqlite.connect(path, isolation_level=None)
        except (FileExistsError, NotADirectoryError) as exc:
            raise DatabaseUnavailable(
                f"cannot open the database at {path}: a file stands where a folder is needed"
            ) from exc
        except (OSError, sqlite3.Error) as exc:
            raise DatabaseUnavailable(f"cannot open the database at {path}: {_reason(exc)}") from exc
        connection.row_factory = sqlite3.Row
        database = cls(connection, path)
        try:
            await database._configure()
            if migrate:
                await database.migrate()
        except BaseException as exc:
            await connection.close()
            if isinstance(exc, sqlite3.Error):
                raise DatabaseUnavailable(f"cannot use the database at {path}: {_reason(exc)}") from exc
            raise
        return database

    async def _configure(self) -> None:
        # WAL lets a crash lose nothing committed and lets readers in other processes (export, demo
        # read-back) see a consistent snapshot; FULL makes every commit durable before we confirm it.
        for pragma in (
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = FULL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA busy_timeout = 5000",
        ):
            await self._connection.execute(pragma)
        # A read-only file opens fine and only fails at the first write: find out now, not mid-party.
        await self._connection.execute("BEGIN IMMEDIATE")
        await self._connection.execute("ROLLBACK")

    async def close(self) -> None:
        async with self._lock:
            await self._connection.close()

    async def user_version(self) -> int:
        return int(await self.fetch_value("PRAGMA user_version"))

    async def migrate(self, migrations: list[Migration] | None = None) -> int:
        """Applies every migration newer than the database; returns the version reached."""
        migrations = list_migrations() if migrations is None else migrations
        async with self._lock:
            async with self._connection.execute("PRAGMA user_version") as cursor:
                row = await cursor.fetchone()
            current = int(row[0]) if row else 0
            if current > len(migrations):
                raise DatabaseUnavailable(
                    f"the database at {self.path} is at version {current}, newer than this code "
                    f"({len(migrations)}): run the newer code or point DATABASE_PATH elsewhere"
                )
            for migration in migrations[current:]:
                log.info("Applying migration %s", migration.path.name)
                script = (
                    f"BEGIN IMMEDIATE;\n{migration.sql()}\n"
                    f"PRAGMA user_version = {migration.version};\nCOMMIT;"
                )
                try:
                    await self._connection.executescript(script)
                except sqlite3.Error:
                    if self._connection.in_transaction:
                        await self._connection.execute("ROLLBACK")
                    raise
                current = migration.version
            return current

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """One atomic unit of work: everything inside commits together or not at all.

        Called again inside one (same task), it joins the outer transaction: the outer one commits.
        """
        outer = self._joined()
        if outer is not None:
            yield outer
            return
        async with self._lock:
            await self._connection.execute("BEGIN IMMEDIATE")
            tx = Transaction(self._connection, self)
            token = _current.set(tx)
            try:
                yield tx
            except BaseException:
                # BaseException too: a task cancelled mid-write must not leave the transaction open.
                await self._connection.execute("ROLLBACK")
                raise
            else:
                await self._connection.execute("COMMIT")
            finally:
                # Before the listeners run: a task they start must not think it is inside this one.
                _current.reset(token)
        if tx.touched:
            self.changes.publish(tx.touched)

    def _joined(self) -> Transaction | None:
        tx = _current.get()
        return tx if tx is not None and tx.database is self else None

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        if (tx := self._joined()) is not None:
            return await tx.fetch_one(sql, params)
        # execute_fetchall is one round trip to the database thread; execute, fetchone and close are three,
        # each waiting its turn on a busy event loop while the lock is held.
        async with self._lock:
            rows = await self._connection.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        if (tx := self._joined()) is not None:
            return await tx.fetch_all(sql, params)
        async with self._lock:
            return list(await self._connection.execute_fetchall(sql, params))

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def execute(self, sql: str, params: Params = ()) -> int:
        """A single-statement write, atomic on its own."""
        async with self.transaction() as tx:
            return await tx.execute(sql, params)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__
