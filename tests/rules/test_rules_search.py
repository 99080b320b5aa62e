"""Autocomplete matching: case- and accent-insensitive, prefix before word start before substring, ≤ 25."""

from __future__ import annotations

import time
from dataclasses import dataclass

from rules.search import CHOICES_MAX, fold, match


@dataclass(frozen=True)
class Item:
    id: int
    name: str


CATEGORIES = [
    "Outstanding Drama Series",
    "Outstanding Comedy Series",
    "Drama Guild Special",
    "Lead Actress in a Drama Series",
    "Best Melodrama",
    "Writing for a Variety Series",
]


def test_prefix_matches_come_before_word_starts_and_substrings() -> None:
    assert match("drama", CATEGORIES) == [
        "Drama Guild Special",
        "Outstanding Drama Series",
        "Lead Actress in a Drama Series",
        "Best Melodrama",
    ]


def test_matching_ignores_case_accents_and_extra_spaces() -> None:
    names = ["Sofía Vergara", "SOFIA COPPOLA", "Jane  Lynch"]
    assert match("sofia", names) == ["Sofía Vergara", "SOFIA COPPOLA"]
    assert match("  JANE   lyn ", names) == ["Jane  Lynch"]
    assert fold("Ｊａｎｅ\u00a0DOE") == "jane doe"


def test_an_empty_query_lists_the_first_items_in_their_own_order() -> None:
    items = [f"Category {n}" for n in range(100)]
    assert match("", items) == items[:CHOICES_MAX]
    assert match("   ", items, limit=3) == items[:3]


def test_no_match_is_an_empty_list() -> None:
    assert match("zzz", CATEGORIES) == []


def test_key_picks_the_text_and_the_items_come_back_whole() -> None:
    items = [Item(1, "Homeland"), Item(2, "House of Cards"), Item(3, "The Hour")]
    assert [i.id for i in match("ho", items, key=lambda i: i.name)] == [1, 2, 3]
    assert [i.id for i in match("hou", items, key=lambda i: i.name)] == [2, 3]


def test_at_most_25_of_many_matches_prefixes_first_and_fast() -> None:
    items = [Item(n, f"Outstanding Series {n}") for n in range(5000)]
    items.append(Item(9999, "Series Finale"))
    started = time.perf_counter()
    found = match("series", items, key=lambda i: i.name)
    elapsed = time.perf_counter() - started
    assert len(found) == CHOICES_MAX
    assert found[0].id == 9999  # the one prefix match beats thousands of word matches
    assert [i.id for i in found[1:]] == list(range(24))
    assert elapsed < 0.5


def test_a_later_occurrence_can_start_a_word() -> None:
    assert match("ban", ["Anna Banana", "Urban", "Bandit"]) == ["Bandit", "Anna Banana", "Urban"]
