"""The outbox on a real SQLite file: a post commits with its decision or not at all, is delivered once,
and a missing permission opens one problem whose notice to the hosts is queued with it."""

from __future__ import annotations

import pytest

from rules import Refusal
from storage import Party, PartySettings, Storage, WrapupFacts
from storage.outbox import (
    OutgoingFile,
    OutgoingMessage,
    direct_message,
    edit_delivered,
    post_in_channel,
    withdraw_if_pending,
)
from ui.notices import delivery_problem_notice

CHANNEL = 500


@pytest.fixture
async def party(store: Storage) -> Party:
    return await store.parties.create(10, 1, PartySettings(name="Losers Lounge"))


async def test_a_post_commits_with_its_transaction_or_not_at_all(store: Storage, party: Party) -> None:
    chart = OutgoingFile("chart.png", b"\x89PNG")
    message = OutgoingMessage("Drama: Amy wins", ({"title": "Drama"},), (7,), (chart,))
    async with store.database.transaction() as tx:
        row_id = await post_in_channel(
            tx, party_id=party.id, channel_id=CHANNEL, message=message, kind="result"
        )
    with pytest.raises(RuntimeError):
        async with store.database.transaction() as tx:
            await post_in_channel(tx, party_id=party.id, channel_id=CHANNEL, message=message, kind="lost")
            raise RuntimeError("the decision failed")
    [item] = await store.outbox.pending()
    assert item.id == row_id and item.message == message and item.kind == "result"
    assert len(item.nonce) <= 25 and item.nonce.startswith(f"o{row_id}t")

    await store.outbox.mark_delivered([row_id], CHANNEL, 9001)
    assert await store.outbox.pending() == []
    assert await store.outbox.delivered(row_id) == (CHANNEL, 9001)


async def test_an_edit_waits_for_its_message_and_a_withdrawn_post_never_goes(
    store: Storage, party: Party
) -> None:
    async with store.database.transaction() as tx:
        first = await post_in_channel(
            tx, party_id=party.id, channel_id=CHANNEL, message=OutgoingMessage("one"), kind="result"
        )
        edit = await edit_delivered(
            tx, party_id=party.id, target_id=first, message=OutgoingMessage("one (withdrawn)"), kind="w"
        )
        second = await post_in_channel(
            tx, party_id=party.id, channel_id=CHANNEL, message=OutgoingMessage("two"), kind="result"
        )
    by_id = {item.id: item for item in await store.outbox.pending()}
    assert by_id[edit].target_message_id is None and not by_id[edit].target_dropped
    await store.outbox.mark_delivered([first], CHANNEL, 1)
    by_id = {item.id: item for item in await store.outbox.pending()}
    assert (by_id[edit].target_channel_id, by_id[edit].target_message_id) == (CHANNEL, 1)
    async with store.database.transaction() as tx:
        assert await withdraw_if_pending(tx, second, "undone before it went out")
        assert not await withdraw_if_pending(tx, first, "too late")
    assert second not in {item.id for item in await store.outbox.pending()}


async def test_a_missing_permission_tells_the_hosts_once_until_it_is_resolved(
    store: Storage, party: Party
) -> None:
    async with store.database.transaction() as tx:
        rows = [
            await post_in_channel(
                tx, party_id=party.id, channel_id=CHANNEL, message=OutgoingMessage(f"post {n}"), kind="result"
            )
            for n in range(3)
        ]
        dm = await direct_message(
            tx, party_id=party.id, user_id=7, message=OutgoingMessage("hi"), kind="promotion",
            fallback_channel_id=CHANNEL,
        )
    items = {item.id: item for item in await store.outbox.pending()}
    opened = await store.outbox.mark_blocked(
        items[rows[0]], CHANNEL, 50013, "Send Messages", delivery_problem_notice
    )
    assert opened is not None and opened.missing == "Send Messages"
    notice = delivery_problem_notice
    assert await store.outbox.mark_blocked(items[rows[1]], CHANNEL, 50013, "Send Messages", notice) is None
    assert await store.outbox.report_problem(party.id, CHANNEL, 50013, "Send Messages", notice) is None
    [problem] = await store.outbox.open_problems(party.id)
    assert problem.channel_id == CHANNEL

    pending = await store.outbox.pending()
    notices = [item for item in pending if item.kind == "problem notice"]
    assert [n.user_id for n in notices] == [1], "the party's creator is told, once"
    assert f"<#{CHANNEL}>" in (notices[0].message.content or "")
    assert {item.id for item in pending} == {rows[2], dm, notices[0].id}
    [head] = await store.outbox.pending(blocked=True)
    assert head.id == rows[0], "a retry tries the channel's oldest blocked post first"

    await store.outbox.mark_delivered([rows[0]], CHANNEL, 77)
    assert await store.outbox.open_problems(party.id) == []
    assert rows[1] in {item.id for item in await store.outbox.pending()}, "the rest are freed"
    # A new refusal later is a new problem, told again.
    items = {item.id: item for item in await store.outbox.pending()}
    assert await store.outbox.mark_blocked(items[rows[1]], CHANNEL, 50001, "View Channel", notice)


async def _ballot(store: Storage, party: Party) -> tuple[int, int]:
    async with store.database.transaction() as tx:
        category = await tx.execute(
            "INSERT INTO categories (party_id, name, name_key, position) VALUES (?, 'Drama', 'drama', 0)",
            (party.id,),
        )
        nominee = await tx.execute(
            "INSERT INTO nominees (category_id, name, name_key, position) VALUES (?, 'Amy', 'amy', 0)",
            (category,),
        )
    return category, nominee


async def test_an_undo_marks_a_posted_announcement_withdrawn_and_drops_an_unposted_one(
    store: Storage, party: Party
) -> None:
    category, nominee = await _ballot(store, party)

    async def announce(interaction: int) -> int:
        outcome = await store.results.announce(
            party, category, nominee, 1, interaction, channel_id=CHANNEL,
            compose=lambda made: OutgoingMessage(embeds=({"title": f"🏆 {made.result.category_name}"},)),
        )
        assert outcome.outbox_id is not None
        return outcome.outbox_id

    async def undo(interaction: int) -> int:
        outcome = await store.results.undo(
            party, category, 1, "wrong envelope", interaction,
            compose=lambda made: OutgoingMessage(f"Correction: {made.result.undo_reason}"),
            withdrawn=lambda original: OutgoingMessage(embeds=({"title": "Withdrawn"},)),
        )
        assert outcome.outbox_id is not None
        return outcome.outbox_id

    posted = await announce(1)
    await store.outbox.mark_delivered([posted], CHANNEL, 4242)
    correction = await undo(2)
    pending = {item.id: item for item in await store.outbox.pending()}
    [withdrawn] = [item for item in pending.values() if item.edit_of == posted]
    assert (withdrawn.target_channel_id, withdrawn.target_message_id) == (CHANNEL, 4242)
    assert withdrawn.message.embeds == ({"title": "Withdrawn"},)
    assert pending[correction].channel_id == CHANNEL
    assert pending[correction].message.content == "Correction: wrong envelope"

    # Undone before it ever went out: it never will, and there is nothing to mark.
    unposted = await announce(3)
    await undo(4)
    assert await store.outbox.status(unposted) == "dropped"
    assert not [item for item in await store.outbox.pending() if item.edit_of == unposted]


async def test_closing_queues_the_wrap_up_with_what_the_close_froze(store: Storage, party: Party) -> None:
    await store.fundraising.add_pledge(
        party.id, 7, "amy", 2_500, anonymous=False, note=None, interaction_id=900
    )
    seen = []

    def compose(facts: WrapupFacts) -> OutgoingMessage:
        seen.append(facts)
        pledged = facts.figures.money.pledged_cents
        return OutgoingMessage(f"pledged {pledged}", files=(OutgoingFile("c.png", b"x"),))

    closed, row = await store.close_party(party.id, channel_id=CHANNEL, compose=compose)
    assert not closed.is_open and seen[0].party.closed_at == closed.closed_at
    [item] = await store.outbox.pending()
    assert item.id == row and item.kind == "wrap-up" and item.message.content == "pledged 2500"
    assert item.message.files == (OutgoingFile("c.png", b"x"),)
    # A refused close (already closed) queues nothing.
    with pytest.raises(Refusal):
        await store.close_party(party.id, channel_id=CHANNEL, compose=compose)
    assert [i.id for i in await store.outbox.pending()] == [row]
