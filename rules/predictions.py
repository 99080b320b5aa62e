"""The predictions game's rules: when a pick is taken, how picks score, and who guessed a result.

A member scores one point per pick that names a category's live winner; nothing is stored, so undoing a
result un-scores it and announcing it again scores again. Members level on points are ordered by who
completed their ballot first: the moment of their last pick or change (a ballot nobody touches after
7 p.m. beats one still being changed at 9).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from rules.errors import (
    CategoryDecided,
    NotAGuest,
    PredictionsClosed,
    PredictionsLocked,
    PredictionsOff,
    RuleRefusal,
    UnreadableLock,
)
from rules.refusal import Refusal
from rules.times import parse_start


@dataclass(frozen=True)
class Pick:
    user_id: int
    category_id: int
    nominee_id: int
    picked_at: datetime


@dataclass(frozen=True)
class Standing:
    """One member's line on the leaderboard; members level on `correct` and `completed_at` share a rank."""

    rank: int
    user_id: int
    correct: int
    picks: int
    completed_at: datetime


@dataclass(frozen=True)
class PickGate:
    """What decides whether a pick may be saved, read inside the transaction that would save it."""

    party_open: bool
    enabled: bool
    locks_at: datetime | None
    now: datetime
    is_guest: bool
    category_name: str
    decided_winner: str | None  # the live winner's name, when the category is already announced


def pick_refusal(gate: PickGate) -> RuleRefusal | None:
    """Why this pick is refused, or None when it may be saved."""
    if not gate.party_open:
        return PredictionsClosed()
    if not gate.enabled:
        return PredictionsOff()
    if not gate.is_guest:
        return NotAGuest()
    if gate.decided_winner is not None:
        return CategoryDecided(gate.category_name, gate.decided_winner)
    if gate.locks_at is not None and gate.now >= gate.locks_at:
        return PredictionsLocked()
    return None


def standings(picks: Iterable[Pick], winners: Mapping[int, int]) -> list[Standing]:
    """The leaderboard: most correct first, then who completed their ballot first.

    `winners` maps each category with a live result to its winning nominee id.
    """
    correct: dict[int, int] = {}
    counted: dict[int, int] = {}
    completed: dict[int, datetime] = {}
    for pick in picks:
        counted[pick.user_id] = counted.get(pick.user_id, 0) + 1
        hit = winners.get(pick.category_id) == pick.nominee_id
        correct[pick.user_id] = correct.get(pick.user_id, 0) + int(hit)
        if pick.user_id not in completed or pick.picked_at > completed[pick.user_id]:
            completed[pick.user_id] = pick.picked_at
    order = sorted(counted, key=lambda user: (-correct[user], completed[user], user))
    board: list[Standing] = []
    for place, user in enumerate(order, start=1):
        previous = board[-1] if board else None
        level = (
            previous is not None
            and previous.correct == correct[user]
            and previous.completed_at == completed[user]
        )
        rank = previous.rank if level and previous is not None else place
        board.append(Standing(rank, user, correct[user], counted[user], completed[user]))
    return board


def best_predictors(board: Sequence[Standing]) -> list[Standing]:
    """Who is toasted at the end: the first-ranked members, once anyone has a correct pick."""
    if not board or board[0].correct == 0:
        return []
    return [standing for standing in board if standing.rank == board[0].rank]


@dataclass(frozen=True)
class Guesses:
    """How a category's predictions went: everyone who picked in it, and who picked the winner."""

    predicted: int
    right: tuple[int, ...]  # user ids, in the order they picked


def guesses(picks: Iterable[Pick], winner_id: int) -> Guesses:
    ordered = sorted(picks, key=lambda pick: (pick.picked_at, pick.user_id))
    return Guesses(len(ordered), tuple(p.user_id for p in ordered if p.nominee_id == winner_id))


@dataclass(frozen=True)
class LockChange:
    """A host's `predictions_lock` option: a moment to lock at, or None to remove the lock."""

    locks_at: datetime | None


def parse_lock(text: str, tz: ZoneInfo, now: datetime) -> LockChange:
    """Reads `predictions_lock`: "now", "off", or a moment typed as YYYY-MM-DD HH:MM in the party's zone.

    :raises Refusal: anything else.
    """
    typed = text.strip().casefold()
    if typed == "now":
        return LockChange(now)
    if typed in ("off", "none", "unlock"):
        return LockChange(None)
    try:
        return LockChange(parse_start(text, tz))
    except Refusal:
        raise UnreadableLock() from None
