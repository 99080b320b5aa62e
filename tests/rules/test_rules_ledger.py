"""The money model: raised, received split into dues and pledges, outstanding, and how a payment applies."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from rules.ledger import MemberMoney, apply_payment, party_figures

cents = st.integers(min_value=0, max_value=10**9)


def test_the_demo_night_counts_the_winners_dues_as_raised() -> None:
    members = [
        MemberMoney(pledged=2_017_250 - 100_000, dues=0, received=500_000),
        MemberMoney(pledged=100_000, dues=100_000, received=100_000),
        MemberMoney(pledged=0, dues=500_000, received=500_000),
    ]
    money = party_figures(members)
    assert money.raised_cents == 2_617_250
    assert (money.received_dues_cents, money.received_pledges_cents) == (600_000, 500_000)
    assert money.outstanding_cents == 2_617_250 - 1_100_000


def test_a_payment_settles_dues_then_pledges_then_is_an_extra_gift() -> None:
    member = MemberMoney(pledged=25_000, dues=100_000, received=0)
    applied = apply_payment(member, 110_000)
    assert (applied.to_dues, applied.to_pledges, applied.extra_gift) == (100_000, 10_000, 0)
    later = MemberMoney(25_000, 100_000, 110_000)
    applied = apply_payment(later, 20_000)
    assert (applied.to_dues, applied.to_pledges, applied.extra_gift) == (0, 15_000, 5_000)
    assert party_figures([MemberMoney(25_000, 100_000, 130_000)]).raised_cents == 130_000


def test_money_paid_before_a_win_counts_toward_the_dues() -> None:
    before_win = MemberMoney(pledged=5_000, dues=0, received=100_000)
    assert before_win.extra_gift == 95_000
    won = MemberMoney(pledged=5_000, dues=100_000, received=100_000)
    assert (won.to_dues, won.to_pledges, won.extra_gift) == (100_000, 0, 0)


@given(st.lists(st.tuples(cents, cents, cents), max_size=8), cents)
def test_the_figures_always_add_up(rows: list[tuple[int, int, int]], amount: int) -> None:
    members = [MemberMoney(*row) for row in rows]
    money = party_figures(members)
    assert money.raised_cents == sum(m.pledged + m.dues + m.extra_gift for m in members)
    assert money.received_cents == sum(m.received for m in members)
    assert money.outstanding_cents >= 0
    for member in members:
        applied = apply_payment(member, amount)
        assert applied.to_dues + applied.to_pledges + applied.extra_gift == amount
        assert min(applied.to_dues, applied.to_pledges, applied.extra_gift) >= 0
