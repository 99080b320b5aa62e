"""Autocomplete for ballot options, shared by every command that picks a category or a nominee.

Values are ids, looked up again when the command runs (`storage.ballot.find_*`), since autocomplete
values can be forged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from rules.search import match
from ui.choices import id_choice
from ui.limits import CHOICES_MAX

if TYPE_CHECKING:
    from lounge.client import LoungeBot


async def category_choices(
    interaction: discord.Interaction[LoungeBot], current: str
) -> list[app_commands.Choice[str]]:
    return await _categories(interaction, current, announced=None)


async def unannounced_category_choices(
    interaction: discord.Interaction[LoungeBot], current: str
) -> list[app_commands.Choice[str]]:
    """The categories still waiting for a result: what a host announces next."""
    return await _categories(interaction, current, announced=False)


async def announced_category_choices(
    interaction: discord.Interaction[LoungeBot], current: str
) -> list[app_commands.Choice[str]]:
    """The categories that have a result: what a host can undo."""
    return await _categories(interaction, current, announced=True)


async def _categories(
    interaction: discord.Interaction[LoungeBot], current: str, *, announced: bool | None
) -> list[app_commands.Choice[str]]:
    if interaction.guild_id is None:
        return []
    store = interaction.client.store
    party = await store.parties.open_party(interaction.guild_id)
    if party is None:
        return []
    if announced is None:
        categories = await store.ballot.categories(party.id)
    else:
        ballot = await store.ballot.ballot(party.id)
        categories = [entry.category for entry in ballot if (entry.winner_id is not None) == announced]
    found = match(current, categories, key=lambda c: c.name, limit=CHOICES_MAX)
    return [id_choice(c.name, c.id) for c in found]


async def nominee_choices(
    interaction: discord.Interaction[LoungeBot], current: str
) -> list[app_commands.Choice[str]]:
    """The nominees of the category already picked in the same command."""
    if interaction.guild_id is None:
        return []
    store = interaction.client.store
    party = await store.parties.open_party(interaction.guild_id)
    typed_category = getattr(interaction.namespace, "category", None)
    if party is None or not typed_category:
        return []
    category = await store.ballot.find_category(party.id, str(typed_category))
    if category is None:
        return []
    nominees = await store.ballot.nominees(category.id)
    found = match(current, nominees, key=lambda n: n.name, limit=CHOICES_MAX)
    return [id_choice(n.name, n.id) for n in found]
