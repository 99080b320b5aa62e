"""The one SQLite connection of this process: opening it, migrating it, and serialising its use.

Every statement in the project runs through `Database`. Reads and writes alike take one asyncio lock,
and a write that spans statements runs inside `transaction()` as one `BEGIN IMMEDIATE … COMMIT`: on a
shared aiosqlite connection, one coroutine's `commit()` would otherwise land in the middle of another
coroutine's half-done writes (aiosqlite issues #7 and #19), and a read could see rows that a rollback
later takes back.

Migrations are the numbered files in `storage/migrations/` (`0001_initial.sql`, ...). Each is applied
in its own transaction together with `PRAGMA user_version`, so a crash leaves the database at a whole
version, never between two.

A caller answering someone against a deadline (a Discord interaction) installs a `Deadline` in
`answer_deadline` for its own task: the database then lets it know while it waits (so it can acknowledge in
time) and asks it once more right before COMMIT, so nothing is kept that its caller was told failed.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import aiosqlite

from storage.changes import ChangeFeed, Topic

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

Params = Sequence[Any] | dict[str, Any]

# NO_SUCH_ID: sqlite3 refuses to bind an int outside SQLite's 64-bit INTEGER (OverflowError). Ids come from
# custom_ids and options anyone can forge, and no row can carry such an id: a read finds nothing.


class DatabaseUnavailable(Exception):
    """The database file cannot be opened or written; the message says which path and why."""


class DatabaseBusy(Exception):
    """Another process held the database for longer than `busy_timeout`; nothing was written."""


class TooLate(Exception):
    """The caller's deadline passed before COMMIT, so the transaction was rolled back: nothing changed."""


class Deadline(Protocol):
    """Someone waiting on this task's database work, who must hear back in time."""

    def waiting(self) -> AbstractAsyncContextManager[None]:
        """Held while this task waits for or uses the connection."""

    async def may_commit(self) -> bool:
        """Whether the caller can still be told the outcome; False rolls the transaction back."""


# Set per task (see `Deadline`); None for the bot's own background work.
answer_deadline: ContextVar[Deadline | None] = ContextVar("answer_deadline", default=None)


@asynccontextmanager
async def _no_wait() -> AsyncIterator[None]:
    yield


def _waiting() -> AbstractAsyncContextManager[None]:
    deadline = answer_deadline.get()
    return _no_wait() if deadline is None else deadline.waiting()


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

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
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
        return next(iter(await self.fetch_all(sql, params)), None)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        try:
            return list(await self._connection.execute_fetchall(sql, params))
        except OverflowError:
            return []  # see NO_SUCH_ID

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
        """One atomic unit of work: everything inside commits together or not at all."""
        async with _waiting(), self._lock:
            try:
                await self._connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    raise DatabaseBusy(str(exc)) from exc
                raise
            tx = Transaction(self._connection)
            try:
                yield tx
                deadline = answer_deadline.get()
                if deadline is not None and not await deadline.may_commit():
                    raise TooLate("the answer's deadline passed before COMMIT")
            except BaseException:
                # BaseException too: a task cancelled mid-write must not leave the transaction open.
                await self._connection.execute("ROLLBACK")
                raise
            else:
                await self._connection.execute("COMMIT")
        if tx.touched:
            self.changes.publish(tx.touched)

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        # execute_fetchall is one round trip to the database thread; execute, fetchone and close are three,
        # each waiting its turn on a busy event loop while the lock is held.
        return next(iter(await self.fetch_all(sql, params)), None)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        async with _waiting(), self._lock:
            try:
                return list(await self._connection.execute_fetchall(sql, params))
            except OverflowError:
                return []  # see NO_SUCH_ID

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
