"""Autocomplete choices whose value is an item's id, so two similar names can never be confused."""

from __future__ import annotations

from discord import app_commands

CHOICE_NAME_MAX = 100


def id_choice(name: str, item_id: int) -> app_commands.Choice[str]:
    """The command looks the id up again in the guild's open party: choice values can be forged."""
    return app_commands.Choice(name=name[:CHOICE_NAME_MAX], value=str(item_id))
