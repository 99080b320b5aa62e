"""Paging long lists (the guest list, the ballot) through Previous / Next buttons.

Pages are built from plain data, each one an embed within Discord's limits. The buttons carry the page
they lead to in their custom_id (`ui.custom_ids.PAGE_TEMPLATE`), so they keep working after a restart:
a click rebuilds the list from the database and shows that page.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from ui.custom_ids import Listing, page_custom_id
from ui.limits import EMBED_DESCRIPTION_MAX


def split_lines(
    lines: Sequence[str], limit: int = EMBED_DESCRIPTION_MAX - 96, max_lines: int = 30
) -> list[str]:
    """Groups lines into page bodies, none longer than `limit` characters or `max_lines` lines."""
    pages: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        line = line[:limit]
        if current and (size + len(line) + 1 > limit or len(current) >= max_lines):
            pages.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current or not pages:
        pages.append("\n".join(current))
    return pages


def numbered(pages: Sequence[discord.Embed]) -> list[discord.Embed]:
    """The pages with the footer "Page n of m" when there is more than one."""
    pages = list(pages)
    if len(pages) > 1:
        for number, page in enumerate(pages, start=1):
            page.set_footer(text=f"Page {number} of {len(pages)}")
    return pages


def page_buttons(listing: Listing, party_id: int, owner_id: int, page: int, count: int) -> discord.ui.View:
    """Previous / Next under page `page` (from 0) of `count`, as layout only.

    Clicks are answered by the pages cog's DynamicItem, which reads the page to show from the custom_id;
    the view is stopped so discord.py does not also keep it as a listener.
    """
    view = discord.ui.View(timeout=None)
    for label, target, step, disabled in (
        ("Previous", page - 1, "prev", page <= 0),
        ("Next", page + 1, "next", page >= count - 1),
    ):
        view.add_item(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                disabled=disabled,
                custom_id=page_custom_id(listing, party_id, owner_id, max(0, min(count - 1, target)), step),
            )
        )
    view.stop()
    return view
