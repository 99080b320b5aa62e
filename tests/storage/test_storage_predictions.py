"""PredictionStore on a real SQLite file: picks racing announcements, forged ids, scores from live results."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from rules import Refusal
from rules.text import name_key
from storage import Party, PartySettings, Storage

GUILD = 10
HOST = 1
GUESTS = range(500, 540)
interaction_ids = itertools.count(5_000)


async def category(store: Storage, party: Party, name: str, nominees: list[str]) -> tuple[int, list[int]]:
    """Sets up a ballot row by hand: the ballot's own store is tested on its own."""
    async with store.database.transaction() as tx:
        category_id = await tx.execute(
            "INSERT INTO categories (party_id, name, name_key, position) VALUES (?, ?, ?, 0)",
            (party.id, name, name_key(name)),
        )
        ids = [
            await tx.execute(
                "INSERT INTO nominees (category_id, name, name_key, position) VALUES (?, ?, ?, ?)",
                (category_id, nominee, name_key(nominee), index),
            )
            for index, nominee in enumerate(nominees)
        ]
    return category_id, ids


async def guests(store: Storage, party: Party) -> None:
    for user_id in GUESTS:
        await store.rsvps.answer(
            party.id,
            user_id,
            display_name=f"guest {user_id}",
            status="going",
            interaction_id=next(interaction_ids),
        )


async def pick(
    store: Storage, party: Party, category_id: int, nominee_id: int, user_id: int, **extra: object
):
    values: dict[str, object] = {
        "guild_id": party.guild_id,
        "party_id": party.id,
        "category_id": category_id,
        "nominee_id": nominee_id,
        "user_id": user_id,
        "display_name": f"guest {user_id}",
        "is_host": False,
        "interaction_id": next(interaction_ids),
    }
    values.update(extra)
    return await store.predictions.pick(**values)  # type: ignore[arg-type]


async def test_picks_racing_an_announcement_are_saved_before_it_or_refused_after_it(store: Storage) -> None:
    party = await store.parties.create(GUILD, HOST, PartySettings(name="Emmys"))
    await guests(store, party)
    drama, (jon, bryan) = await category(store, party, "Drama", ["Jon Hamm", "Bryan Cranston"])

    async def guess(user_id: int) -> bool:
        try:
            await pick(store, party, drama, bryan, user_id)
        except Refusal:
            return False
        return True

    tasks = [asyncio.create_task(guess(user_id)) for user_id in GUESTS]
    await asyncio.sleep(0)
    outcome = await store.results.announce(party, drama, bryan, HOST, next(interaction_ids))
    saved = sum(await asyncio.gather(*tasks))
    announced_at = outcome.result.announced_at.isoformat(timespec="microseconds")
    late = await store.database.fetch_value(
        "SELECT count(*) FROM predictions WHERE category_id = ? AND picked_at > ?", (drama, announced_at)
    )
    assert late == 0
    assert await store.database.fetch_value("SELECT count(*) FROM predictions") == saved
    # The announcement's figures were read in its own transaction: every pick saved before it, no other.
    guessed = outcome.guesses
    assert guessed is not None and guessed.predicted == len(guessed.right) == saved
    with pytest.raises(Refusal, match="Too late"):
        await pick(store, party, drama, jon, GUESTS[0])


async def test_ids_are_checked_against_the_guild_the_pick_came_from(store: Storage) -> None:
    ours = await store.parties.create(GUILD, HOST, PartySettings(name="Ours"))
    theirs = await store.parties.create(GUILD + 1, HOST, PartySettings(name="Theirs"))
    await guests(store, ours)
    mine, (a, _b) = await category(store, ours, "Mine", ["A", "B"])
    secret, (s1, _s2) = await category(store, theirs, "Secret", ["S1", "S2"])
    with pytest.raises(Refusal, match="isn't for this server's party"):
        await pick(store, theirs, secret, s1, GUESTS[0], guild_id=GUILD)
    with pytest.raises(Refusal, match="no longer on the ballot"):
        await pick(store, ours, secret, s1, GUESTS[0])
    with pytest.raises(Refusal, match="no longer on the ballot"):
        await pick(store, ours, mine, s1, GUESTS[0])  # a nominee of another category
    with pytest.raises(Refusal, match="for the party's guests"):
        await pick(store, ours, mine, a, 999)  # no RSVP
    assert (await pick(store, ours, mine, a, 999, is_host=True)).applied  # hosts play too
    assert await store.database.fetch_value("SELECT count(*) FROM predictions") == 1


async def test_undo_unscores_and_announcing_again_scores_once(store: Storage) -> None:
    party = await store.parties.create(GUILD, HOST, PartySettings(name="Emmys"))
    await guests(store, party)
    drama, (jon, bryan) = await category(store, party, "Drama", ["Jon Hamm", "Bryan Cranston"])
    await pick(store, party, drama, jon, GUESTS[0])
    await pick(store, party, drama, bryan, GUESTS[1])
    await store.results.announce(party, drama, jon, HOST, next(interaction_ids))
    board = await store.predictions.leaderboard(party.id)
    assert [(s.user_id, s.correct) for s in board.standings] == [(GUESTS[0], 1), (GUESTS[1], 0)]
    await store.results.undo(party, drama, HOST, None, next(interaction_ids))
    board = await store.predictions.leaderboard(party.id)
    assert board.decided == 0 and all(s.correct == 0 for s in board.standings)
    await store.results.announce(party, drama, bryan, HOST, next(interaction_ids))
    board = await store.predictions.leaderboard(party.id)
    assert [(s.user_id, s.correct) for s in board.standings] == [(GUESTS[1], 1), (GUESTS[0], 0)]
    assert board.decided == 1
