"""The demo's story clock: the 2013 night replayed on a Sunday at least a week ahead, time running on."""

from __future__ import annotations

from datetime import date, timedelta

from demo.story import StoryClock, party_day


def test_the_party_is_the_first_sunday_a_week_or_more_ahead() -> None:
    assert party_day(date(2026, 11, 28)) == date(2026, 12, 6)  # a Saturday: Sunday week
    assert party_day(date(2026, 11, 29)) == date(2026, 12, 6)  # a Sunday: the next one
    assert party_day(date(2026, 11, 30)) == date(2026, 12, 13)


def test_the_clock_jumps_forward_only_and_keeps_running() -> None:
    clock = StoryClock(today=date(2026, 11, 28))
    assert clock.starts_typed == "2026-12-06 17:00"
    clock.move_to(timedelta(hours=3, minutes=30))
    evening = clock.now()
    assert evening.astimezone(clock.zone).strftime("%H:%M") == "20:30"
    clock.move_to(timedelta(0))  # back to the show's start: refused, so stored times keep their order
    assert clock.now() >= evening
