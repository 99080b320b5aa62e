"""Matching what a user has typed so far against a list of names: the rule behind every autocomplete.

Matching ignores case, accents and runs of spaces ("sofia" finds "Sofía Vergara"). Names that start
with the query come first, then names with a word starting with it ("drama" → "Outstanding Drama
Series"), then names containing it anywhere; within each group the list keeps its own order, so a
ballot stays in display order. At most `limit` results, 25 being Discord's cap on choices.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

CHOICES_MAX = 25

_PREFIX, _WORD_START, _INSIDE = range(3)


def fold(text: str) -> str:
    """The form both sides are compared in: compatibility-folded, accent-free, casefolded, single-spaced."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def _rank(query: str, name: str) -> int | None:
    if name.startswith(query):
        return _PREFIX
    position = name.find(query)
    if position < 0:
        return None
    # A later occurrence may start a word even when the first one does not ("Anna Banana" / "ban").
    while position >= 0:
        if not name[position - 1].isalnum():
            return _WORD_START
        position = name.find(query, position + 1)
    return _INSIDE


def match(
    query: str, items: Iterable[T], key: Callable[[T], str] = str, limit: int = CHOICES_MAX
) -> list[T]:
    """The items whose `key` matches `query`, best first, at most `limit`; an empty query lists the first."""
    wanted = fold(query)
    if not wanted:
        found: list[T] = []
        for item in items:
            if len(found) >= limit:
                break
            found.append(item)
        return found
    groups: tuple[list[T], list[T], list[T]] = ([], [], [])
    for item in items:
        rank = _rank(wanted, fold(key(item)))
        if rank is not None:
            groups[rank].append(item)
        # Prefix matches are final once there are enough of them: nothing later can outrank them.
        if len(groups[_PREFIX]) >= limit:
            break
    return [*groups[_PREFIX], *groups[_WORD_START], *groups[_INSIDE]][:limit]
