"""The paged lists (/guests, /category list, /predictions) and their Previous / Next buttons, which
survive restarts.

A button's custom_id says which list, which party, whose copy and which page to show; the click rebuilds
that list from the database, so nothing is kept in memory between clicks.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from lounge.deadlines import admit
from lounge.replies import report_error, send_reply, update_message
from rules import Refusal
from storage import Party
from ui.ballot import ballot_pages
from ui.custom_ids import PAGE_TEMPLATE, Listing, page_custom_id
from ui.guests import guest_pages
from ui.paging import numbered, page_buttons
from ui.predictions import leaderboard_pages
from ui.wording import LIST_OUT_OF_DATE

if TYPE_CHECKING:
    from lounge.client import LoungeBot

NOT_YOURS = "These pages belong to whoever asked; run the command yourself to browse."


async def listing_pages(bot: LoungeBot, listing: Listing, party: Party) -> list[discord.Embed]:
    store = bot.store
    if listing == "guests":
        pages = guest_pages(party, await store.rsvps.guest_list(party.id))
    elif listing == "predictions":
        pages = leaderboard_pages(party, await store.predictions.leaderboard(party.id))
    else:
        pages = ballot_pages(party.name, party.is_open, await store.ballot.ballot(party.id))
    return numbered(pages)


async def show_pages(
    interaction: discord.Interaction[LoungeBot], listing: Listing, party: Party, *, ephemeral: bool
) -> None:
    """Answers with the list's first page, and Previous / Next when there are more."""
    pages = await listing_pages(interaction.client, listing, party)
    if len(pages) == 1:
        await send_reply(interaction, embed=pages[0], ephemeral=ephemeral)
        return
    view = page_buttons(listing, party.id, interaction.user.id, 0, len(pages))
    await send_reply(interaction, embed=pages[0], view=view, ephemeral=ephemeral)


class PageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=PAGE_TEMPLATE):
    """Previous or Next on a paged list; shows the page its custom_id names."""

    def __init__(self, listing: Listing, party_id: int, owner_id: int, page: int, step: str) -> None:
        super().__init__(
            discord.ui.Button(
                label="Next" if step == "next" else "Previous",
                custom_id=page_custom_id(listing, party_id, owner_id, page, step),
            )
        )
        self.listing: Listing = listing
        self.party_id = party_id
        self.owner_id = owner_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PageButton:
        return cls(
            match["listing"],  # type: ignore[arg-type]
            int(match["party_id"]),
            int(match["owner_id"]),
            int(match["page"]),
            match["step"],
        )

    async def interaction_check(self, interaction: discord.Interaction[LoungeBot]) -> bool:  # type: ignore[override]
        if not admit(interaction, update=True):
            return False
        if interaction.user.id != self.owner_id:
            await interaction.response.send_message(NOT_YOURS, ephemeral=True)
            return False
        return True

    async def callback(self, interaction: discord.Interaction[LoungeBot]) -> None:  # type: ignore[override]
        try:
            party = await interaction.client.store.parties.get(self.party_id)
            if party is None or party.guild_id != interaction.guild_id:
                raise Refusal(LIST_OUT_OF_DATE)
            pages = await listing_pages(interaction.client, self.listing, party)
            page = min(self.page, len(pages) - 1)
            view = page_buttons(self.listing, party.id, self.owner_id, page, len(pages))
            await update_message(interaction, embed=pages[page], view=view)
        except Exception as exc:
            await report_error(interaction, exc)


class PagesCog(commands.Cog):
    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PageButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(PageButton)


async def setup(bot: LoungeBot) -> None:
    await bot.add_cog(PagesCog(bot))
