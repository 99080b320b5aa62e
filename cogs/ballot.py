"""/category and /nominee: hosts build the ballot (categories and their nominees); anyone can list it.

Host changes are confirmed privately, so setting up a 26-category ballot doesn't flood the channel;
/category list is private too, a copy the caller can page through. Category and nominee options
autocomplete to ids, which are looked up again in this guild's open party when the command runs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.choices import category_choices, nominee_choices
from cogs.pages import show_pages
from lounge.guards import open_party_as_host, shown_party
from lounge.replies import reply_privately
from rules import Refusal
from rules.ballot_csv import (
    NAME_MAX,
    MentionedMember,
    NomineeEntry,
    parse_ballot_csv,
    split_nominees,
)
from rules.errors import ImportLineRefused, NotAServerMember
from rules.text import clean_name, inert
from storage import Party
from storage.ballot import Category, NewNominee
from storage.errors import NomineeNotFound
from ui.ballot import category_added, count, import_summary
from ui.wording import (
    DOWNLOAD_FAILED,
    cannot_link,
    no_such_category,
    nominee_linked,
    nominee_not_member,
    not_a_nominee,
)

if TYPE_CHECKING:
    from lounge.client import LoungeBot

Interaction = discord.Interaction["LoungeBot"]


async def _member(interaction: Interaction, user_id: int) -> discord.Member | None:
    """The guild member with this id, from the cache or over REST (the bot has no members intent)."""
    guild = interaction.guild
    if guild is None:
        return None
    cached = guild.get_member(user_id)
    if cached is not None:
        return cached
    try:
        return await guild.fetch_member(user_id)
    except discord.NotFound:
        return None


async def _category(interaction: Interaction, party: Party, typed: str) -> Category:
    """:raises Refusal: `typed` names no category of the party (a forged id from elsewhere included)."""
    category = await interaction.client.store.ballot.find_category(party.id, typed)
    if category is None:
        raise Refusal(no_such_category(typed))
    return category


@app_commands.guild_only()
class CategoryCog(commands.GroupCog, group_name="category", group_description="The award categories"):
    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="add")
    @app_commands.describe(
        name="The category, like “Outstanding Drama Series”",
        nominees="Optional: its nominees, separated by commas; names or @member mentions",
    )
    async def add(
        self,
        interaction: Interaction,
        name: app_commands.Range[str, 1, 200],
        nominees: app_commands.Range[str, 1, 6000] | None = None,
    ) -> None:
        """Add a category to the ballot, with its nominees if you like (hosts)."""
        party = await open_party_as_host(interaction)
        category_name = clean_name(name, what="category name", max_length=NAME_MAX)
        entries = split_nominees(nominees)
        if any(isinstance(entry, MentionedMember) for entry in entries):
            # Members not in the cache are fetched one request each: that may take a moment.
            await interaction.response.defer(ephemeral=True, thinking=True)
        new_nominees = [await self._new_nominee(interaction, entry) for entry in entries]
        added = await self.bot.store.ballot.add_category(
            party.id, category_name, new_nominees, interaction.id
        )
        if added is None:
            await reply_privately(interaction, "That category was already added.")
            return
        total = len(await self.bot.store.ballot.categories(party.id))
        await reply_privately(interaction, category_added(added, total))

    async def _new_nominee(self, interaction: Interaction, entry: NomineeEntry) -> NewNominee:
        if not isinstance(entry, MentionedMember):
            return NewNominee(name=entry.name)
        member = await _member(interaction, entry.member_id)
        if member is None:
            raise Refusal(nominee_not_member(entry.member_id))
        return NewNominee(
            name=clean_name(member.display_name, what="nominee name", max_length=NAME_MAX),
            member_id=member.id,
        )

    @app_commands.command(name="remove")
    @app_commands.describe(category="The category to remove, with its nominees")
    @app_commands.autocomplete(category=category_choices)
    async def remove(self, interaction: Interaction, category: str) -> None:
        """Remove a category and its nominees; not once it has a result (hosts)."""
        party = await open_party_as_host(interaction)
        chosen = await _category(interaction, party, category)
        removed = await self.bot.store.ballot.remove_category(chosen.id, interaction.id)
        if removed is None:
            await reply_privately(interaction, "That category was already removed.")
            return
        await reply_privately(
            interaction,
            f"Removed **{inert(removed.category.name)}** and its {count(len(removed.nominees), 'nominee')}.",
        )

    @app_commands.command(name="list")
    async def list_(self, interaction: Interaction) -> None:
        """The categories and their nominees, winners marked."""
        await show_pages(interaction, "ballot", await shown_party(interaction), ephemeral=True)

    @app_commands.command(name="import")
    @app_commands.describe(
        file="CSV with the header category,nominee,member_id; existing categories get the new nominees"
    )
    async def import_(self, interaction: Interaction, file: discord.Attachment) -> None:
        """Import the ballot from a CSV file, all or nothing (hosts)."""
        party = await open_party_as_host(interaction)
        # Downloading, checking up to 5,000 lines and looking up members can outlast Discord's 3 s.
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            data = await file.read()
        except discord.HTTPException:
            raise Refusal(DOWNLOAD_FAILED) from None
        rows = parse_ballot_csv(data)
        await self._check_members(
            interaction, ((row.line, member_id) for row in rows for member_id in row.member_ids)
        )
        summary = await self.bot.store.ballot.import_rows(party.id, rows, interaction.id)
        if summary is None:
            await reply_privately(interaction, "That file was already imported.")
            return
        await reply_privately(interaction, import_summary(summary))

    @staticmethod
    async def _check_members(interaction: Interaction, links: Iterable[tuple[int, int]]) -> None:
        """:raises Refusal: naming the first line whose member_id is not a member of this server."""
        checked: set[int] = set()
        for line, member_id in links:
            if member_id in checked:
                continue
            if await _member(interaction, member_id) is None:
                raise ImportLineRefused(line, NotAServerMember(member_id))
            checked.add(member_id)


@app_commands.guild_only()
class NomineeCog(commands.GroupCog, group_name="nominee", group_description="The nominees of a category"):
    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="add")
    @app_commands.describe(
        category="The category to add them to",
        name="The nominee's name, like “Bryan Cranston”",
        member="Optional: the server member this nominee is",
    )
    @app_commands.autocomplete(category=category_choices)
    async def add(
        self,
        interaction: Interaction,
        category: str,
        name: app_commands.Range[str, 1, 200],
        member: discord.User | None = None,
    ) -> None:
        """Add a nominee to a category (hosts)."""
        party = await open_party_as_host(interaction)
        chosen = await _category(interaction, party, category)
        nominee_name = clean_name(name, what="nominee name", max_length=NAME_MAX)
        if member is not None and not isinstance(member, discord.Member):
            raise Refusal(cannot_link(member.name))
        nominee = await self.bot.store.ballot.add_nominee(
            chosen.id, nominee_name, member.id if member else None, interaction.id
        )
        if nominee is None:
            await reply_privately(interaction, "That nominee was already added.")
            return
        total = len(await self.bot.store.ballot.nominees(chosen.id))
        linked = f" (linked to {member.mention})" if member else ""
        await reply_privately(
            interaction,
            f"Added **{inert(nominee.name)}**{linked} to **{inert(chosen.name)}**, "
            f"now {count(total, 'nominee')}.",
        )

    @app_commands.command(name="remove")
    @app_commands.describe(category="The nominee's category", nominee="The nominee to remove")
    @app_commands.autocomplete(category=category_choices, nominee=nominee_choices)
    async def remove(self, interaction: Interaction, category: str, nominee: str) -> None:
        """Remove a nominee from a category; not its winner (hosts)."""
        party = await open_party_as_host(interaction)
        chosen = await _category(interaction, party, category)
        found = await self.bot.store.ballot.find_nominee(chosen.id, nominee)
        if found is None:
            raise Refusal(not_a_nominee(nominee, chosen.name))
        removed = await self.bot.store.ballot.remove_nominee(found.id, interaction.id)
        if removed is None:
            await reply_privately(interaction, "That nominee was already removed.")
            return
        await reply_privately(
            interaction, f"Removed **{inert(removed.name)}** from **{inert(chosen.name)}**."
        )


    @app_commands.command(name="link")
    @app_commands.describe(
        category="The nominee's category",
        nominee="The nominee to link",
        member="The server member they are (run again to add a co-nominee)",
    )
    @app_commands.autocomplete(category=category_choices, nominee=nominee_choices)
    async def link(self, interaction: Interaction, category: str, nominee: str, member: discord.User) -> None:
        """Link a nominee to a member; if they already won, the member owes dues now (hosts)."""
        party = await open_party_as_host(interaction)
        chosen = await _category(interaction, party, category)
        found = await self.bot.store.ballot.find_nominee(chosen.id, nominee)
        if found is None:
            raise NomineeNotFound()
        if not isinstance(member, discord.Member) or member.bot:
            raise Refusal(cannot_link(member.name))
        link = await self.bot.store.results.link(
            party, found.id, member.id, interaction.user.id, interaction.id
        )
        await reply_privately(interaction, nominee_linked(link, chosen.name))


async def setup(bot: LoungeBot) -> None:
    await bot.add_cog(CategoryCog(bot))
    await bot.add_cog(NomineeCog(bot))
