"""RsvpStore on a real SQLite file: answers, the waitlist in order, promotions, counts, redeliveries."""

from __future__ import annotations

import asyncio
from itertools import count

import pytest

from rules import Refusal
from storage import PartySettings, Storage

_interaction_ids = count(1000)


async def answer(store: Storage, party_id: int, user_id: int, status: str = "going", **kwargs):
    kwargs.setdefault("interaction_id", next(_interaction_ids))
    return await store.rsvps.answer(
        party_id, user_id, display_name=f"guest {user_id}", status=status, **kwargs
    )


async def test_a_first_answer_is_stored_and_counted(store: Storage) -> None:
    party = await store.parties.create(1, 9, PartySettings(name="Emmys"))
    outcome = await answer(store, party.id, 10, plus_ones=2, note="bringing cake")
    assert outcome.applied and outcome.rsvp.confirmed and outcome.previous is None
    await answer(store, party.id, 11, "maybe")
    await answer(store, party.id, 12, "not_going")
    counts = await store.rsvps.counts(party.id)
    assert (counts.going, counts.going_heads, counts.maybe, counts.waitlisted, counts.not_going) == (
        1, 3, 1, 0, 1,
    )
    stored = await store.rsvps.get(party.id, 10)
    assert (stored.plus_ones, stored.note, stored.display_name) == (2, "bringing cake", "guest 10")


async def test_answering_again_keeps_plus_ones_and_note_unless_given(store: Storage) -> None:
    party = await store.parties.create(1, 9, PartySettings(name="Emmys"))
    await answer(store, party.id, 10, plus_ones=2, note="cake")
    again = await answer(store, party.id, 10, "maybe")
    assert (again.rsvp.status, again.rsvp.plus_ones, again.rsvp.note) == ("maybe", 2, "cake")
    assert again.previous is not None and again.previous.status == "going"
    cleared = await answer(store, party.id, 10, "going", plus_ones=0, clear_note=True)
    assert (cleared.rsvp.plus_ones, cleared.rsvp.note) == (0, None)
    assert cleared.rsvp.created_at == again.rsvp.created_at


async def test_past_capacity_members_wait_in_order_and_a_freed_place_promotes_the_first_who_fits(
    store: Storage,
) -> None:
    party = await store.parties.create(1, 9, PartySettings(name="Emmys", capacity=3))
    await answer(store, party.id, 10, plus_ones=1)
    await answer(store, party.id, 11)
    big = await answer(store, party.id, 12, plus_ones=2)
    small = await answer(store, party.id, 13)
    assert (big.place, small.place) == (1, 2)
    assert (await store.rsvps.counts(party.id)).waitlisted == 2

    freed = await answer(store, party.id, 11, "not_going")
    assert [r.user_id for r in freed.promoted] == [13]
    assert freed.promoted[0].confirmed
    guests = await store.rsvps.guest_list(party.id)
    assert [r.user_id for r in guests.going] == [10, 13]
    assert [r.user_id for r in guests.waitlist] == [12]
    assert [r.user_id for r in guests.not_going] == [11]

    # The group of three waits until all three places are free.
    assert (await answer(store, party.id, 10, "maybe")).promoted == ()
    freed = await answer(store, party.id, 13, "not_going")
    assert [r.user_id for r in freed.promoted] == [12]
    counts = await store.rsvps.counts(party.id)
    assert (counts.going, counts.going_heads, counts.waitlisted) == (1, 3, 0)


async def test_a_newcomer_joins_the_end_of_the_line_and_places_count_from_the_front(store: Storage) -> None:
    party = await store.parties.create(1, 9, PartySettings(name="Emmys", capacity=1))
    await answer(store, party.id, 10)
    for user_id in (11, 12, 13):
        await answer(store, party.id, user_id)
    await answer(store, party.id, 11, "maybe")  # leaves the line
    back = await answer(store, party.id, 11)
    assert back.place == 3
    still = await answer(store, party.id, 12, note="still keen")
    assert still.place == 1 and still.rsvp.waitlist_seq == 2


async def test_raising_plus_ones_past_capacity_is_refused_and_changes_nothing(store: Storage) -> None:
    party = await store.parties.create(1, 9, PartySettings(name="Emmys", capacity=3))
    await answer(store, party.id, 10, plus_ones=1)
    interaction_id = next(_interaction_ids)
    with pytest.raises(Refusal, match="Only 1 place left"):
        await answer(store, party.id, 10, plus_ones=3, interaction_id=interaction_id)
    assert (await store.rsvps.get(party.id, 10)).plus_ones == 1
    assert await store.database.fetch_value(
        "SELECT count(*) FROM processed_interactions WHERE interaction_id = ?", (interaction_id,)
    ) == 0


async def test_the_same_interaction_is_applied_once(store: Storage) -> None:
    party = await store.parties.create(1, 9, PartySettings(name="Emmys"))
    first = await answer(store, party.id, 10, plus_ones=1, interaction_id=42)
    await answer(store, party.id, 10, "maybe")
    again = await answer(store, party.id, 10, plus_ones=1, interaction_id=42)
    assert first.applied and not again.applied
    assert again.rsvp.status == "maybe"


async def test_a_closed_party_takes_no_answers(store: Storage) -> None:
    party = await store.parties.create(1, 9, PartySettings(name="Emmys"))
    await store.parties.close(party.id)
    with pytest.raises(Refusal, match="RSVPs are closed"):
        await answer(store, party.id, 10)
    assert await store.rsvps.get(party.id, 10) is None


async def test_many_answers_at_once_never_overfill_the_party(store: Storage) -> None:
    party = await store.parties.create(1, 9, PartySettings(name="Emmys", capacity=10))
    outcomes = await asyncio.gather(*(answer(store, party.id, uid, plus_ones=uid % 3) for uid in range(30)))
    counts = await store.rsvps.counts(party.id)
    assert counts.going_heads <= 10
    assert counts.going + counts.waitlisted == 30
    places = sorted(o.place for o in outcomes if o.place is not None)
    assert places == list(range(1, counts.waitlisted + 1))
