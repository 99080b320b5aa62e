"""Fundraising rules: progress toward the goal and its milestones.

Progress is measured on the money raised (`rules.ledger`: pledges plus winners' dues); money received
is shown beside it but does not move the bar. Percentages are rounded down, so "100%" and the 100 %
milestone both mean the goal is really met, never $0.01 short of it.
"""

from __future__ import annotations

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
