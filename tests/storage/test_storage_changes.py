"""The change signal: listeners hear of a party's change only after its transaction commits."""

from __future__ import annotations

import pytest

from rules import Refusal
from storage import PartySettings, Storage
from storage.changes import Topic


async def test_a_committed_pledge_tells_listeners_money_changed(store: Storage) -> None:
    party = await store.parties.create(10, 1, PartySettings(name="Losers Lounge"))
    heard: list[tuple[int, frozenset[Topic]]] = []
    store.database.changes.subscribe(lambda party_id, topics: heard.append((party_id, topics)))

    await store.fundraising.add_pledge(party.id, 7, "amy", 500, anonymous=False, note=None, interaction_id=1)
    # The same interaction again changes nothing, so nobody is told.
    await store.fundraising.add_pledge(party.id, 7, "amy", 500, anonymous=False, note=None, interaction_id=1)

    assert heard == [(party.id, frozenset({Topic.MONEY}))]


async def test_a_refused_change_tells_nobody(store: Storage) -> None:
    party = await store.parties.create(10, 1, PartySettings(name="Losers Lounge"))
    await store.parties.close(party.id)
    heard: list[int] = []
    unsubscribe = store.database.changes.subscribe(lambda party_id, topics: heard.append(party_id))

    with pytest.raises(Refusal):
        await store.fundraising.add_pledge(
            party.id, 7, "amy", 500, anonymous=False, note=None, interaction_id=2
        )
    with pytest.raises(Refusal):
        await store.parties.close(party.id)
    unsubscribe()

    assert heard == []


async def test_a_broken_listener_does_not_stop_the_others(store: Storage) -> None:
    party = await store.parties.create(10, 1, PartySettings(name="Losers Lounge"))
    heard: list[int] = []

    def broken(party_id: int, topics: frozenset[Topic]) -> None:
        raise RuntimeError("boom")

    store.database.changes.subscribe(broken)
    store.database.changes.subscribe(lambda party_id, topics: heard.append(party_id))
    await store.rsvps.answer(party.id, 7, display_name="amy", status="going", interaction_id=3)

    assert heard == [party.id]
