"""Paging long lists (the guest list, the ballot) through Previous / Next buttons.

Pages are built up front from plain data, each one an embed within Discord's limits; the buttons only
swap which page is shown. Only the member who asked can turn the pages of their copy.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

from ui.limits import EMBED_DESCRIPTION_MAX

PAGE_TIMEOUT = 600.0


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


class Pager(discord.ui.View):
    """Shows `pages[index]` with Previous / Next; add the footer "Page n of m" itself."""

    def __init__(self, pages: Sequence[discord.Embed], owner_id: int) -> None:
        super().__init__(timeout=PAGE_TIMEOUT)
        self.pages = list(pages)
        self.owner_id = owner_id
        self.index = 0
        for number, page in enumerate(self.pages, start=1):
            page.set_footer(text=f"Page {number} of {len(self.pages)}")
        self._sync_buttons()

    @property
    def first_page(self) -> discord.Embed:
        return self.pages[0]

    @property
    def needed(self) -> bool:
        return len(self.pages) > 1

    def _sync_buttons(self) -> None:
        self.previous.disabled = self.index == 0
        self.next.disabled = self.index >= len(self.pages) - 1

    async def interaction_check(self, interaction: discord.Interaction) -> bool:
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(
                "These pages belong to whoever asked; run the command yourself to browse.", ephemeral=True
            )
            return False
        return True

    async def _show(self, interaction: discord.Interaction, step: int) -> None:
        self.index = max(0, min(len(self.pages) - 1, self.index + step))
        self._sync_buttons()
        await interaction.response.edit_message(embed=self.pages[self.index], view=self)

    @discord.ui.button(label="Previous", style=discord.ButtonStyle.secondary)
    async def previous(self, interaction: discord.Interaction, button: discord.ui.Button[Pager]) -> None:
        await self._show(interaction, -1)

    @discord.ui.button(label="Next", style=discord.ButtonStyle.secondary)
    async def next(self, interaction: discord.Interaction, button: discord.ui.Button[Pager]) -> None:
        await self._show(interaction, +1)
