"""When reminders go out: what a host may type for `before`, and which moments get planned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from rules import Refusal
from rules.reminders import before_text, due_moments, parse_before


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("24h, 1h", (1440, 60)),
        ("1h,24h", (1440, 60)),
        ("90m", (90,)),
        ("2h 30m", (150,)),
        ("2H30M", (150,)),
        ("1d", (1440,)),
        ("14d", (14 * 1440,)),
        ("1d 2h, 30m, 5m", (1560, 30, 5)),
        ("1h, 60m", (60,)),
        ("off", ()),
        ("  OFF ", ()),
    ],
)
def test_accepted_forms(typed: str, minutes: tuple[int, ...]) -> None:
    assert parse_before(typed) == minutes


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "soon",
        "1.5h",
        "-1h",
        "0m",
        "0h 0m",
        "24",
        "h",
        "1h 2d",
        "15d",
        "14d 1m",
        "1h, ,2h",
        "1h, 2h, 3h, 4h",
        "@everyone",
        "1h; 2h",
        "x" * 2000,
        "２h",
        "99999d",
    ],
)
def test_everything_else_is_refused_with_the_accepted_forms(typed: str) -> None:
    with pytest.raises(Refusal) as refusal:
        parse_before(typed)
    text = str(refusal.value)
    assert '"24h, 1h"' in text and '"off"' in text
    assert "@everyone" not in text.replace("@\u200beveryone", "")
    assert len(text) < 400


def test_before_text_in_words() -> None:
    assert before_text((1440, 60)) == "24 hours and 1 hour before the start"
    assert before_text((150,)) == "2 hours 30 minutes before the start"
    assert before_text((2880, 90, 5)) == "2 days, 1 hour 30 minutes and 5 minutes before the start"
    assert before_text(()) == "off"


def test_only_moments_still_ahead_are_planned() -> None:
    start = datetime(2030, 3, 1, 20, tzinfo=UTC)
    now = start - timedelta(hours=5)
    assert due_moments(start, (1440, 60), now) == [(60, start - timedelta(hours=1))]
    assert due_moments(start, (1440, 60), start - timedelta(days=2)) == [
        (1440, start - timedelta(days=1)),
        (60, start - timedelta(hours=1)),
    ]
    assert due_moments(start, (), now) == []
