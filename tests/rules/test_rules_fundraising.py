"""Progress, milestones and paid pledges: the pure fundraising rules."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.fundraising import (
    BAR_WIDTH,
    MILESTONES,
    milestone_cents,
    next_milestone,
    progress_bar,
    progress_percent,
    reached_milestones,
)
from rules.ledger import paid_newest, paid_pledges

cents = st.integers(min_value=0, max_value=10**12)
goals = st.integers(min_value=1, max_value=10**12)


@pytest.mark.parametrize(
    ("total", "goal", "percent"),
    [(0, 2_000_000, 0), (500_000, 2_000_000, 25), (1_999_999, 2_000_000, 99), (2_000_000, 2_000_000, 100),
     (5_000_000, 2_000_000, 250), (1, 3, 33)],
)
def test_progress_percent_rounds_down(total: int, goal: int, percent: int) -> None:
    assert progress_percent(total, goal) == percent


def test_progress_bar_fills_with_the_total_and_stops_at_the_goal() -> None:
    assert progress_bar(0, 100) == "░" * 20
    assert progress_bar(50, 100) == "█" * 10 + "░" * 10
    assert progress_bar(99, 100) == "█" * 19 + "░"
    assert progress_bar(100, 100) == "█" * 20
    assert progress_bar(1_000, 100) == "█" * 20
    assert progress_bar(3, 10, width=4) == "█░░░"


@given(cents, goals)
def test_the_bar_is_always_full_width_and_never_full_before_the_goal(total: int, goal: int) -> None:
    bar = progress_bar(total, goal)
    assert len(bar) == BAR_WIDTH
    assert (bar == "█" * BAR_WIDTH) == (total >= goal)


def test_milestones_reached_and_next() -> None:
    goal = 2_000_000
    assert reached_milestones(499_999, goal) == []
    assert next_milestone(499_999, goal) == 25
    assert reached_milestones(500_000, goal) == [25]
    assert next_milestone(500_000, goal) == 50
    assert reached_milestones(1_999_999, goal) == [25, 50, 75]
    assert next_milestone(1_999_999, goal) == 100
    assert reached_milestones(9_000_000, goal) == list(MILESTONES)
    assert next_milestone(2_000_000, goal) is None


def test_without_a_goal_there_are_no_milestones() -> None:
    assert reached_milestones(10**9, None) == []
    assert next_milestone(10**9, None) is None


def test_milestone_cents_rounds_up_to_a_whole_cent() -> None:
    assert milestone_cents(25, 2_000_000) == 500_000
    assert milestone_cents(25, 10_001) == 2_501  # 25% of $100.01 is $25.0025: $25.01 reaches it
    assert reached_milestones(2_500, 10_001) == [] and reached_milestones(2_501, 10_001) == [25]


@given(cents, goals)
def test_milestones_agree_with_the_percent_shown(total: int, goal: int) -> None:
    """A milestone is reached exactly when the rounded-down percent shows it: no "100%" while short."""
    shown = progress_percent(total, goal)
    assert reached_milestones(total, goal) == [m for m in MILESTONES if shown >= m]
    upcoming = next_milestone(total, goal)
    if upcoming is not None:
        assert shown < upcoming
        assert total < milestone_cents(upcoming, goal)


def test_payments_pay_dues_first_then_pledges_oldest_first_and_whole() -> None:
    pledges = [(1, 4_000), (2, 6_000), (3, 1_000)]
    assert paid_pledges(pledges, 0) == set()
    assert paid_pledges(pledges, 3_999) == set()
    assert paid_pledges(pledges, 4_000) == {1}
    # The $60 is not covered, so the later, smaller $10 waits its turn.
    assert paid_pledges(pledges, 5_000) == {1}
    assert paid_pledges(pledges, 11_000) == {1, 2, 3}
    assert paid_pledges(pledges, 104_000, dues_cents=100_000) == {1}
    assert paid_pledges(pledges, 50_000, dues_cents=100_000) == set()


@given(
    st.lists(st.integers(min_value=1, max_value=10**8), max_size=20),
    st.integers(min_value=0, max_value=10**9),
    st.integers(min_value=0, max_value=10**8),
)
def test_paid_pledges_never_cost_more_than_was_received(amounts: list[int], received: int, dues: int) -> None:
    pledges = list(enumerate(amounts))
    paid = paid_pledges(pledges, received, dues)
    assert sum(amounts[i] for i in paid) <= max(received - dues, 0)
    # Paid pledges are always the oldest ones.
    assert paid == set(range(len(paid)))


def test_the_newest_pledges_are_paid_only_once_the_older_ones_are() -> None:
    newest = [(3, 1_000), (4, 2_000)]
    # $100 older: the newest are reached with what is left after it.
    assert paid_newest(newest, 10_000, 10_999) == set()
    assert paid_newest(newest, 10_000, 11_000) == {3}
    assert paid_newest(newest, 10_000, 13_000) == {3, 4}
    # Dues come before every pledge.
    assert paid_newest(newest, 10_000, 13_000, dues_cents=2_000) == {3}
    assert paid_newest(newest, 0, 500, dues_cents=1_000) == set()


@given(
    st.lists(st.integers(min_value=1, max_value=10**6), max_size=30),
    st.integers(min_value=0, max_value=30),
    st.integers(min_value=0, max_value=10**7),
    st.integers(min_value=0, max_value=10**6),
)
def test_the_newest_pledges_alone_are_paid_as_in_the_walk_over_all(
    amounts: list[int], shown: int, received: int, dues: int
) -> None:
    pledges = list(enumerate(amounts))
    cut = max(len(pledges) - shown, 0)
    older = sum(amount for _, amount in pledges[:cut])
    everything = paid_pledges(pledges, received, dues)
    assert paid_newest(pledges[cut:], older, received, dues) == {i for i in everything if i >= cut}
