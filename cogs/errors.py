"""The single error handler for slash commands: every refusal and failure gets one private answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from lounge.replies import report_error

if TYPE_CHECKING:
    from lounge.client import LoungeBot


class ErrorReplies(commands.Cog):
    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot
        self._previous_handler = bot.tree.on_error

    async def cog_load(self) -> None:
        self.bot.tree.on_error = self.on_app_command_error  # type: ignore[method-assign]

    async def cog_unload(self) -> None:
        self.bot.tree.on_error = self._previous_handler  # type: ignore[method-assign]

    async def on_app_command_error(
        self, interaction: discord.Interaction[LoungeBot], error: app_commands.AppCommandError
    ) -> None:
        await report_error(interaction, error)


async def setup(bot: LoungeBot) -> None:
    await bot.add_cog(ErrorReplies(bot))
