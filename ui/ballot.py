"""The ballot as members see it: /category list pages and the short lines that confirm ballot changes.

Names go through `rules.text.inert`, so a nominee called "*@everyone*"
reads as typed and pings no one. Categories keep their display order; the winner of a decided category
is marked with a trophy. Long ballots are split into pages that each stay within Discord's limits; a
category is kept on one page unless it alone is too long for one.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from rules.text import inert
from storage.ballot import BallotCategory, ImportSummary, Nominee
from ui.limits import CONTENT_MAX, EMBED_DESCRIPTION_MAX, EMBED_TITLE_MAX, LOUNGE_GOLD, clip
from ui.paging import split_lines

TROPHY = "🏆"
# Room left on each page for the summary line above the categories.
_PAGE_BODY_MAX = EMBED_DESCRIPTION_MAX - 200
CATEGORIES_PER_PAGE = 8
EMPTY_BALLOT = "No categories yet. A host can add them with /category add or /category import."


def count(number: int, singular: str, plural: str | None = None) -> str:
    """The number beside its word: "1 category", "26 categories"."""
    return f"{number:,} {singular if number == 1 else (plural or singular + 's')}"


def nominee_line(nominee: Nominee, *, won: bool = False) -> str:
    linked = f" (<@{nominee.member_id}>)" if nominee.member_id is not None else ""
    if won:
        return f"{TROPHY} **{inert(nominee.name)}**{linked}"
    return f"• {inert(nominee.name)}{linked}"


def _category_blocks(number: int, entry: BallotCategory) -> list[str]:
    """The category's lines as page-sized blocks; only a huge category needs more than one."""
    header = f"**{number}. {inert(entry.category.name)}**"
    lines = [nominee_line(n, won=n.id == entry.winner_id) for n in entry.nominees] or ["*No nominees yet*"]
    blocks: list[str] = []
    current = [header]
    size = len(header)
    for line in lines:
        if size + len(line) + 1 > _PAGE_BODY_MAX:
            blocks.append("\n".join(current))
            current = [f"{header} *(continued)*"]
            size = len(current[0])
        current.append(line)
        size += len(line) + 1
    blocks.append("\n".join(current))
    return blocks


def ballot_summary(ballot: Sequence[BallotCategory]) -> str:
    nominees = sum(len(entry.nominees) for entry in ballot)
    decided = sum(entry.winner_id is not None for entry in ballot)
    categories = count(len(ballot), "category", "categories")
    return f"{categories} · {count(nominees, 'nominee')} · {decided:,} decided"


def ballot_pages(party_name: str, is_open: bool, ballot: Sequence[BallotCategory]) -> list[discord.Embed]:
    """The /category list pages: the summary, then each category with its nominees, winners marked."""
    title = clip(f"The ballot: {inert(party_name)}" + ("" if is_open else " (closed)"), EMBED_TITLE_MAX)
    if not ballot:
        return [discord.Embed(title=title, description=EMPTY_BALLOT, colour=LOUNGE_GOLD)]
    blocks = [block for number, entry in enumerate(ballot, 1) for block in _category_blocks(number, entry)]
    # Each block ends with an empty line so categories stand apart once split_lines joins them.
    bodies = split_lines(
        [block + "\n" for block in blocks], limit=_PAGE_BODY_MAX, max_lines=CATEGORIES_PER_PAGE
    )
    summary = ballot_summary(ballot)
    return [
        discord.Embed(title=title, description=f"{summary}\n\n{body.rstrip()}", colour=LOUNGE_GOLD)
        for body in bodies
    ]


def names_list(names: Sequence[str], limit: int = 1200) -> str:
    """Names joined with commas, cut with "and N more" so a reply stays well inside Discord's limit."""
    shown_names: list[str] = []
    size = 0
    for index, name in enumerate(names):
        text = inert(name)
        if size + len(text) + 2 > limit:
            return ", ".join(shown_names) + f" and {len(names) - index:,} more"
        shown_names.append(text)
        size += len(text) + 2
    return ", ".join(shown_names)


def category_added(entry: BallotCategory, total: int) -> str:
    text = f"Added **{inert(entry.category.name)}** to the ballot (category {total:,})"
    if entry.nominees:
        names = names_list([n.name for n in entry.nominees])
        text += f" with {count(len(entry.nominees), 'nominee')}: {names}"
    else:
        text += ". Add its nominees with /nominee add"
    return clip(text + ".", CONTENT_MAX)


def import_summary(summary: ImportSummary) -> str:
    """What an import did, including that categories already on the ballot got the new nominees added."""
    text = (
        f"Imported {count(summary.categories_added, 'category', 'categories')} and "
        f"{count(summary.nominees_added, 'nominee')}."
    )
    if summary.categories_extended:
        text += (
            f" {count(summary.categories_extended, 'category', 'categories')} already on the ballot "
            f"{'was' if summary.categories_extended == 1 else 'were'} kept, with the file's nominees added "
            "after their own."
        )
    return text + " See the ballot with /category list."
