"""Fundraising rules: progress toward the goal, its milestones, and which pledges count as paid.

Progress is measured on the pledged total (what the live counter climbs by); money received is shown
beside it but does not move the bar. Percentages are rounded down, so "100%" and the 100 % milestone
both mean the goal is really met, never $0.01 short of it.

Paid pledges: a pledge has no "paid" flag of its own. What a host records as received from a member
pays, in this order, the member's winner's dues (when they have any that are not waived or cancelled),
then their pledges oldest first. A pledge is paid only when the money left covers it whole; the first
pledge not covered stops the walk, so payments never skip ahead to a smaller, newer pledge.
"""

from __future__ import annotations

from collections.abc import Sequence

# Percent of the goal at which the room is told how far it has come.
MILESTONES: tuple[int, ...] = (25, 50, 75, 100)

BAR_WIDTH = 20
_FULL = "█"
_EMPTY = "░"


def progress_percent(total_cents: int, goal_cents: int) -> int:
    """Whole percent of `goal_cents` that `total_cents` reaches, rounded down; may exceed 100."""
    if goal_cents <= 0:
        raise ValueError("a goal is positive")
    return max(total_cents, 0) * 100 // goal_cents


def progress_bar(total_cents: int, goal_cents: int, width: int = BAR_WIDTH) -> str:
    """A text bar `width` cells long, full at the goal (and beyond it), rounded down like the percent."""
    filled = min(width, max(total_cents, 0) * width // goal_cents) if goal_cents > 0 else 0
    return _FULL * filled + _EMPTY * (width - filled)


def milestone_cents(percent: int, goal_cents: int) -> int:
    """The smallest total, in whole cents, that reaches `percent` of the goal."""
    return -(-percent * goal_cents // 100)


def reached_milestones(total_cents: int, goal_cents: int | None) -> list[int]:
    """The milestones `total_cents` has reached, in ascending order; none without a goal."""
    if goal_cents is None:
        return []
    return [m for m in MILESTONES if total_cents * 100 >= m * goal_cents]


def next_milestone(total_cents: int, goal_cents: int | None) -> int | None:
    """The lowest milestone still ahead, or None once the goal is met (or when there is no goal)."""
    if goal_cents is None:
        return None
    return next((m for m in MILESTONES if total_cents * 100 < m * goal_cents), None)


def paid_pledges(pledges: Sequence[tuple[int, int]], received_cents: int, dues_cents: int = 0) -> set[int]:
    """Ids of the pledges that the member's received money pays.

    `pledges` are (id, amount in cents) of the member's live pledges, oldest first; `dues_cents` is
    what they owe as a winner, which is paid before any pledge.
    """
    left = received_cents - dues_cents
    paid: set[int] = set()
    for pledge_id, amount in pledges:
        if amount > left:
            break
        paid.add(pledge_id)
        left -= amount
    return paid
