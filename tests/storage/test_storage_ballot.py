"""BallotStore on a real SQLite file: order, uniqueness, results guarding removals, all-or-nothing import."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from rules import Refusal
from rules.ballot_csv import BallotRow, parse_ballot_csv
from storage import PartySettings, Storage
from storage.ballot import ImportSummary, NewNominee
from storage.clock import to_text, utc_now

EMMYS = Path(__file__).resolve().parents[2] / "demo" / "ballots" / "emmys-65.csv"
_interaction_ids = itertools.count(1000)


def next_id() -> int:
    return next(_interaction_ids)


@pytest.fixture
async def party_id(store: Storage) -> int:
    return (await store.parties.create(10, 1, PartySettings(name="Losers Lounge"))).id


async def counts(store: Storage) -> tuple[int, int]:
    categories = await store.database.fetch_value("SELECT count(*) FROM categories")
    nominees = await store.database.fetch_value("SELECT count(*) FROM nominees")
    return categories, nominees


async def announce(store: Storage, party_id: int, category_id: int, nominee_id: int) -> int:
    return await store.database.execute(
        "INSERT INTO results (party_id, category_id, nominee_id, announced_by, announced_at) "
        "VALUES (?, ?, ?, 1, ?)",
        (party_id, category_id, nominee_id, to_text(utc_now())),
    )


async def test_categories_and_nominees_keep_the_order_they_were_added(store: Storage, party_id: int) -> None:
    drama = await store.ballot.add_category(
        party_id, "Drama", [NewNominee("Mad Men"), NewNominee("Homeland", member_id=77)], next_id()
    )
    comedy = await store.ballot.add_category(party_id, "Comedy", [], next_id())
    assert drama is not None and comedy is not None
    await store.ballot.add_nominee(comedy.category.id, "Veep", None, next_id())
    await store.ballot.add_nominee(drama.category.id, "Breaking Bad", None, next_id())

    ballot = await store.ballot.ballot(party_id)
    assert [entry.category.name for entry in ballot] == ["Drama", "Comedy"]
    assert [n.name for n in ballot[0].nominees] == ["Mad Men", "Homeland", "Breaking Bad"]
    assert ballot[0].nominees[1].member_id == 77
    assert [n.name for n in ballot[1].nominees] == ["Veep"]
    assert all(entry.winner_id is None for entry in ballot)


async def test_names_are_unique_ignoring_case_and_spaces(store: Storage, party_id: int) -> None:
    drama = await store.ballot.add_category(party_id, "Outstanding Drama", [NewNominee("Mad Men")], next_id())
    assert drama is not None
    with pytest.raises(Refusal, match="already a category"):
        await store.ballot.add_category(party_id, "outstanding  DRAMA", [], next_id())
    with pytest.raises(Refusal, match="already a nominee"):
        await store.ballot.add_nominee(drama.category.id, "MAD MEN", None, next_id())
    with pytest.raises(Refusal, match="listed twice"):
        twice = [NewNominee("Girls"), NewNominee("girls")]
        await store.ballot.add_category(party_id, "Comedy", twice, next_id())
    assert await counts(store) == (1, 1)
    # The same nominee may be in another category, and another party may reuse a category name.
    comedy = await store.ballot.add_category(party_id, "Comedy", [NewNominee("Mad Men")], next_id())
    assert comedy is not None
    other = await store.parties.create(11, 1, PartySettings(name="Elsewhere"))
    assert await store.ballot.add_category(other.id, "Outstanding Drama", [], next_id()) is not None


async def test_an_interaction_is_applied_once(store: Storage, party_id: int) -> None:
    interaction = next_id()
    assert await store.ballot.add_category(party_id, "Drama", [], interaction) is not None
    assert await store.ballot.add_category(party_id, "Comedy", [], interaction) is None
    assert await counts(store) == (1, 0)


async def test_a_refused_write_does_not_use_up_its_interaction(store: Storage, party_id: int) -> None:
    await store.ballot.add_category(party_id, "Drama", [], next_id())
    interaction = next_id()
    with pytest.raises(Refusal):
        await store.ballot.add_category(party_id, "drama", [], interaction)
    assert await store.ballot.add_category(party_id, "Comedy", [], interaction) is not None


async def test_find_resolves_ids_of_this_party_only_or_names(store: Storage, party_id: int) -> None:
    drama = await store.ballot.add_category(party_id, "Drama", [NewNominee("Mad Men")], next_id())
    other = await store.parties.create(11, 1, PartySettings(name="Elsewhere"))
    foreign = await store.ballot.add_category(other.id, "Foreign", [NewNominee("Spy")], next_id())
    assert drama is not None and foreign is not None

    assert await store.ballot.find_category(party_id, str(drama.category.id)) == drama.category
    assert await store.ballot.find_category(party_id, " drama ") == drama.category
    assert await store.ballot.find_category(party_id, str(foreign.category.id)) is None
    assert await store.ballot.find_category(party_id, "9" * 40) is None
    mad_men = drama.nominees[0]
    assert await store.ballot.find_nominee(drama.category.id, str(mad_men.id)) == mad_men
    assert await store.ballot.find_nominee(drama.category.id, "MAD MEN") == mad_men
    assert await store.ballot.find_nominee(drama.category.id, str(foreign.nominees[0].id)) is None


async def test_a_category_with_a_live_result_and_its_winner_stay(store: Storage, party_id: int) -> None:
    drama = await store.ballot.add_category(
        party_id, "Drama", [NewNominee("Mad Men"), NewNominee("Breaking Bad")], next_id()
    )
    assert drama is not None
    mad_men, breaking_bad = drama.nominees
    result_id = await announce(store, party_id, drama.category.id, breaking_bad.id)
    assert (await store.ballot.ballot(party_id))[0].winner_id == breaking_bad.id

    with pytest.raises(Refusal, match="already has a result"):
        await store.ballot.remove_category(drama.category.id, next_id())
    with pytest.raises(Refusal, match="won"):
        await store.ballot.remove_nominee(breaking_bad.id, next_id())
    assert await counts(store) == (1, 2)
    # A loser of a decided category can still go.
    assert await store.ballot.remove_nominee(mad_men.id, next_id()) == mad_men

    # Once the result is undone, the winner and the category can go, and the undone row goes with them.
    await store.database.execute(
        "UPDATE results SET undone_at = ? WHERE id = ?", (to_text(utc_now()), result_id)
    )
    assert (await store.ballot.ballot(party_id))[0].winner_id is None
    removed = await store.ballot.remove_category(drama.category.id, next_id())
    assert removed is not None and removed.nominees == (breaking_bad,)
    assert await counts(store) == (0, 0)
    assert await store.database.fetch_value("SELECT count(*) FROM results") == 0


async def test_a_closed_party_is_read_only(store: Storage, party_id: int) -> None:
    drama = await store.ballot.add_category(party_id, "Drama", [NewNominee("Mad Men")], next_id())
    assert drama is not None
    await store.parties.close(party_id)
    rows = [BallotRow(2, "Comedy", "Girls")]
    attempts = [
        store.ballot.add_category(party_id, "Comedy", [], next_id()),
        store.ballot.add_nominee(drama.category.id, "Homeland", None, next_id()),
        store.ballot.remove_nominee(drama.nominees[0].id, next_id()),
        store.ballot.remove_category(drama.category.id, next_id()),
        store.ballot.import_rows(party_id, rows, next_id()),
    ]
    for attempt in attempts:
        with pytest.raises(Refusal, match="closed"):
            await attempt
    assert await counts(store) == (1, 1)


async def test_the_emmys_ballot_imports_in_one_go(store: Storage, party_id: int) -> None:
    rows = parse_ballot_csv(EMMYS.read_bytes())
    summary = await store.ballot.import_rows(party_id, rows, next_id())
    assert summary == ImportSummary(categories_added=26, categories_extended=0, nominees_added=len(rows))
    ballot = await store.ballot.ballot(party_id)
    assert len(ballot) == 26
    assert [entry.category.position for entry in ballot] == list(range(1, 27))
    assert ballot[0].category.name == "Outstanding Comedy Series"
    assert [n.name for n in ballot[0].nominees][:2] == ["30 Rock", "The Big Bang Theory"]
    assert [n.position for n in ballot[0].nominees] == list(range(1, len(ballot[0].nominees) + 1))


async def test_import_adds_to_existing_categories_after_their_nominees(store: Storage, party_id: int) -> None:
    await store.ballot.add_category(party_id, "Drama", [NewNominee("Mad Men")], next_id())
    rows = [
        BallotRow(2, "Comedy", "Girls"),
        BallotRow(3, "DRAMA", "Homeland", (55,)),
        BallotRow(4, "Comedy", "Veep"),
    ]
    summary = await store.ballot.import_rows(party_id, rows, next_id())
    assert summary == ImportSummary(categories_added=1, categories_extended=1, nominees_added=3)
    ballot = await store.ballot.ballot(party_id)
    assert [(e.category.name, [n.name for n in e.nominees]) for e in ballot] == [
        ("Drama", ["Mad Men", "Homeland"]),
        ("Comedy", ["Girls", "Veep"]),
    ]
    assert ballot[0].nominees[1].member_id == 55


async def test_import_is_all_or_nothing_when_a_line_repeats_a_nominee(store: Storage, party_id: int) -> None:
    await store.ballot.add_category(party_id, "Drama", [NewNominee("Mad Men")], next_id())
    rows = [BallotRow(2, "Comedy", "Girls"), BallotRow(3, "Drama", "mad  men")]
    interaction = next_id()
    with pytest.raises(Refusal) as caught:
        await store.ballot.import_rows(party_id, rows, interaction)
    assert str(caught.value).startswith("Line 3:")
    assert "Nothing was imported" in str(caught.value)
    assert await counts(store) == (1, 1)
    assert await store.database.fetch_value(
        "SELECT count(*) FROM processed_interactions WHERE interaction_id = ?", (interaction,)
    ) == 0
