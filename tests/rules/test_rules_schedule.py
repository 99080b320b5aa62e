"""A start in the past is refused with the date probably meant; a party under way can still be edited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rules import Refusal
from rules.schedule import Schedule, plan_schedule

NOW = datetime(2026, 11, 28, 3, 0, tzinfo=UTC)  # 2026-11-27 19:00 in Los Angeles
LA = "America/Los_Angeles"


def test_a_past_start_is_refused_with_the_same_night_of_the_next_year_it_is_ahead() -> None:
    with pytest.raises(Refusal) as refused:
        plan_schedule(starts="2026-09-15 21:00", ends=None, timezone=LA, now=NOW)
    assert str(refused.value) == (
        "The start, 2026-09-15 21:00, has already passed (America/Los_Angeles time). "
        "Did you mean 2027-09-15 21:00? Give a start that is still ahead."
    )


def test_a_start_years_ago_suggests_the_next_one_ahead_not_the_year_after_it() -> None:
    with pytest.raises(Refusal, match=r"Did you mean 2027-09-22 17:00\?"):
        plan_schedule(starts="2013-09-22 17:00", ends="01:30", timezone=LA, now=NOW)
    with pytest.raises(Refusal, match=r"Did you mean 2026-12-24 20:00\?"):
        plan_schedule(starts="2025-12-24 20:00", ends=None, timezone=LA, now=NOW)


def test_29_february_suggests_the_next_leap_year() -> None:
    with pytest.raises(Refusal, match=r"Did you mean 2028-02-29 20:00\?"):
        plan_schedule(starts="2024-02-29 20:00", ends=None, timezone="UTC", now=NOW)


def test_a_start_ahead_or_a_night_already_under_way_is_accepted() -> None:
    ahead = plan_schedule(starts="2027-09-19 17:00", ends="01:30", timezone=LA, now=NOW)
    assert ahead.starts_at == datetime(2027, 9, 20, 0, 0, tzinfo=UTC)
    # Set up late: the show started an hour ago (18:00 local), which is the night under way.
    late = plan_schedule(starts="2026-11-27 18:00", ends=None, timezone=LA, now=NOW)
    assert late.starts_at == NOW - timedelta(hours=1)


def test_editing_a_party_under_way_may_correct_its_start_to_the_past() -> None:
    under_way = Schedule(NOW - timedelta(hours=8), NOW + timedelta(hours=2), LA)
    fixed = plan_schedule(starts="2026-11-27 10:00", ends=None, timezone=None, now=NOW, current=under_way)
    assert fixed.starts_at == datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    # Only the venue or the end changing never re-checks the start.
    assert plan_schedule(starts=None, ends="23:00", timezone=None, now=NOW, current=under_way).starts_at == (
        under_way.starts_at
    )


def test_moving_a_party_not_yet_begun_into_the_past_is_refused() -> None:
    ahead = Schedule(NOW + timedelta(days=3), None, "UTC")
    with pytest.raises(Refusal, match="has already passed"):
        plan_schedule(starts="2026-01-01 20:00", ends=None, timezone=None, now=NOW, current=ahead)
