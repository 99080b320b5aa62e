"""The wrap-up chart's time axis: the night's whole hours in the party's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from storage.reports import MoneyEvent
from ui.chart import axis_ticks, money_chart

LA = ZoneInfo("America/Los_Angeles")


def test_a_night_is_labelled_with_its_whole_hours_in_the_party_zone() -> None:
    start = datetime(2026, 12, 7, 1, 2, tzinfo=UTC)  # 17:02 in Los Angeles
    labels = [label for _, label in axis_ticks(start, start + timedelta(hours=3, minutes=40), LA)]
    assert labels == ["18:00", "19:00", "20:00"]


def test_a_long_night_labels_every_second_hour_at_most_eight_times() -> None:
    start = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    ticks = axis_ticks(start, start + timedelta(hours=12), LA)
    assert [label for _, label in ticks] == ["17:00", "19:00", "21:00", "23:00", "01:00", "03:00", "05:00"]


def test_a_short_night_keeps_five_marks_with_minutes() -> None:
    start = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    ticks = axis_ticks(start, start + timedelta(minutes=40), LA)
    assert [label for _, label in ticks] == ["17:00", "17:10", "17:20", "17:30", "17:40"]


def test_the_chart_draws_a_night() -> None:
    start = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    events = [MoneyEvent(start + timedelta(minutes=20 * n), 5000, 2500 * (n % 2)) for n in range(12)]
    assert money_chart(events, 100_000, "Night", "America/Los_Angeles").startswith(b"\x89PNG")
