"""`Database.run` on a real SQLite file: pledges that arrive together are committed together, each answered
only once its COMMIT is done, a refusal rolls back only its own work, and a redelivery is applied once.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from rules import Refusal
from storage import Party, PartySettings, Storage
from storage.changes import Topic
from storage.database import Work


@pytest.fixture
async def party(store: Storage) -> Party:
    return await store.parties.create(10, 1, PartySettings(name="Losers Lounge"))


async def holding_the_lock(store: Storage) -> tuple[asyncio.Task[None], asyncio.Event]:
    """Another task's open transaction, so that run() calls queue up; set the event to let it commit.

    A separate task: one created inside the transaction would join it (storage.database's ContextVar).
    """
    held, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with store.database.transaction():
            held.set()
            await release.wait()

    task = asyncio.create_task(hold())
    await held.wait()
    return task, release


def committed(path: Path, interaction_id: int) -> bool:
    """Whether another connection (as after a crash) sees the pledge: only committed rows are visible."""
    with sqlite3.connect(path) as c:
        row = c.execute("SELECT 1 FROM pledges WHERE interaction_id = ?", (interaction_id,)).fetchone()
    return row is not None


async def test_concurrent_pledges_are_stored_once_each_in_fewer_commits(
    store: Storage, party: Party, tmp_path: Path
) -> None:
    commits: list[str] = []
    await store.database._connection.set_trace_callback(
        lambda sql: commits.append(sql) if sql == "COMMIT" else None
    )
    path = tmp_path / "lounge.db"
    answered_after_commit: list[bool] = []

    async def pledge(n: int) -> None:
        receipt = await store.fundraising.add_pledge(
            party.id, n % 7, f"guest {n}", 100 + n, anonymous=False, note=None, interaction_id=5_000 + n
        )
        assert receipt.new and receipt.pledge.amount_cents == 100 + n
        # The moment the caller hears back, the pledge must already be durable.
        answered_after_commit.append(committed(path, 5_000 + n))

    await asyncio.gather(*(pledge(n) for n in range(200)))
    assert answered_after_commit == [True] * 200
    with sqlite3.connect(path) as c:
        rows = c.execute("SELECT interaction_id, count(*) FROM pledges GROUP BY interaction_id").fetchall()
    assert sorted(rows) == [(5_000 + n, 1) for n in range(200)]
    # Grouped: far fewer commits than pledges.
    assert len(commits) < 50, len(commits)
    figures = await store.fundraising.counter_figures(party.id)
    assert (figures.pledge_count, figures.money.pledged_cents) == (200, sum(100 + n for n in range(200)))


async def test_a_refused_pledge_does_not_sink_the_others_in_its_group(store: Storage, party: Party) -> None:
    closed = await store.parties.create(11, 1, PartySettings(name="Over"))
    await store.parties.close(closed.id)
    calls = [
        store.fundraising.add_pledge(
            closed.id if n == 5 else party.id, n, "guest", 500,
            anonymous=False, note=None, interaction_id=n + 1,
        )
        for n in range(12)
    ]
    outcomes = await asyncio.gather(*calls, return_exceptions=True)
    assert isinstance(outcomes[5], Refusal)
    assert all(not isinstance(o, BaseException) for n, o in enumerate(outcomes) if n != 5)
    assert await store.database.fetch_value("SELECT count(*) FROM pledges") == 11
    # The refused pledge's interaction mark was rolled back with it: a retry is still possible.
    assert await store.database.fetch_value(
        "SELECT count(*) FROM processed_interactions WHERE interaction_id = 6"
    ) == 0


async def test_a_failing_member_rolls_back_only_its_own_statements(store: Storage, tmp_path: Path) -> None:
    def write(key: str, fail: bool):
        def fn(work: Work) -> str:
            work.execute("INSERT INTO meta (key, value) VALUES (?, 'x')", (key,))
            if fail:
                raise ValueError(key)
            return key

        return fn

    commits: list[str] = []
    await store.database._connection.set_trace_callback(
        lambda sql: commits.append(sql) if sql == "COMMIT" else None
    )
    holder, release = await holding_the_lock(store)
    # The lock is held, so all five queue up and go into one group.
    tasks = [asyncio.create_task(store.database.run(write(f"k{n}", fail=n in (1, 3)))) for n in range(5)]
    await asyncio.sleep(0.05)
    release.set()
    await holder
    outcomes = await asyncio.gather(*tasks, return_exceptions=True)
    assert len(commits) == 2  # the holder's, then the group's
    assert [type(o).__name__ for o in outcomes] == ["str", "ValueError", "str", "ValueError", "str"]
    rows = await store.database.fetch_all("SELECT key FROM meta WHERE key LIKE 'k%' ORDER BY key")
    keys = [row[0] for row in rows]
    assert keys == ["k0", "k2", "k4"]


async def test_a_redelivered_pledge_in_the_same_group_and_later_is_applied_once(
    store: Storage, party: Party
) -> None:
    same = [
        store.fundraising.add_pledge(
            party.id, 7, "amy", 900 + n, anonymous=False, note=None, interaction_id=77
        )
        for n in range(5)
    ]
    receipts = await asyncio.gather(*same)
    later = await store.fundraising.add_pledge(
        party.id, 7, "amy", 1, anonymous=False, note=None, interaction_id=77
    )
    assert [r.new for r in receipts].count(True) == 1
    assert {r.pledge.id for r in [*receipts, later]} == {receipts[0].pledge.id}
    assert later.pledge.amount_cents == 900 and not later.new
    figures = await store.fundraising.counter_figures(party.id)
    assert (figures.pledge_count, figures.money.pledged_cents) == (1, 900)


async def test_listeners_hear_of_a_group_after_its_commit_and_never_of_a_refusal(
    store: Storage, party: Party, tmp_path: Path
) -> None:
    heard: list[tuple[int, frozenset[Topic], bool]] = []
    closed = await store.parties.create(11, 1, PartySettings(name="Over"))
    await store.parties.close(closed.id)
    store.database.changes.subscribe(
        lambda party_id, topics: heard.append((party_id, topics, committed(tmp_path / "lounge.db", 1)))
    )
    await asyncio.gather(
        store.fundraising.add_pledge(party.id, 1, "a", 500, anonymous=False, note=None, interaction_id=1),
        store.fundraising.add_pledge(closed.id, 2, "b", 500, anonymous=False, note=None, interaction_id=2),
        return_exceptions=True,
    )
    assert heard == [(party.id, frozenset({Topic.MONEY}), True)]


async def test_a_caller_cancelled_before_its_turn_changes_nothing(store: Storage, party: Party) -> None:
    holder, release = await holding_the_lock(store)
    task = asyncio.create_task(
        store.fundraising.add_pledge(party.id, 1, "a", 500, anonymous=False, note=None, interaction_id=9)
    )
    await asyncio.sleep(0.05)
    task.cancel()
    release.set()
    await holder
    with pytest.raises(asyncio.CancelledError):
        await task
    await store.fundraising.add_pledge(party.id, 2, "b", 600, anonymous=False, note=None, interaction_id=10)
    assert await store.database.fetch_value("SELECT group_concat(interaction_id) FROM pledges") == "10"


async def test_run_and_read_inside_a_transaction_join_it(store: Storage, party: Party) -> None:
    heard: list[int] = []
    store.database.changes.subscribe(lambda party_id, topics: heard.append(party_id))
    # Inside a use case's transaction (closing the party reads the counter), the one-trip calls join it
    # instead of waiting for the lock that transaction holds.
    with pytest.raises(RuntimeError, match="undo"):
        async with asyncio.timeout(5), store.database.transaction():
            await store.fundraising.add_pledge(
                party.id, 1, "a", 500, anonymous=False, note=None, interaction_id=1
            )
            figures = await store.fundraising.counter_figures(party.id)
            assert figures.money.pledged_cents == 500
            raise RuntimeError("undo")
    assert await store.database.fetch_value("SELECT count(*) FROM pledges") == 0
    assert heard == []
    async with asyncio.timeout(5), store.database.transaction():
        await store.fundraising.add_pledge(
            party.id, 1, "a", 700, anonymous=False, note=None, interaction_id=2
        )
    assert (await store.fundraising.counter_figures(party.id)).money.pledged_cents == 700
    assert heard == [party.id]
