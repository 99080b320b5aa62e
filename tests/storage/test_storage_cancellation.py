"""Cancelling a writer at each of its awaits on a real SQLite file: BEGIN IMMEDIATE waiting on another
process's lock, COMMIT and ROLLBACK in flight, a group commit in flight. Afterwards the connection is in no
transaction (the next write works), the stored rows are whole, and a kept change was announced.

The database thread is held up by a `threading.Event` the test releases: aiosqlite runs calls in the order
they were queued, so a statement queued behind the gate is in flight, not yet run, when the task is cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from storage.changes import Topic
from storage.database import Database, Work, answer_deadline

GATE_TIMEOUT = 10.0  # the thread never stays gated if a test fails before releasing it


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    database = await Database.open(tmp_path / "lounge.db")
    await database.execute("CREATE TABLE notes (body TEXT NOT NULL)")
    yield database
    await database.close()


@pytest.fixture
def announced(db: Database) -> list[tuple[int, frozenset[Topic]]]:
    seen: list[tuple[int, frozenset[Topic]]] = []
    db.changes.subscribe(lambda party_id, topics: seen.append((party_id, topics)))
    return seen


async def _notes(db: Database) -> list[str]:
    return [row[0] for row in await db.fetch_all("SELECT body FROM notes ORDER BY rowid")]


async def _until(condition: Callable[[], bool], what: str, timeout: float = 5.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.005)


async def _gate_thread(db: Database, gate: threading.Event) -> asyncio.Task[bool]:
    """From inside a transaction: occupies the database thread until `gate` is set.

    The read joins the caller's transaction (no lock); after one loop turn it is queued, so whatever the
    caller queues next waits behind it.
    """
    job = asyncio.create_task(db.read(lambda work: gate.wait(GATE_TIMEOUT)))
    await asyncio.sleep(0)
    return job


async def test_cancelled_while_begin_waits_for_another_process_leaves_no_transaction_open(
    db: Database, tmp_path: Path
) -> None:
    other = sqlite3.connect(tmp_path / "lounge.db", isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO notes VALUES ('from another process')")

        async def write() -> None:
            async with db.transaction() as tx:
                await tx.execute("INSERT INTO notes VALUES ('cancelled')")

        task = asyncio.create_task(write())
        # Taking the free lock does not suspend, and BEGIN IMMEDIATE is queued right after: once the lock
        # is seen taken, the task is waiting on BEGIN (SQLite's busy_timeout, the other process holds it).
        await _until(db._lock.locked, "the writer to take the lock")
        task.cancel()
        other.execute("COMMIT")
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        other.close()

    await db.execute("INSERT INTO notes VALUES ('next')")
    assert await _notes(db) == ["from another process", "next"]


async def test_cancelled_during_commit_keeps_the_change_announces_it_and_frees_the_connection(
    db: Database, announced: list[tuple[int, frozenset[Topic]]]
) -> None:
    gate = threading.Event()
    committing = asyncio.Event()
    gates: list[asyncio.Task[bool]] = []

    class HoldCommit:
        """A deadline that holds the database thread just as COMMIT is queued behind it."""

        def waiting(self) -> contextlib.AbstractAsyncContextManager[None]:
            return contextlib.nullcontext()

        async def may_commit(self) -> bool:
            gates.append(await _gate_thread(db, gate))
            committing.set()
            return True

        def answerable(self) -> None:
            return None

    async def write() -> None:
        answer_deadline.set(HoldCommit())
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO notes VALUES ('kept')")
            tx.touch(7, Topic.MONEY)

    task = asyncio.create_task(write())
    await asyncio.wait_for(committing.wait(), 5)
    task.cancel()  # COMMIT is queued, behind the gate
    gate.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.gather(*gates)

    # The caller saw a cancellation, but its work committed: it is stored and was announced.
    assert announced == [(7, frozenset({Topic.MONEY}))]
    await db.execute("INSERT INTO notes VALUES ('next')")
    assert await _notes(db) == ["kept", "next"]


async def test_cancelled_during_rollback_holds_the_connection_until_it_is_rolled_back(db: Database) -> None:
    gate = threading.Event()
    rolling_back = asyncio.Event()
    gates: list[asyncio.Task[bool]] = []

    async def write() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO notes VALUES ('undone')")
            gates.append(await _gate_thread(db, gate))
            rolling_back.set()
            raise ValueError("refused")

    task = asyncio.create_task(write())
    await asyncio.wait_for(rolling_back.wait(), 5)
    task.cancel()  # ROLLBACK is queued, behind the gate
    # A writer arriving now must wait for the rollback, not begin inside the half-done transaction.
    waiting = asyncio.create_task(db.execute("INSERT INTO notes VALUES ('waited')"))
    await asyncio.sleep(0)
    assert db._lock.locked() and not waiting.done()
    gate.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.gather(*gates, waiting)

    await db.execute("INSERT INTO notes VALUES ('next')")
    assert await _notes(db) == ["waited", "next"]


async def test_group_commit_cancelled_in_flight_answers_its_callers_with_what_was_stored(
    db: Database, announced: list[tuple[int, frozenset[Topic]]]
) -> None:
    gate = threading.Event()
    in_flight = threading.Event()

    def pledge(work: Work) -> str:
        work.execute("INSERT INTO notes VALUES ('grouped')")
        work.touch(3, Topic.MONEY)
        in_flight.set()
        gate.wait(GATE_TIMEOUT)
        return "stored"

    caller = asyncio.create_task(db.run(pledge))
    await _until(in_flight.is_set, "the group to be in flight")
    committer = db._committer
    assert committer is not None
    committer.cancel()  # as at shutdown, when every task is cancelled
    later = asyncio.create_task(db.run(lambda work: work.execute("INSERT INTO notes VALUES ('queued')")))
    await asyncio.sleep(0)
    gate.set()

    assert await caller == "stored"  # its work committed, so it hears so
    with pytest.raises(asyncio.CancelledError):
        await committer
    assert announced == [(3, frozenset({Topic.MONEY}))]
    # A call queued behind the cancelled committer never ran: it ends cancelled, having changed nothing.
    with pytest.raises(asyncio.CancelledError):
        await later
    await db.execute("INSERT INTO notes VALUES ('next')")
    assert await _notes(db) == ["grouped", "next"]
