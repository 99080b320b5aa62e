"""/privacy show and /privacy forget: a member sees, and can erase, what the bot keeps about them."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from lounge.replies import reply_privately
from ui.invitation import promotion_message
from ui.privacy import forgotten_text, privacy_embed

if TYPE_CHECKING:
    from lounge.client import LoungeBot

log = logging.getLogger(__name__)


class PrivacyCog(commands.GroupCog, group_name="privacy", group_description="Your data in this bot"):
    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="show")
    async def show(self, interaction: discord.Interaction[LoungeBot]) -> None:
        """Only to you: what the bot keeps about you, in every server."""
        data = await self.bot.store.privacy.about(interaction.user.id)
        await reply_privately(interaction, embed=privacy_embed(data))

    @app_commands.command(name="forget")
    async def forget(self, interaction: discord.Interaction[LoungeBot]) -> None:
        """Erase your RSVPs and notes; your pledges and payments keep their amounts as “former guest”."""
        store = self.bot.store
        done = await store.privacy.forget(interaction.user.id)
        # Counts only: the log must not keep what the member just asked us to erase.
        log.info(
            "Privacy: forgot member %s: %d RSVPs erased, %d pledges and %d payments renamed",
            interaction.user.id, done.rsvps_erased, done.pledges_renamed, done.payments_cleared,
        )
        await reply_privately(interaction, forgotten_text(done))
        # A going guest who left freed a place: the waitlist moves up as it would after any answer.
        for party_id in done.open_parties:
            party = await store.parties.get(party_id)
            if party is not None:
                await store.rsvps.promote_waitlisted(party_id, notice=promotion_message(party.name))


async def setup(bot: LoungeBot) -> None:
    await bot.add_cog(PrivacyCog(bot))
