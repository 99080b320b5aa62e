"""The wrap-up embed stays within Discord's limits however long the night's lists get."""

from __future__ import annotations

from datetime import UTC, datetime

from rules.ledger import MoneyFigures
from rules.tallies import Tally
from storage import Party
from storage.dues import Bottle, Dues
from storage.fundraising import CounterFigures
from storage.results import Nominee, Result
from ui.limits import EMBED_FIELD_VALUE_MAX, EMBED_FIELDS_MAX, EMBED_TOTAL_MAX
from ui.wrapup import wrapup_embed

NOW = datetime(2013, 9, 23, 8, 30, tzinfo=UTC)
PARTY = Party(
    1, 10, "Losers Lounge", None, None, None, "UTC", "WOF", 100_000, 2_000_000, None, None, None, 1, NOW, NOW
)
FIGURES = CounterFigures(MoneyFigures(2_017_250, 600_000, 500_000, 685_000), 40, 60, ())


def result(n: int, name: str) -> Result:
    return Result(
        n, 1, n, f"Outstanding Category Number {n}", Nominee(n, name, None), 1, NOW, None, None, None, None
    )


def test_twenty_six_winners_all_show_across_continued_fields() -> None:
    results = [result(n, f"Winner {n}") for n in range(26)]
    embed = wrapup_embed(PARTY, FIGURES, Tally(26, 26, 25, 112), results, [], [])
    winners = [f.value for f in embed.fields if f.name.startswith("Winners")]
    assert len(winners) >= 2 and all(len(v) <= EMBED_FIELD_VALUE_MAX for v in winners)
    shown = "\n".join(winners)
    assert all(f"Winner {n}" in shown for n in range(26))
    assert "more" not in shown
    assert len(embed) <= EMBED_TOTAL_MAX


def test_a_night_too_long_for_one_embed_is_cut_and_counted_never_over_the_limits() -> None:
    results = [result(n, "N" * 100) for n in range(200)]
    bottles = [Bottle(n, "B" * 300) for n in range(100)]
    owed = [Dues(n, 1, n, 100_000, "owed", NOW, None) for n in range(100)]  # type: ignore[arg-type]
    embed = wrapup_embed(PARTY, FIGURES, Tally(200, 200, 200, 0), results, bottles, owed)
    assert len(embed) <= EMBED_TOTAL_MAX
    assert len(embed.fields) <= EMBED_FIELDS_MAX
    assert all(len(f.value) <= EMBED_FIELD_VALUE_MAX for f in embed.fields)
    assert any("more" in f.value for f in embed.fields)
