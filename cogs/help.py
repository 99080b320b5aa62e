"""/help: what the bot does and every command a guest or a host can use, read from the command tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from lounge.replies import reply_privately
from ui.help import CommandHelp, help_embed

if TYPE_CHECKING:
    from lounge.client import LoungeBot


def registered_commands(tree: app_commands.CommandTree) -> list[CommandHelp]:
    """Every slash command the tree holds, sub-commands of groups included, as typed by members."""
    found: list[CommandHelp] = []
    for top in tree.get_commands(type=discord.AppCommandType.chat_input):
        inner = top.walk_commands() if isinstance(top, app_commands.Group) else [top]
        found += [
            CommandHelp(command.qualified_name, command.description)
            for command in inner
            if isinstance(command, app_commands.Command)
        ]
    return found


class HelpCog(commands.Cog):
    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot

    @app_commands.command(name="help")
    async def help(self, interaction: discord.Interaction[LoungeBot]) -> None:
        """What this bot does, and the commands guests and hosts use."""
        await reply_privately(interaction, embed=help_embed(registered_commands(self.bot.tree)))


async def setup(bot: LoungeBot) -> None:
    await bot.add_cog(HelpCog(bot))
