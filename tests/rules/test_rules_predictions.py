"""The predictions game's rules: who may pick, how picks score and rank, who guessed a result."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from rules import Refusal
from rules.predictions import (
    Pick,
    PickGate,
    best_predictors,
    guesses,
    parse_lock,
    pick_refusal,
    standings,
)

T0 = datetime(2026, 9, 20, 17, 0, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


def gate(**changes: object) -> PickGate:
    values: dict[str, object] = {
        "party_open": True,
        "enabled": True,
        "locks_at": None,
        "now": at(0),
        "is_guest": True,
        "category_name": "Drama",
        "decided_winner": None,
    }
    values.update(changes)
    return PickGate(**values)  # type: ignore[arg-type]


def test_an_open_undecided_category_takes_a_guest_pick() -> None:
    assert pick_refusal(gate()) is None
    assert pick_refusal(gate(locks_at=at(1))) is None


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"party_open": False}, "The party is closed"),
        ({"enabled": False}, "Predictions are off for this party. A host can turn them on"),
        ({"is_guest": False}, "Predictions are for the party's guests: answer the invitation"),
        ({"decided_winner": "Breaking Bad"}, "Too late: Drama was already announced (Breaking Bad won)"),
        ({"locks_at": at(0)}, "Predictions are locked"),
        ({"locks_at": at(-5)}, "Predictions are locked"),
    ],
)
def test_refusals_say_why(changes: dict[str, object], expected: str) -> None:
    refusal = pick_refusal(gate(**changes))
    assert refusal is not None and str(refusal).startswith(expected)


def test_one_point_per_correct_pick_and_undecided_picks_score_nothing() -> None:
    picks = [
        Pick(1, 10, 100, at(0)),
        Pick(1, 11, 110, at(1)),
        Pick(1, 12, 120, at(2)),  # category 12 is undecided
        Pick(2, 10, 101, at(0)),
        Pick(2, 11, 110, at(0)),
    ]
    board = standings(picks, {10: 100, 11: 110})
    assert [(s.rank, s.user_id, s.correct, s.picks) for s in board] == [(1, 1, 2, 3), (2, 2, 1, 2)]
    # The winner of 10 withdrawn (undo): scores follow the live results only.
    board = standings(picks, {11: 110})
    assert [(s.user_id, s.correct) for s in board] == [(2, 1), (1, 1)]  # level: 2 completed first


def test_level_scores_go_to_who_completed_their_ballot_first_and_exact_ties_share_a_rank() -> None:
    picks = [
        Pick(3, 10, 100, at(9)),
        Pick(1, 10, 100, at(5)),
        Pick(1, 11, 999, at(7)),  # a later change moves the completion time
        Pick(2, 10, 100, at(6)),
        Pick(4, 10, 100, at(6)),
        Pick(5, 10, 555, at(1)),
    ]
    board = standings(picks, {10: 100})
    assert [(s.rank, s.user_id) for s in board] == [(1, 2), (1, 4), (3, 1), (4, 3), (5, 5)]
    assert [s.user_id for s in best_predictors(board)] == [2, 4]


def test_nobody_is_toasted_before_a_correct_pick() -> None:
    assert best_predictors([]) == []
    assert best_predictors(standings([Pick(1, 10, 101, at(0))], {10: 100})) == []


def test_guesses_count_everyone_who_predicted_and_list_who_was_right_in_pick_order() -> None:
    picks = [Pick(3, 10, 100, at(3)), Pick(1, 10, 100, at(5)), Pick(2, 10, 101, at(1))]
    result = guesses(picks, 100)
    assert (result.predicted, result.right) == (3, (3, 1))
    assert guesses([], 100).predicted == 0


def test_the_lock_reads_now_off_and_a_local_moment() -> None:
    la = ZoneInfo("America/Los_Angeles")
    assert parse_lock("now", la, T0).locks_at == T0
    assert parse_lock(" OFF ", la, T0).locks_at is None
    assert parse_lock("2026-09-20 17:00", la, T0).locks_at == datetime(2026, 9, 21, 0, 0, tzinfo=UTC)
    for bad in ("tomorrow", "17:00", "2026-02-30 10:00", "@everyone"):
        with pytest.raises(Refusal, match="YYYY-MM-DD HH:MM"):
            parse_lock(bad, la, T0)
