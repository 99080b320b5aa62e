"""`LoungeTree`: the bot's command tree, where every slash command is checked for age and every error is
answered.

The age check (`lounge.deadlines.admit`) runs before each command; components make the same check in their
own `interaction_check`. A command whose answer is public says so with `extras={PUBLIC_REPLY: True}`, so
that a deferral made while it waits on the database is public too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands

from lounge.deadlines import admit
from lounge.replies import report_error

if TYPE_CHECKING:
    from lounge.client import LoungeBot

PUBLIC_REPLY = "public_reply"


class LoungeTree(app_commands.CommandTree["LoungeBot"]):
    async def interaction_check(self, interaction: discord.Interaction[LoungeBot], /) -> bool:
        if interaction.type is discord.InteractionType.autocomplete:
            return True
        command = interaction.command
        public = command is not None and bool(command.extras.get(PUBLIC_REPLY))
        return admit(interaction, ephemeral=not public)

    async def on_error(
        self, interaction: discord.Interaction[LoungeBot], error: app_commands.AppCommandError, /
    ) -> None:
        await report_error(interaction, error)
