"""ResultStore and dues on a real SQLite file: announce, undo, dues once per person, bottles, leaderboards."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from rules import Refusal
from rules.dues import DuesStatus
from rules.text import name_key
from storage import Party, PartySettings, Storage

GUILD = 10
HOST = 1
interaction_ids = itertools.count(1_000)


async def add_category(
    store: Storage, party: Party, name: str, nominees: list[tuple[str, int | None]]
) -> int:
    """Sets up a ballot row by hand: the ballot's own store is tested on its own."""
    async with store.database.transaction() as tx:
        position = await tx.fetch_value("SELECT count(*) FROM categories WHERE party_id = ?", (party.id,))
        category_id = await tx.execute(
            "INSERT INTO categories (party_id, name, name_key, position) VALUES (?, ?, ?, ?)",
            (party.id, name, name_key(name), position),
        )
        for index, (nominee, member) in enumerate(nominees):
            await tx.execute(
                "INSERT INTO nominees (category_id, name, name_key, member_id, position) "
                "VALUES (?, ?, ?, ?, ?)",
                (category_id, nominee, name_key(nominee), member, index),
            )
    return category_id


async def nominee_id(store: Storage, category_id: int, name: str) -> int:
    return await store.database.fetch_value(
        "SELECT id FROM nominees WHERE category_id = ? AND name = ?", (category_id, name)
    )


async def announce(store: Storage, party: Party, category_id: int, winner: str):
    nominee = await nominee_id(store, category_id, winner)
    return await store.results.announce(party, category_id, nominee, HOST, next(interaction_ids))


async def test_announce_flips_the_winner_owes_dues_once_and_passes_over_the_rest(store: Storage) -> None:
    party = await store.parties.create(GUILD, HOST, PartySettings(name="Emmys", charity="WOF"))
    drama = await add_category(
        store, party, "Drama Series", [("Breaking Bad", None), ("Amy", 501), ("Bob", 502)]
    )
    actor = await add_category(store, party, "Lead Actor", [("Amy", 501), ("Carol", 503)])

    first = await announce(store, party, drama, "Amy")
    assert [n.name for n in first.passed_over] == ["Breaking Bad", "Bob"]
    [dues] = first.new_dues
    assert dues.amount_cents == 100_000
    second = await announce(store, party, actor, "Amy")
    assert second.new_dues == ()  # a second trophy adds no second dues
    assert await store.database.fetch_value("SELECT count(*) FROM dues WHERE user_id = 501") == 1
    assert await store.results.winner_ids(party.id) == {501}
    # The guest list marks the same winners, read with the answers.
    assert (await store.rsvps.guest_list(party.id)).winner_ids == {501}
    assert second.tally.summary.startswith("2 of 2 categories announced · 1 winner · 3 losers")


async def test_a_category_has_one_result_even_when_two_hosts_announce_at_once(store: Storage) -> None:
    party = await store.parties.create(GUILD, HOST, PartySettings(name="Emmys"))
    drama = await add_category(store, party, "Drama Series", [("Amy", 501), ("Bob", 502)])
    results = await asyncio.gather(
        announce(store, party, drama, "Amy"), announce(store, party, drama, "Bob"), return_exceptions=True
    )
    refusals = [r for r in results if isinstance(r, Refusal)]
    assert len(refusals) == 1 and "already announced" in str(refusals[0])
    assert await store.database.fetch_value("SELECT count(*) FROM results") == 1
    assert await store.database.fetch_value("SELECT count(*) FROM dues") == 1


async def test_undo_restores_loser_status_and_cancels_unpaid_dues_only_with_the_last_win(
    store: Storage,
) -> None:
    party = await store.parties.create(GUILD, HOST, PartySettings(name="Emmys"))
    drama = await add_category(store, party, "Drama Series", [("Amy", 501), ("Bob", 502)])
    actor = await add_category(store, party, "Lead Actor", [("Amy", 501), ("Carol", 503)])
    await announce(store, party, drama, "Amy")
    await announce(store, party, actor, "Amy")

    first = await store.results.undo(party, drama, HOST, "wrong envelope", next(interaction_ids))
    assert first.still_winner and first.ended_dues is None
    assert (await store.dues.for_member(party.id, 501)).status is DuesStatus.OWED

    last = await store.results.undo(party, actor, HOST, None, next(interaction_ids))
    assert not last.still_winner
    assert last.ended_dues is not None and last.ended_dues.status is DuesStatus.OWED
    assert await store.dues.for_member(party.id, 501) is None
    assert await store.results.winner_ids(party.id) == set()
    assert (await store.rsvps.guest_list(party.id)).winner_ids == set()
    with pytest.raises(Refusal, match="no result to undo"):
        await store.results.undo(party, actor, HOST, None, next(interaction_ids))
    # The undo history keeps both rows; the category can be announced again.
    assert await store.database.fetch_value("SELECT count(*) FROM results WHERE undone_at IS NOT NULL") == 2
    again = await announce(store, party, drama, "Bob")
    assert again.result.winner.name == "Bob"


async def test_paid_dues_earn_a_bottle_and_survive_an_undo_as_a_donation(store: Storage) -> None:
    party = await store.parties.create(GUILD, HOST, PartySettings(name="Emmys", charity="WOF"))
    drama = await add_category(store, party, "Drama Series", [("Amy", 501), ("Bob", 502)])
    await announce(store, party, drama, "Amy")
    receipt = await store.ledger.record_payment(
        party.id, 501, 100_000, note=None, recorded_by=HOST, interaction_id=next(interaction_ids)
    )
    assert receipt.dues is not None and receipt.dues.status is DuesStatus.PAID
    assert [b.engraving for b in await store.dues.bottles(party.id)] == [
        "Amy · Winner, Drama Series · Emmys · for WOF"
    ]

    undo = await store.results.undo(party, drama, HOST, "wrong envelope", next(interaction_ids))
    assert undo.ended_dues is not None and undo.ended_dues.status is DuesStatus.PAID
    assert await store.dues.bottles(party.id) == []
    assert await store.database.fetch_value("SELECT sum(amount_cents) FROM payments") == 100_000


async def test_waive_settles_owed_dues_and_refuses_when_nothing_is_owed(store: Storage) -> None:
    party = await store.parties.create(GUILD, HOST, PartySettings(name="Emmys"))
    drama = await add_category(store, party, "Drama Series", [("Amy", 501), ("Bob", 502)])
    with pytest.raises(Refusal, match="owes no"):
        await store.ledger.waive(party.id, 501, HOST, next(interaction_ids))
    await announce(store, party, drama, "Amy")
    assert (await store.ledger.waive(party.id, 501, HOST, next(interaction_ids))).amount_cents == 100_000
    assert (await store.dues.for_member(party.id, 501)).status is DuesStatus.WAIVED
    with pytest.raises(Refusal, match="already waived"):
        await store.ledger.waive(party.id, 501, HOST, next(interaction_ids))


async def test_passed_over_leaderboard_counts_times_and_categories_across_parties(store: Storage) -> None:
    for year in (2012, 2013):
        party = await store.parties.create(GUILD, HOST, PartySettings(name=f"Emmys {year}"))
        drama = await add_category(
            store, party, "Drama Series", [("Winner", None), ("Jon Hamm", None), ("Amy", 501)]
        )
        actor = await add_category(store, party, "Lead Actor", [("Winner", None), ("jon  HAMM", None)])
        await announce(store, party, drama, "Winner")
        await announce(store, party, actor, "Winner")
        await store.parties.close(party.id)
    tonight = await store.results.passed_over(GUILD, party_id=party.id)
    all_time = await store.results.passed_over(GUILD)
    assert [(r.times, r.categories) for r in tonight[:1]] == [(2, 2)]
    leader = all_time[0]
    assert leader.name == "jon  HAMM"  # the newest spelling
    assert (leader.times, leader.categories) == (4, 2)  # four times, in two categories (by name)
    amy = next(r for r in all_time if r.member_id == 501)
    assert (amy.times, amy.categories) == (2, 1)
