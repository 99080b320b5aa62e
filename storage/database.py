"""The one SQLite connection of this process: opening it, migrating it, and serialising its use.

Every statement in the project runs through `Database`. Writes take one asyncio lock, and a write that
spans statements runs inside `transaction()` as one `BEGIN IMMEDIATE … COMMIT`: on a shared aiosqlite
connection, one coroutine's `commit()` would otherwise land in the middle of another coroutine's half-done
writes (aiosqlite issues #7 and #19).

Reads made outside a transaction go to a second, read-only connection with its own thread, and take no
lock: in WAL mode it sees exactly what was committed when each read began, never a write in progress, and
it reads while a COMMIT waits on the disk. So a burst of lookups (every interaction finds its party first)
is answered in one turn of the event loop, instead of taking the writers' lock one after the other, one
loop turn each. A read inside a transaction joins it on the writing connection, and sees its own writes.

Two ways to run a transaction. `transaction()` is async, one await (one trip to aiosqlite's thread) per
statement, for everything that is not hot. `run(fn)` hands a plain function the whole transaction on the
database thread in one trip, and groups: calls that arrive while a commit is in flight are written together
in the next transaction, each in its own savepoint (one member's refusal rolls back only its own
statements), and each caller is answered after the COMMIT that holds its work. `read(fn)` is the same
one-trip call for a snapshot read. Durability is the connection's: every COMMIT is `synchronous=FULL`.

A caller answering someone against a deadline (a Discord interaction) installs a `Deadline` in
`answer_deadline` for its own task: the database then lets it know while it waits (so it can acknowledge in
time) and asks it once more right before COMMIT (for `run`, right after its work, in its savepoint), so
nothing is kept that its caller could not be told.

Cancelling a caller never leaves the shared connection inside a transaction: BEGIN, COMMIT and ROLLBACK (and a
group commit) run to their end with the lock held, and the cancellation is raised once the connection is
rolled back, or committed and the change published. So a cancelled caller may have had its work kept.

Migrations are the numbered files in `storage/migrations/` (`0001_initial.sql`, ...). Each is applied
in its own transaction together with `PRAGMA user_version`, so a crash leaves the database at a whole
version, never between two.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

import aiosqlite

from storage.changes import ChangeFeed, Topic

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")

Params = Sequence[Any] | dict[str, Any]
T = TypeVar("T")
# A group commit holds at most this many calls: bounds the wait of the last one in the group.
GROUP_LIMIT = 256

# The transaction this task is inside, if any: a store read called from within another store's use case
# (the wrap-up read while the party closes) joins that transaction instead of waiting on the lock.
_current: ContextVar[Transaction | None] = ContextVar("lounge_transaction", default=None)

# NO_SUCH_ID: sqlite3 refuses to bind an int outside SQLite's 64-bit INTEGER (OverflowError). Ids come from
# custom_ids and options anyone can forge, and no row can carry such an id: a read finds nothing.


class DatabaseUnavailable(Exception):
    """The database file cannot be opened or written; the message says which path and why."""


class DatabaseBusy(Exception):
    """Another process held the database for longer than `busy_timeout`; nothing was written."""


class TooLate(Exception):
    """The caller's deadline passed before COMMIT, so its work was rolled back: nothing changed."""


class Deadline(Protocol):
    """Someone waiting on this task's database work, who must hear back in time."""

    def waiting(self) -> AbstractAsyncContextManager[None]:
        """Held while this task waits for or uses the connection."""

    async def may_commit(self) -> bool:
        """Whether the caller can still be told the outcome; False rolls the transaction back."""

    def answerable(self) -> Callable[[], bool] | None:
        """For `run`: a check the database thread can make before keeping this task's work (True: keep
        it), or None when this task answers no one."""


# Set per task (see `Deadline`); None for the bot's own background work.
answer_deadline: ContextVar[Deadline | None] = ContextVar("answer_deadline", default=None)


@asynccontextmanager
async def _no_wait() -> AsyncIterator[None]:
    yield


def _waiting() -> AbstractAsyncContextManager[None]:
    deadline = answer_deadline.get()
    return _no_wait() if deadline is None else deadline.waiting()


def _busy(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and ("locked" in str(exc) or "busy" in str(exc))


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


class _Touches:
    def __init__(self) -> None:
        self.touched: dict[int, set[Topic]] = {}

    def touch(self, party_id: int, *topics: Topic) -> None:
        """Says this transaction changes what `party_id` shows; listeners hear of it after the commit."""
        self.touched.setdefault(party_id, set()).update(topics)


class Transaction(_Touches):
    """Statements inside one open `BEGIN IMMEDIATE`; only `Database.transaction()` makes these."""

    def __init__(self, connection: aiosqlite.Connection, database: Database) -> None:
        super().__init__()
        self._connection = connection
        self.database = database

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


class Work(_Touches):
    """One `Database.run`/`read` call's statements, run on the database thread: plain calls, no awaits."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        super().__init__()
        self._connection = connection
        self.result: Any = None

    def execute(self, sql: str, params: Params = ()) -> int:
        """Runs one statement; returns the last inserted rowid (for INSERTs) or the rows changed."""
        cursor = self._connection.execute(sql, params)
        return cursor.lastrowid if sql.lstrip()[:6].upper() == "INSERT" else cursor.rowcount

    def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        try:
            return self._connection.execute(sql, params).fetchone()
        except OverflowError:
            return None  # see NO_SUCH_ID

    def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        try:
            return self._connection.execute(sql, params).fetchall()
        except OverflowError:
            return []  # see NO_SUCH_ID

    def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = self.fetch_one(sql, params)
        return None if row is None else row[0]


@dataclass(eq=False)
class _Job(Generic[T]):
    """One `run()` call waiting for a group commit, and what came of it on the database thread."""

    fn: Callable[[Work], T]
    future: asyncio.Future[T]
    # The caller's `Deadline.answerable()`: made on the database thread before the work is kept.
    answerable: Callable[[], bool] | None = None
    work: Work | None = None
    result: Any = None
    error: BaseException | None = field(default=None)


class Database:
    """The process's single connection. Open with `Database.open(path)`; close with `close()`."""

    def __init__(self, connection: aiosqlite.Connection, path: Path) -> None:
        self._connection = connection
        # Until `open` adds the read-only connection, reads share the writing one (under the lock).
        self._reader: aiosqlite.Connection | None = None
        self._lock = asyncio.Lock()
        self.path = path
        self.changes = ChangeFeed()
        self._queued: list[_Job[Any]] = []
        self._committer: asyncio.Task[None] | None = None

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
            database._reader = await _open_reader(path)
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
        if self._committer is not None:
            await asyncio.gather(self._committer, return_exceptions=True)
        async with self._lock:
            await self._connection.close()
        if self._reader is not None:
            await self._reader.close()

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

        Cancelling the caller never leaves the connection inside a transaction: BEGIN, COMMIT and ROLLBACK
        run to their end holding the lock (see `_finish`), and the cancellation is raised after. A caller
        cancelled while its COMMIT was in flight may thus see `CancelledError` for work that is kept (and
        published as changed). That is safe for replays: an interaction's processed mark
        (`storage.interactions`) commits in the same transaction, so a retry finds it applied.
        """
        outer = self._joined()
        if outer is not None:
            yield outer
            return
        tx: Transaction | None = None
        committed = False
        try:
            async with _waiting(), self._lock:
                began = await self._finish(partial(_statement, sql="BEGIN IMMEDIATE"))
                if began.interrupted and began.error is None:
                    # BEGIN went through for a caller that has gone: nobody else would ever end it.
                    await self._rollback()
                if began.error is not None and not began.interrupted and _busy(began.error):
                    raise DatabaseBusy(str(began.error)) from began.error
                began.result()
                tx = Transaction(self._connection, self)
                token = _current.set(tx)
                try:
                    try:
                        yield tx
                        deadline = answer_deadline.get()
                        if deadline is not None and not await deadline.may_commit():
                            raise TooLate("the answer's deadline passed before COMMIT")
                    except BaseException:
                        # BaseException too: a task cancelled mid-write must not leave the transaction open.
                        await self._rollback()
                        raise
                    ending = await self._finish(partial(_statement, sql="COMMIT"))
                    if ending.error is not None:
                        await self._rollback()
                    committed = ending.error is None
                    ending.result()
                finally:
                    # Before the listeners run: a task they start must not think it is inside this one.
                    _current.reset(token)
        finally:
            # Even when the caller was cancelled during COMMIT: what is stored is announced.
            if committed and tx is not None and tx.touched:
                self.changes.publish(tx.touched)

    async def _rollback(self) -> None:
        if self._connection.in_transaction:
            (await self._finish(partial(_statement, sql="ROLLBACK"))).result()

    async def _finish(self, fn: Callable[[sqlite3.Connection], T]) -> _Ended[T]:
        """Runs `fn` on the database thread and waits for its end even if this task is cancelled meanwhile.

        aiosqlite runs a queued call whatever becomes of the coroutine that queued it: a BEGIN abandoned
        mid-await still opens a transaction, after its caller has let go of the lock, and the next writer
        fails with "cannot start a transaction within a transaction". So the call's own future is
        awaited shielded (a plain future: shutdown's cancel-all does not reach it) and the caller learns
        whether it was cancelled meanwhile, to restore a known state before raising that.
        """
        loop = asyncio.get_running_loop()
        ended: asyncio.Future[_Ended[T]] = loop.create_future()

        def call(connection: sqlite3.Connection) -> None:
            outcome: _Ended[T] = _Ended()
            try:
                outcome.value = fn(connection)
            except BaseException as exc:  # handed to the waiting task, which raises it
                outcome.error = exc
            loop.call_soon_threadsafe(_set_once, ended, outcome)

        interrupted = False
        try:
            # Queues `call` before its first suspension, so a pending cancellation cannot skip it.
            await self._on_thread(call)
        except asyncio.CancelledError:
            interrupted = True
        while not ended.done():
            try:
                await asyncio.shield(ended)
            except asyncio.CancelledError:
                interrupted = True
        outcome = ended.result()
        outcome.interrupted = interrupted
        return outcome

    async def run(self, fn: Callable[[Work], T]) -> T:
        """Runs `fn(work)` as (part of) one write transaction on the database thread; returns what it returns.

        Calls made while a commit is in flight are grouped into the next transaction, each in a savepoint:
        an exception from `fn` rolls back only its own statements and is raised here; the others commit.
        Returns (or raises) only after the COMMIT that holds this call's work. `fn` must not await and
        must not keep `work` after it returns. A caller cancelled once its group is on the database thread
        sees `CancelledError` though its work may be kept, as for `transaction()`.
        """
        outer = self._joined()
        if outer is not None:
            # Inside a transaction of this task (a use case calling a store): join it, as reads do.
            work = await self._on_thread(partial(_run_in_savepoint, fn=fn))
            for party_id, topics in work.touched.items():
                outer.touch(party_id, *topics)
            return work.result
        deadline = answer_deadline.get()
        answerable = deadline.answerable() if deadline is not None else None
        async with _waiting():
            job: _Job[T] = _Job(fn, asyncio.get_running_loop().create_future(), answerable)
            self._queued.append(job)
            if self._committer is None or self._committer.done():
                self._committer = asyncio.create_task(self._commit_queued(), name="group-commit")
            return await job.future

    async def read(self, fn: Callable[[Work], T]) -> T:
        """Runs `fn(work)` on a database thread in one snapshot (one trip, not one per statement)."""
        if self._joined() is not None:
            return await self._on_thread(lambda connection: fn(Work(connection)))
        if self._reader is None:
            async with _waiting(), self._lock:
                return await self._on_thread(lambda connection: _read_on_thread(connection, fn))
        reader = self._reader
        async with _waiting():
            return await reader._execute(lambda: _read_on_thread(reader._conn, fn))

    async def _on_thread(self, fn: Callable[[sqlite3.Connection], T]) -> T:
        # aiosqlite 0.22.1 has no public call for "run this function on your thread": `_execute` queues
        # one and `_conn` is its sqlite3 connection (`read` uses them on the reader too). Pinned in
        # requirements.txt; tests/storage/test_group_commit.py fails loudly if an upgrade moves them.
        connection = self._connection
        return await connection._execute(lambda: fn(connection._conn))

    async def _commit_queued(self) -> None:
        while self._queued:
            async with self._lock:
                # Whatever queued while the lock was busy (a commit in flight) goes in this one transaction;
                # a caller cancelled before its turn is left out, so it changes nothing.
                group = [job for job in self._queued[:GROUP_LIMIT] if not job.future.done()]
                del self._queued[:GROUP_LIMIT]
                if not group:
                    continue
                try:
                    # Run to its end even if this task is cancelled (shutdown): callers then hear the truth.
                    ended: _Ended[None] = await self._finish(partial(_commit_group, group=group))
                except Exception as exc:  # the connection is closed: nothing ran
                    ended = _Ended(error=exc)
            if ended.error is None:
                touched: dict[int, set[Topic]] = {}
                for job in group:
                    if job.work is not None:
                        for party_id, topics in job.work.touched.items():
                            touched.setdefault(party_id, set()).update(topics)
                if touched:
                    self.changes.publish(touched)
            # Otherwise the COMMIT itself failed: nobody's work is stored, so nobody is told it is.
            error = ended.error
            if error is not None and _busy(error):
                error = DatabaseBusy(str(error))
            for job in group:
                if job.future.done():
                    continue
                if error is not None:
                    job.future.set_exception(error)
                elif job.error is not None:
                    job.future.set_exception(job.error)
                else:
                    job.future.set_result(job.result)
            if ended.interrupted:
                # Nothing of the calls still queued has run: they end as cancelled, having changed nothing.
                for job in self._queued:
                    job.future.cancel()
                self._queued.clear()
                raise asyncio.CancelledError

    def in_transaction(self) -> bool:
        """Whether this task is inside a transaction of this database (its reads then join it)."""
        return self._joined() is not None

    def _joined(self) -> Transaction | None:
        tx = _current.get()
        return tx if tx is not None and tx.database is self else None

    async def fetch_one(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        if (tx := self._joined()) is not None:
            return await tx.fetch_one(sql, params)
        # execute_fetchall is one round trip to the database thread; execute, fetchone and close are three,
        # each waiting its turn on a busy event loop while the lock is held.
        return next(iter(await self.fetch_all(sql, params)), None)

    async def fetch_all(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        if (tx := self._joined()) is not None:
            return await tx.fetch_all(sql, params)
        if self._reader is None:
            async with _waiting(), self._lock:
                return await _fetch_all(self._connection, sql, params)
        async with _waiting():
            return await _fetch_all(self._reader, sql, params)

    async def fetch_value(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetch_one(sql, params)
        return None if row is None else row[0]

    async def execute(self, sql: str, params: Params = ()) -> int:
        """A single-statement write, atomic on its own."""
        async with self.transaction() as tx:
            return await tx.execute(sql, params)


@dataclass
class _Ended(Generic[T]):
    """How a call made by `Database._finish` ended, and whether its task was cancelled meanwhile."""

    value: T | None = None
    error: BaseException | None = None
    interrupted: bool = False

    def result(self) -> T | None:
        """The call's value; its error, or the cancellation (which wins), raised."""
        if self.interrupted:
            raise asyncio.CancelledError from self.error
        if self.error is not None:
            raise self.error
        return self.value


async def _open_reader(path: Path) -> aiosqlite.Connection:
    """The read-only connection: autocommit, so each statement or `read` sees the latest COMMIT."""
    reader = await aiosqlite.connect(path, isolation_level=None)
    reader.row_factory = sqlite3.Row
    try:
        # query_only: a write slipped into a read fails loudly instead of bypassing the writers' lock.
        for pragma in ("PRAGMA query_only = ON", "PRAGMA busy_timeout = 5000"):
            await reader.execute(pragma)
    except BaseException:
        await reader.close()
        raise
    return reader


async def _fetch_all(connection: aiosqlite.Connection, sql: str, params: Params) -> list[sqlite3.Row]:
    try:
        return list(await connection.execute_fetchall(sql, params))
    except OverflowError:
        return []  # see NO_SUCH_ID


def _set_once(future: asyncio.Future[T], value: T) -> None:
    if not future.done():
        future.set_result(value)


def _statement(connection: sqlite3.Connection, *, sql: str) -> None:
    connection.execute(sql)


def _commit_group(connection: sqlite3.Connection, *, group: list[_Job[Any]]) -> None:
    """On the database thread: every job of the group in one BEGIN IMMEDIATE … COMMIT, each in a savepoint."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        for job in group:
            work = Work(connection)
            connection.execute("SAVEPOINT job")
            try:
                job.result = job.fn(work)
                if job.answerable is not None and not job.answerable():
                    raise TooLate("the answer's deadline passed before COMMIT")
            except Exception as exc:
                connection.execute("ROLLBACK TO job")
                connection.execute("RELEASE job")
                job.error = exc
            else:
                connection.execute("RELEASE job")
                job.work = work
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise


def _run_in_savepoint(connection: sqlite3.Connection, *, fn: Callable[[Work], Any]) -> Work:
    """On the database thread, inside an open transaction: `fn` in a savepoint, undone if it raises."""
    work = Work(connection)
    connection.execute("SAVEPOINT job")
    try:
        work.result = fn(work)
    except BaseException:
        connection.execute("ROLLBACK TO job")
        connection.execute("RELEASE job")
        raise
    connection.execute("RELEASE job")
    return work


def _read_on_thread(connection: sqlite3.Connection, fn: Callable[[Work], T]) -> T:
    # A deferred BEGIN: the reads share one snapshot and take no write lock.
    connection.execute("BEGIN")
    try:
        return fn(Work(connection))
    finally:
        connection.execute("ROLLBACK")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__
