"""The connection's guarantees: migrations, atomic transactions, refusing an unusable path."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from storage.database import Database, DatabaseUnavailable, list_migrations


async def _schema(path: Path) -> list[tuple[str, str, str]]:
    with sqlite3.connect(path) as connection:
        return sorted(
            connection.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
        )


async def test_fresh_database_reaches_latest_version_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "lounge.db")
    try:
        assert await db.user_version() == len(list_migrations())
        # Inside a transaction, reads run on the writing connection: its settings are the ones that count.
        async with db.transaction():
            assert await db.fetch_value("PRAGMA journal_mode") == "wal"
            assert await db.fetch_value("PRAGMA foreign_keys") == 1
            assert await db.fetch_value("PRAGMA synchronous") == 2  # FULL
    finally:
        await db.close()


async def test_reads_outside_a_transaction_see_every_commit_and_cannot_write(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "lounge.db")
    try:
        await db.execute("INSERT INTO meta (key, value) VALUES ('seen', 'yes')")
        assert await db.fetch_value("SELECT value FROM meta WHERE key = 'seen'") == "yes"
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            await db.fetch_all("INSERT INTO meta (key, value) VALUES ('sneaked', 'in')")
        async with db.transaction():
            assert await db.fetch_value("SELECT count(*) FROM meta WHERE key = 'sneaked'") == 0
    finally:
        await db.close()


@pytest.mark.parametrize("start_version", range(len(list_migrations())))
async def test_upgrade_from_every_earlier_version_matches_a_fresh_database(
    tmp_path: Path, start_version: int
) -> None:
    migrations = list_migrations()
    old = await Database.open(tmp_path / "old.db", migrate=False)
    await old.migrate(migrations[:start_version])
    assert await old.user_version() == start_version
    await old.close()

    upgraded = await Database.open(tmp_path / "old.db")
    assert await upgraded.user_version() == len(migrations)
    await upgraded.close()
    fresh = await Database.open(tmp_path / "fresh.db")
    await fresh.close()
    assert await _schema(tmp_path / "old.db") == await _schema(tmp_path / "fresh.db")


async def test_a_failing_migration_leaves_the_previous_version(tmp_path: Path) -> None:
    broken = tmp_path / "migrations"
    broken.mkdir()
    (broken / "0001_ok.sql").write_text("CREATE TABLE a (x INTEGER) STRICT;")
    (broken / "0002_broken.sql").write_text("CREATE TABLE b (x INTEGER) STRICT;\nNOT SQL AT ALL;")
    db = await Database.open(tmp_path / "m.db", migrate=False)
    with pytest.raises(sqlite3.Error):
        await db.migrate(list_migrations(broken))
    assert await db.user_version() == 1
    assert await db.fetch_value("SELECT count(*) FROM sqlite_master WHERE name = 'b'") == 0
    await db.close()


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA user_version = 999")
    with pytest.raises(DatabaseUnavailable, match="newer than this code"):
        await Database.open(path)


async def test_unwritable_path_is_refused_with_the_path_named(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    with pytest.raises(DatabaseUnavailable, match=r"file\.txt"):
        await Database.open(not_a_folder / "lounge.db")


async def test_concurrent_transactions_never_interleave(tmp_path: Path) -> None:
    """Each task writes two rows that must both exist or neither; half of them fail after the first."""
    db = await Database.open(tmp_path / "tx.db")

    async def write_pair(n: int) -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO meta (key, value) VALUES (?, 'first')", (f"{n}:a",))
            await asyncio.sleep(0)  # let the other tasks try to run in the middle
            if n % 2:
                raise RuntimeError("fail between the two writes")
            await tx.execute("INSERT INTO meta (key, value) VALUES (?, 'second')", (f"{n}:b",))

    results = await asyncio.gather(*(write_pair(n) for n in range(40)), return_exceptions=True)
    assert sum(isinstance(r, RuntimeError) for r in results) == 20
    keys = {row[0] for row in await db.fetch_all("SELECT key FROM meta")}
    assert keys == {f"{n}:{half}" for n in range(0, 40, 2) for half in "ab"}
    await db.close()


async def test_a_cancelled_writer_leaves_nothing_behind(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "cancel.db")
    started = asyncio.Event()

    async def slow_write() -> None:
        async with db.transaction() as tx:
            await tx.execute("INSERT INTO meta (key, value) VALUES ('half', 'done')")
            started.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(slow_write())
    await asyncio.wait_for(started.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await db.fetch_value("SELECT count(*) FROM meta") == 0
    await db.execute("INSERT INTO meta (key, value) VALUES ('after', 'ok')")
    assert await db.fetch_value("SELECT value FROM meta WHERE key = 'after'") == "ok"
    await db.close()
