"""Screen links: one secret token per party, stable until a reset, which the screen hears about."""

from __future__ import annotations

from storage import PartySettings, Storage
from storage.changes import Topic


async def test_a_link_is_made_once_and_a_reset_replaces_it(store: Storage) -> None:
    party = await store.parties.create(10, 1, PartySettings(name="Losers Lounge"))
    other = await store.parties.create(11, 1, PartySettings(name="Another Lounge"))
    heard: list[tuple[int, frozenset[Topic]]] = []
    store.database.changes.subscribe(lambda party_id, topics: heard.append((party_id, topics)))

    token = await store.screens.link(party.id)
    assert len(token) == 32 and await store.screens.link(party.id) == token
    assert await store.screens.party_of(token) == party.id
    assert await store.screens.link(other.id) != token
    assert heard == []  # showing the link changes nothing on screen

    new = await store.screens.reset(party.id)
    assert new != token and await store.screens.token_of(party.id) == new
    assert await store.screens.party_of(token) is None
    assert await store.screens.party_of(new) == party.id
    assert heard == [(party.id, frozenset({Topic.PARTY}))]  # open pages on the old link get closed
    assert await store.screens.party_of("") is None
