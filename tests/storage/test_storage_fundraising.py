"""FundraisingStore on a real SQLite file: pledges once per interaction, cancelling, payments, figures."""

from __future__ import annotations

import asyncio
import contextlib
import random

import pytest

from rules import Refusal
from rules.ledger import paid_pledges
from storage import Party, PartySettings, Storage
from storage.outbox import OutgoingMessage


@pytest.fixture
async def party(store: Storage) -> Party:
    return await store.parties.create(10, 1, PartySettings(name="Losers Lounge", goal_cents=2_000_000))


async def pledge(store: Storage, party: Party, user: int, cents: int, interaction: int, **kw):
    receipt = await store.fundraising.add_pledge(
        party.id, user, f"member {user}", cents, anonymous=kw.get("anonymous", False),
        note=kw.get("note"), interaction_id=interaction,
    )
    return receipt.pledge


async def test_a_pledge_is_stored_once_per_interaction(store: Storage, party: Party) -> None:
    first = await store.fundraising.add_pledge(
        party.id, 7, "amy", 5_000, anonymous=True, note="hi", interaction_id=100
    )
    again = await store.fundraising.add_pledge(
        party.id, 7, "amy", 9_999, anonymous=False, note=None, interaction_id=100
    )
    assert first.new and not again.new
    assert again.pledge == first.pledge
    assert (first.pledge.amount_cents, first.pledge.anonymous, first.pledge.note) == (5_000, True, "hi")
    assert await store.database.fetch_value("SELECT count(*) FROM pledges") == 1


async def test_one_interaction_delivered_five_times_at_once_is_applied_once(
    store: Storage, party: Party
) -> None:
    receipts = await asyncio.gather(
        *(
            store.fundraising.add_pledge(party.id, 7, "amy", 500, anonymous=True, note=None, interaction_id=5)
            for _ in range(5)
        )
    )
    assert sum(r.new for r in receipts) == 1
    assert len({r.pledge.id for r in receipts}) == 1


async def test_a_closed_party_takes_no_pledges_or_payments(store: Storage, party: Party) -> None:
    await store.parties.close(party.id)
    with pytest.raises(Refusal):
        await pledge(store, party, 7, 100, 1)
    # Money still moves on the latest closed party (dues are settled after the night), until another opens.
    await store.ledger.record_payment(party.id, 7, 100, note=None, recorded_by=1, interaction_id=2)
    await store.parties.create(10, 1, PartySettings(name="Next year"))
    with pytest.raises(Refusal):
        await store.ledger.record_payment(party.id, 7, 100, note=None, recorded_by=1, interaction_id=3)
    assert await store.database.fetch_value("SELECT count(*) FROM processed_interactions") == 1


async def test_only_the_owner_cancels_and_only_while_unpaid(store: Storage, party: Party) -> None:
    first = await pledge(store, party, 7, 4_000, 1)
    second = await pledge(store, party, 7, 6_000, 2)
    with pytest.raises(Refusal, match="isn't yours"):
        await store.fundraising.cancel_pledge(first.id, 8, interaction_id=3)

    await store.ledger.record_payment(party.id, 7, 5_000, note=None, recorded_by=1, interaction_id=4)
    with pytest.raises(Refusal, match="paid"):
        await store.fundraising.cancel_pledge(first.id, 7, interaction_id=5)

    cancelled = await store.fundraising.cancel_pledge(second.id, 7, interaction_id=6)
    assert cancelled.is_cancelled
    # A redelivered click gets the same answer and changes nothing.
    assert await store.fundraising.cancel_pledge(second.id, 7, interaction_id=6) == cancelled
    with pytest.raises(Refusal, match="cancelled or voided already"):
        await store.fundraising.cancel_pledge(second.id, 7, interaction_id=7)
    own = await store.fundraising.member_pledges(party.id, 7, newest=25)
    assert [(o.number, o.paid, o.pledge.is_cancelled, o.cancellable) for o in own.shown] == [
        (1, True, False, False), (2, False, True, False)
    ]


async def test_winners_dues_are_paid_before_pledges(store: Storage, party: Party) -> None:
    mine = await pledge(store, party, 7, 4_000, 1)
    await store.database.execute(
        "INSERT INTO dues (party_id, user_id, amount_cents, status, created_at) "
        "VALUES (?, 7, 100000, 'owed', '2013-09-23T05:00:00+00:00')",
        (party.id,),
    )
    receipt = await store.ledger.record_payment(
        party.id, 7, 100_000, note=None, recorded_by=1, interaction_id=2
    )
    assert receipt.dues is not None and receipt.dues.status == "paid"
    applied = receipt.applied
    assert (applied.to_dues, applied.to_pledges, applied.extra_gift) == (100_000, 0, 0)
    assert [o.paid for o in (await store.fundraising.member_pledges(party.id, 7, newest=25)).shown] == [False]
    receipt = await store.ledger.record_payment(
        party.id, 7, 5_000, note="cash", recorded_by=1, interaction_id=3
    )
    applied, member = receipt.applied, receipt.member
    assert (applied.to_dues, applied.to_pledges, applied.extra_gift) == (0, 4_000, 1_000)
    assert (member.received, member.pledged, member.dues) == (105_000, 4_000, 100_000)
    assert [o.paid for o in (await store.fundraising.member_pledges(party.id, 7, newest=25)).shown] == [True]
    with pytest.raises(Refusal, match="paid"):
        await store.fundraising.cancel_pledge(mine.id, 7, interaction_id=4)


async def test_a_redelivered_payment_is_recorded_once(store: Storage, party: Party) -> None:
    payments = store.ledger
    first = await payments.record_payment(party.id, 7, 500, note=None, recorded_by=1, interaction_id=9)
    again = await payments.record_payment(party.id, 7, 500, note=None, recorded_by=1, interaction_id=9)
    assert first.new and not again.new and again.payment == first.payment
    assert again.member.received == 500 and again.applied == first.applied


async def test_counter_figures_hide_anonymous_names(store: Storage, party: Party) -> None:
    await pledge(store, party, 7, 1_000, 1)
    await pledge(store, party, 8, 2_500, 2, anonymous=True, note="quiet")
    cancelled = await pledge(store, party, 9, 99_999, 3)
    await store.fundraising.cancel_pledge(cancelled.id, 9, interaction_id=4)
    await pledge(store, party, 7, 500, 5)
    await store.ledger.record_payment(party.id, 7, 700, note=None, recorded_by=1, interaction_id=6)

    figures = await store.fundraising.counter_figures(party.id, newest=2)
    money = figures.money
    assert (money.raised_cents, money.received_cents, figures.donor_count, figures.pledge_count) == (
        4_000, 700, 2, 3
    )
    assert (money.received_dues_cents, money.received_pledges_cents) == (0, 700)
    assert money.outstanding_cents == 3_300
    assert [(p.name, p.amount_cents, p.note) for p in figures.newest] == [
        ("member 7", 500, None), (None, 2_500, "quiet")
    ]


async def test_the_wall_ranks_donors_and_keeps_anonymous_pledges_apart(store: Storage, party: Party) -> None:
    await pledge(store, party, 7, 1_000, 1)
    await pledge(store, party, 8, 5_000, 2, anonymous=True)
    await pledge(store, party, 7, 1_000, 3)
    await pledge(store, party, 8, 300, 4)
    await pledge(store, party, 9, 2_000, 5)
    wall, own = await store.fundraising.wall_and_own(party.id, 8, newest=25, top=3)
    assert [(e.name, e.total_cents) for e in wall.entries] == [
        (None, 5_000), ("member 7", 2_000), ("member 9", 2_000)
    ]
    assert (wall.more_entries, wall.money.pledged_cents, wall.donor_count) == (1, 9_300, 3)
    # The caller's own list comes from the same read: member 8's anonymous and named pledges alike.
    assert [(o.number, o.pledge.amount_cents, o.pledge.anonymous) for o in own.shown] == [
        (1, 5_000, True), (2, 300, False)
    ]


async def test_each_milestone_is_claimed_once(store: Storage, party: Party) -> None:
    assert await store.fundraising.claim_milestones(party.id, [25, 50]) == [25, 50]
    assert await store.fundraising.claim_milestones(party.id, [25, 50, 75]) == [75]
    claims = await asyncio.gather(*(store.fundraising.claim_milestones(party.id, [100]) for _ in range(4)))
    assert sorted(claims) == [[], [], [], [100]]


async def _full_own_pledges(store: Storage, party_id: int, user_id: int) -> list[tuple[int, int, bool]]:
    """(number, pledge id, paid) of every pledge of the member, worked out over all of them: the answer
    the bounded read must give for the ones it shows."""
    rows = await store.database.fetch_all(
        "SELECT id, amount_cents, cancelled_at IS NULL AND voided_at IS NULL FROM pledges "
        "WHERE party_id = ? AND user_id = ? ORDER BY id",
        (party_id, user_id),
    )
    received = await store.database.fetch_value(
        "SELECT coalesce(sum(amount_cents), 0) FROM payments WHERE party_id = ? AND user_id = ? "
        "AND voided_at IS NULL",
        (party_id, user_id),
    )
    dues = await store.database.fetch_value(
        "SELECT coalesce(sum(amount_cents), 0) FROM dues WHERE party_id = ? AND user_id = ? "
        "AND status IN ('owed', 'paid')",
        (party_id, user_id),
    )
    paid = paid_pledges([(r[0], r[1]) for r in rows if r[2]], received, dues)
    return [(number, r[0], r[0] in paid) for number, r in enumerate(rows, start=1)]


async def test_the_newest_pledges_read_alone_match_the_walk_over_all(store: Storage, party: Party) -> None:
    rng = random.Random(16)
    interaction = iter(range(1_000, 1_000_000))
    payments: list[int] = []
    for step in range(400):
        roll = rng.random()
        mine = await store.database.fetch_all(
            "SELECT id FROM pledges WHERE party_id = ? AND user_id = 7 AND cancelled_at IS NULL "
            "AND voided_at IS NULL",
            (party.id,),
        )
        if roll < 0.55 or not mine:
            user = rng.choice((7, 7, 7, 8))
            await pledge(store, party, user, rng.randrange(100, 20_000), next(interaction))
        elif roll < 0.75:
            receipt = await store.ledger.record_payment(
                party.id, 7, rng.randrange(100, 40_000), note=None, recorded_by=1,
                interaction_id=next(interaction),
            )
            payments.append(receipt.payment.id)
        elif roll < 0.85:
            with contextlib.suppress(Refusal):  # a paid pledge stays
                await store.fundraising.cancel_pledge(
                    rng.choice(mine)[0], 7, interaction_id=next(interaction)
                )
        elif roll < 0.93:
            await store.ledger.void_pledge(
                party.id, rng.choice(mine)[0], 1, "typo", next(interaction), lambda _: OutgoingMessage("void")
            )
        elif payments:
            await store.ledger.void_payment(
                party.id, payments.pop(rng.randrange(len(payments))), 1, "bounced", next(interaction),
                lambda _: OutgoingMessage("void"),
            )
        if step == 150:
            await store.database.execute(
                "INSERT INTO dues (party_id, user_id, amount_cents, status, created_at) "
                "VALUES (?, 7, 250000, 'owed', '2013-09-23T05:00:00+00:00')",
                (party.id,),
            )
        if step % 40 == 39:
            full = await _full_own_pledges(store, party.id, 7)
            live = await store.database.fetch_value(
                "SELECT coalesce(sum(amount_cents), 0) FROM pledges WHERE party_id = ? AND user_id = 7 "
                "AND cancelled_at IS NULL AND voided_at IS NULL",
                (party.id,),
            )
            for newest in (1, 12, 25, 1_000):
                own = await store.fundraising.member_pledges(party.id, 7, newest=newest)
                assert [(o.number, o.pledge.id, o.paid) for o in own.shown] == full[-newest:]
                assert (own.older, own.live_cents) == (max(len(full) - newest, 0), live)
    # The sequence reached the cases that matter: some shown pledges paid, some not, cancels and voids.
    full = await _full_own_pledges(store, party.id, 7)
    assert any(paid for *_, paid in full) and not all(paid for *_, paid in full)
    assert await store.database.fetch_value(
        "SELECT count(*) FROM pledges WHERE user_id = 7 AND cancelled_at IS NOT NULL"
    ) > 0
    assert await store.database.fetch_value(
        "SELECT count(*) FROM pledges WHERE user_id = 7 AND voided_at IS NOT NULL"
    ) > 0
