"""The money aggregates of migration 0005 on a real SQLite file: after any mix of writes (through the stores
or plain SQL, as other write paths will be), and after the migration's backfill, they equal a recount of the
pledges and payments with plain SQL; and the counter and donor wall read from them show what a scan shows.
"""

from __future__ import annotations

import contextlib
import random
import sqlite3
from pathlib import Path

from rules import Refusal
from storage import Party, PartySettings, Storage
from storage.database import Database, list_migrations

LIVE_PLEDGE = "cancelled_at IS NULL AND voided_at IS NULL"


def recount(path: Path) -> dict[str, list[tuple]]:
    """The aggregates as they should be, computed from scratch on a separate connection."""
    with sqlite3.connect(path) as c:
        party = c.execute(
            f"SELECT p.id, "
            f" (SELECT coalesce(sum(amount_cents), 0) FROM pledges WHERE party_id = p.id AND {LIVE_PLEDGE}),"
            f" (SELECT count(*) FROM pledges WHERE party_id = p.id AND {LIVE_PLEDGE}),"
            f" (SELECT count(DISTINCT user_id) FROM pledges WHERE party_id = p.id AND {LIVE_PLEDGE}),"
            f" (SELECT count(DISTINCT user_id || ':' || anonymous) FROM pledges "
            f"  WHERE party_id = p.id AND {LIVE_PLEDGE}),"
            f" (SELECT coalesce(sum(amount_cents), 0) FROM payments"
            f"  WHERE party_id = p.id AND voided_at IS NULL)"
            f" FROM parties AS p ORDER BY p.id"
        ).fetchall()
        members = c.execute(
            f"SELECT k.party_id, k.user_id,"
            f" (SELECT display_name FROM pledges WHERE party_id = k.party_id AND user_id = k.user_id "
            f"  ORDER BY id DESC LIMIT 1),"
            f" (SELECT coalesce(sum(amount_cents), 0) FROM pledges "
            f"  WHERE party_id = k.party_id AND user_id = k.user_id AND {LIVE_PLEDGE}),"
            f" (SELECT count(*) FROM pledges"
            f"  WHERE party_id = k.party_id AND user_id = k.user_id AND {LIVE_PLEDGE}),"
            f" (SELECT coalesce(sum(amount_cents), 0) FROM payments "
            f"  WHERE party_id = k.party_id AND user_id = k.user_id AND voided_at IS NULL)"
            f" FROM (SELECT party_id, user_id FROM pledges"
            f"  UNION SELECT party_id, user_id FROM payments) AS k "
            f"ORDER BY 1, 2"
        ).fetchall()
        lines = c.execute(
            f"SELECT party_id, user_id, anonymous, sum(amount_cents), count(*), min(id) FROM pledges "
            f"WHERE {LIVE_PLEDGE} GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
        ).fetchall()
    return {"party": party, "members": members, "lines": lines}


def kept(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as c:
        return {
            "party": c.execute(
                "SELECT party_id, pledged_cents, pledge_count, donor_count, line_count, received_cents "
                "FROM party_money ORDER BY party_id"
            ).fetchall(),
            "members": c.execute(
                "SELECT party_id, user_id, display_name, pledged_cents, pledge_count, received_cents "
                "FROM member_money ORDER BY 1, 2"
            ).fetchall(),
            "lines": c.execute(
                "SELECT party_id, user_id, anonymous, total_cents, pledge_count, first_pledge_id "
                "FROM wall_lines ORDER BY 1, 2, 3"
            ).fetchall(),
        }


async def new_party(store: Storage, guild: int) -> Party:
    return await store.parties.create(guild, 1, PartySettings(name=f"Party {guild}", goal_cents=2_000_000))


async def test_a_mixed_night_keeps_the_aggregates_equal_to_a_recount(store: Storage, tmp_path: Path) -> None:
    path = tmp_path / "lounge.db"
    db = store.database
    fund = store.fundraising
    parties = [await new_party(store, 10), await new_party(store, 11)]
    rng = random.Random(16)
    interaction = 1_000
    users = [101, 102, 103, 104, 105]
    for step in range(400):
        interaction += 1
        party = rng.choice(parties)
        user = rng.choice(users)
        action = rng.choices(
            ["pledge", "cancel", "void", "unvoid", "edit", "rename", "pay", "void payment", "move"],
            [40, 8, 8, 2, 8, 3, 10, 5, 2],
        )[0]
        if action == "pledge":
            await fund.add_pledge(
                party.id, user, f"name {user}.{step}", rng.randrange(1, 50_000),
                anonymous=rng.random() < 0.3, note=None, interaction_id=interaction,
            )
        elif action == "cancel":
            row = await db.fetch_one(
                f"SELECT id, user_id FROM pledges WHERE {LIVE_PLEDGE} ORDER BY random() LIMIT 1"
            )
            if row is not None:
                # A paid pledge stays (Refusal); the aggregates must not move either.
                with contextlib.suppress(Refusal):
                    await fund.cancel_pledge(row[0], row[1], interaction_id=interaction)
        elif action in ("void", "unvoid"):
            # The ledger's void is an UPDATE of voided_at: any write path must keep the aggregates right.
            mark = "voided_at IS NULL" if action == "void" else "voided_at IS NOT NULL"
            value = "'2026-11-28T03:00:00+00:00'" if action == "void" else "NULL"
            await db.execute(
                f"UPDATE pledges SET voided_at = {value} WHERE id = "
                f"(SELECT id FROM pledges WHERE {mark} ORDER BY random() LIMIT 1)"
            )
        elif action == "edit":
            await db.execute(
                "UPDATE pledges SET amount_cents = ? "
                "WHERE id = (SELECT id FROM pledges ORDER BY random() LIMIT 1)",
                (rng.randrange(1, 50_000),),
            )
        elif action == "rename":
            await db.execute(
                "UPDATE pledges SET display_name = ? "
                "WHERE id = (SELECT max(id) FROM pledges WHERE user_id = ?)",
                (f"renamed {step}", user),
            )
        elif action == "move":
            await db.execute(
                "UPDATE pledges SET anonymous = 1 - anonymous WHERE id = "
                "(SELECT id FROM pledges ORDER BY random() LIMIT 1)"
            )
        elif action == "pay":
            await store.ledger.record_payment(
                party.id, user, rng.randrange(1, 30_000), note=None, recorded_by=1, interaction_id=interaction
            )
        else:
            await db.execute(
                "UPDATE payments SET voided_at = '2026-11-28T03:00:00+00:00' WHERE id = "
                "(SELECT id FROM payments WHERE voided_at IS NULL ORDER BY random() LIMIT 1)"
            )
        if step % 50 == 49:
            assert kept(path) == recount(path), f"after step {step} ({action})"
    assert kept(path) == recount(path)
    # Enough of each kind happened for the comparison to mean something.
    with sqlite3.connect(path) as c:
        counts = c.execute(
            "SELECT (SELECT count(*) FROM pledges WHERE cancelled_at IS NOT NULL),"
            " (SELECT count(*) FROM pledges WHERE voided_at IS NOT NULL),"
            " (SELECT count(*) FROM payments WHERE voided_at IS NOT NULL), (SELECT count(*) FROM pledges)"
        ).fetchone()
    assert all(n > 0 for n in counts), counts


async def test_deleting_a_party_takes_its_aggregates_along(store: Storage, tmp_path: Path) -> None:
    party = await new_party(store, 10)
    await store.fundraising.add_pledge(party.id, 5, "amy", 500, anonymous=False, note=None, interaction_id=1)
    await store.ledger.record_payment(party.id, 5, 500, note=None, recorded_by=1, interaction_id=2)
    await store.database.execute("DELETE FROM parties WHERE id = ?", (party.id,))
    assert kept(tmp_path / "lounge.db") == {"party": [], "members": [], "lines": []}


async def test_the_backfill_counts_what_was_stored_before_the_migration(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    migrations = list_migrations()
    version = next(m.version for m in migrations if m.path.name == "0005_aggregates.sql")
    old = await Database.open(path, migrate=False)
    await old.migrate(migrations[: version - 1])
    await old.close()
    rng = random.Random(5)
    with sqlite3.connect(path) as c:
        for party_id in (1, 2, 3):  # party 3 has no money at all
            c.execute(
                "INSERT INTO parties (id, guild_id, name, created_by, created_at) "
                "VALUES (?, ?, 'P', 1, 'now')",
                (party_id, party_id),
            )
        for n in range(500):
            c.execute(
                "INSERT INTO pledges (party_id, user_id, display_name, amount_cents, anonymous, created_at, "
                "cancelled_at, voided_at) VALUES (?, ?, ?, ?, ?, 'now', ?, ?)",
                (
                    rng.choice((1, 2)), rng.randrange(20), f"n{n}", rng.randrange(1, 10_000),
                    rng.randrange(2),
                    "then" if rng.random() < 0.1 else None, "then" if rng.random() < 0.1 else None,
                ),
            )
        for _ in range(60):
            c.execute(
                "INSERT INTO payments (party_id, user_id, amount_cents, recorded_by, recorded_at, voided_at) "
                "VALUES (?, ?, ?, 1, 'now', ?)",
                (rng.choice((1, 2)), rng.randrange(30), rng.randrange(1, 10_000),
                 "then" if rng.random() < 0.2 else None),
            )
    db = await Database.open(path)
    await db.close()
    after = kept(path)
    assert after == recount(path)
    assert len(after["party"]) == 3 and len(after["members"]) > 20 and len(after["lines"]) > 20


async def test_counter_and_wall_show_what_a_scan_of_the_pledges_shows(store: Storage, tmp_path: Path) -> None:
    party = await new_party(store, 10)
    fund = store.fundraising
    rng = random.Random(3)
    for n in range(120):
        user = rng.randrange(30)
        await fund.add_pledge(
            party.id, user, f"guest {user} v{n}", rng.choice((500, 1000, 2500)),
            anonymous=rng.random() < 0.25, note=f"note {n}", interaction_id=n + 1,
        )
    await store.database.execute(
        "UPDATE pledges SET voided_at = 'x' WHERE id IN (SELECT id FROM pledges ORDER BY id DESC LIMIT 3)"
    )
    await store.ledger.record_payment(party.id, 4, 700, note=None, recorded_by=1, interaction_id=999)

    wall, _ = await fund.wall_and_own(party.id, 4, newest=1, top=10)
    figures = await fund.counter_figures(party.id, newest=5)
    with sqlite3.connect(tmp_path / "lounge.db") as c:
        expected_lines = c.execute(
            "SELECT CASE WHEN p.anonymous THEN NULL ELSE (SELECT display_name FROM pledges AS l "
            "  WHERE l.party_id = p.party_id AND l.user_id = p.user_id ORDER BY l.id DESC LIMIT 1) END,"
            f" sum(p.amount_cents) AS total FROM pledges AS p WHERE p.party_id = ? AND {LIVE_PLEDGE} "
            "GROUP BY p.user_id, p.anonymous ORDER BY total DESC, min(p.id)",
            (party.id,),
        ).fetchall()
        newest = c.execute(
            f"SELECT note FROM pledges WHERE party_id = ? AND {LIVE_PLEDGE} ORDER BY id DESC LIMIT 5",
            (party.id,),
        ).fetchall()
        pledged, count, donors = c.execute(
            f"SELECT sum(amount_cents), count(*), count(DISTINCT user_id) FROM pledges WHERE {LIVE_PLEDGE}"
        ).fetchone()
    assert [(e.name, e.total_cents) for e in wall.entries] == expected_lines[:10]
    assert wall.more_entries == len(expected_lines) - 10
    money = wall.money
    assert (money.pledged_cents, wall.donor_count, money.received_cents) == (pledged, donors, 700)
    assert [p.note for p in figures.newest] == [row[0] for row in newest]
    assert (figures.money.pledged_cents, figures.pledge_count) == (pledged, count)
    assert figures.donor_count == donors
    assert figures.money.received_cents == 700


async def test_a_party_with_no_money_shows_zeros(store: Storage) -> None:
    party = await new_party(store, 10)
    figures = await store.fundraising.counter_figures(party.id)
    wall, own = await store.fundraising.wall_and_own(party.id, 10, newest=25)
    assert (figures.money.pledged_cents, figures.pledge_count, figures.donor_count) == (0, 0, 0)
    assert figures.newest == ()
    assert (wall.entries, wall.more_entries, wall.money.pledged_cents) == ((), 0, 0)
    assert (own.shown, own.older, own.live_cents) == ((), 0, 0)
