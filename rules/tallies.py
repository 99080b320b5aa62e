"""The night's tallies: winners against losers, and the passed-over leaderboard's wording.

A person is identified by a key: a linked guild member is one person across categories and parties
("m:<id>"); an unlinked nominee is matched by name, case- and space-insensitively ("n:<name key>").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rules.text import name_key


def person_key(member_id: int | None, name: str) -> str:
    return f"m:{member_id}" if member_id is not None else f"n:{name_key(name)}"


@dataclass(frozen=True)
class AnnouncedCategory:
    """One category with a live result: who won (co-nominees are several people) and everyone nominated."""

    winners: frozenset[str]
    nominees: frozenset[str]


@dataclass(frozen=True)
class Tally:
    announced: int
    total: int
    winners: int
    losers: int

    @property
    def ratio_text(self) -> str:
        """'losers outnumber winners 4.2 to 1', or the plain counts when a ratio would mislead."""
        if self.winners == 0:
            return "no winners yet"
        if self.losers >= self.winners:
            return f"losers outnumber winners {_one_decimal(self.losers / self.winners)} to 1"
        if self.losers == 0:
            return "no losers yet"
        return f"winners outnumber losers {_one_decimal(self.winners / self.losers)} to 1"

    @property
    def summary(self) -> str:
        return (
            f"{self.announced} of {self.total} categories announced · {self.winners} "
            f"{'winner' if self.winners == 1 else 'winners'} · {self.losers} "
            f"{'loser' if self.losers == 1 else 'losers'} · {self.ratio_text} · people counted once each"
        )


def _one_decimal(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def tally(categories: Iterable[AnnouncedCategory], total_categories: int) -> Tally:
    """Winners are everyone who won tonight; losers are the nominees passed over who won nothing."""
    announced = list(categories)
    winners = {w for c in announced for w in c.winners}
    passed_over = {n for c in announced for n in c.nominees if n not in c.winners}
    return Tally(len(announced), total_categories, len(winners), len(passed_over - winners))


def passed_over_text(times: int, categories: int) -> str:
    """'passed over 20 times in 7 categories'."""
    times_word = "time" if times == 1 else "times"
    categories_word = "category" if categories == 1 else "categories"
    return f"passed over {times} {times_word} in {categories} {categories_word}"
