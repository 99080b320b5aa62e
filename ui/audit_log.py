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
