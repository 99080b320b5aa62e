"""/party log's pages: the audit trail newest first, and its page buttons' custom_ids.

The buttons are persistent: each custom_id (`ui.custom_ids.LOG_PAGE_TEMPLATE`) carries the party and the
page it shows, and the page is
built again from storage on every click, so they keep working after a restart and show new entries.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from rules.text import inert
from storage import Party
from storage.audit import LogEntry
from ui.custom_ids import log_custom_id
from ui.limits import EMBED_TITLE_MAX, LOUNGE_GOLD, clip
from ui.paging import split_lines
from ui.wording import NO_LOG, log_line

LINES_PER_PAGE = 15


def log_pages(entries: Sequence[LogEntry]) -> list[str]:
    if not entries:
        return [NO_LOG]
    return split_lines([log_line(e) for e in entries], max_lines=LINES_PER_PAGE)


def log_embed(party: Party, pages: Sequence[str], index: int) -> discord.Embed:
    index = max(0, min(index, len(pages) - 1))
    embed = discord.Embed(
        title=clip(f"Log: {inert(party.name)}", EMBED_TITLE_MAX), colour=LOUNGE_GOLD, description=pages[index]
    )
    embed.set_footer(text=f"Newest first · page {index + 1} of {len(pages)}")
    return embed


def log_buttons(party_id: int, index: int, count: int) -> discord.ui.View | None:
    """Previous / Next under page `index` of `count`, as layout only; None for a single page.

    Clicks are answered by the party cog's DynamicItem; the view is stopped so discord.py does not also
    keep it as a listener.
    """
    if count <= 1:
        return None
    view = discord.ui.View(timeout=None)
    for label, page, disabled in (
        ("Previous", max(index - 1, 0), index == 0),
        ("Next", min(index + 1, count - 1), index >= count - 1),
    ):
        view.add_item(discord.ui.Button(
            label=label, style=discord.ButtonStyle.secondary, disabled=disabled,
            custom_id=log_custom_id(party_id, page),
        ))
    view.stop()
    return view
