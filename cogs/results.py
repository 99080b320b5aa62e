"""/result announce and undo, /door and /losers: hosts post the results live and the room flips."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from cogs.choices import announced_category_choices, nominee_choices, unannounced_category_choices
from lounge.guards import guild_id_of, open_party_as_host
from lounge.replies import reply_privately, send_reply
from lounge.tree import PUBLIC_REPLY
from rules import Refusal
from rules.dues import DuesStatus, door_verdict
from rules.money import format_cents
from rules.text import clean_note, inert
from rules.times import discord_timestamp
from storage import Party
from ui import results as render
from ui.wording import NO_ANNOUNCE_CHANNEL, no_category_to_announce, not_nominated

if TYPE_CHECKING:
    from lounge.client import LoungeBot

log = logging.getLogger(__name__)


def _ended_dues_note(name: str, status: DuesStatus, amount_cents: int) -> str:
    if status is DuesStatus.PAID:
        return (
            f" {name} had already paid {format_cents(amount_cents)}: it stays recorded as a donation "
            "(no refund is made by the bot)."
        )
    if status is DuesStatus.OWED:
        return f" Their unpaid dues of {format_cents(amount_cents)} are cancelled."
    if status is DuesStatus.WAIVED:
        return " Their waived dues are closed."
    return ""


@app_commands.guild_only()
class ResultCog(commands.GroupCog, group_name="result", group_description="Post tonight's results"):
    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot
        super().__init__()

    def _announce_channel(
        self, party: Party, fallback: discord.abc.MessageableChannel | None
    ) -> discord.TextChannel:
        channel = self.bot.get_channel(party.announce_channel_id) if party.announce_channel_id else fallback
        if not isinstance(channel, discord.TextChannel):
            raise Refusal(NO_ANNOUNCE_CHANNEL)
        return channel

    async def _category_id(self, party: Party, typed: str) -> int:
        category = await self.bot.store.ballot.find_category(party.id, typed)
        if category is None:
            raise Refusal(no_category_to_announce(typed))
        return category.id

    @app_commands.command(name="announce")
    @app_commands.describe(category="The category (start typing to search)", winner="Who won it")
    @app_commands.autocomplete(category=unannounced_category_choices, winner=nominee_choices)
    async def announce(self, interaction: discord.Interaction[LoungeBot], category: str, winner: str) -> None:
        """Announce a category's winner (hosts)."""
        party = await open_party_as_host(interaction)
        category_id = await self._category_id(party, category)
        nominee = await self.bot.store.ballot.find_nominee(category_id, winner)
        if nominee is None:
            raise Refusal(not_nominated(winner))
        nominee_id = nominee.id
        channel = self._announce_channel(party, interaction.channel)
        # The reply says where the post went, which may take the channel's pacer a moment: acknowledge first.
        await interaction.response.defer(ephemeral=True)
        outcome = await self.bot.store.results.announce(
            party, category_id, nominee_id, interaction.user.id, interaction.id,
            channel_id=channel.id, compose=lambda made: render.announcement_message(party, made),
        )
        result = outcome.result
        reply = f"Announced: {render.wins(result.winner)} {inert(result.category_name)}."
        if outcome.outbox_id is not None:
            reply += " " + await self.bot.outbox.reply_line(outcome.outbox_id, channel.id)
        for dues in outcome.new_dues:
            reply += f" <@{dues.user_id}> now owes {format_cents(dues.amount_cents)}."
            if dues.status is DuesStatus.PAID:
                reply += " Their payments already cover it."
        await interaction.followup.send(reply, ephemeral=True)

    @app_commands.command(name="undo")
    @app_commands.describe(category="The category whose result was wrong", reason="Shown in the correction")
    @app_commands.autocomplete(category=announced_category_choices)
    async def undo(
        self,
        interaction: discord.Interaction[LoungeBot],
        category: str,
        reason: app_commands.Range[str, 1, 200] | None = None,
    ) -> None:
        """Withdraw a category's result and post a correction (hosts)."""
        party = await open_party_as_host(interaction)
        category_id = await self._category_id(party, category)
        why = clean_note(reason) if reason is not None else None
        await interaction.response.defer(ephemeral=True)
        outcome = await self.bot.store.results.undo(
            party, category_id, interaction.user.id, why, interaction.id,
            channel_id=party.announce_channel_id or interaction.channel_id,
            compose=render.correction_message, withdrawn=render.withdrawn_message,
        )
        result = outcome.result
        winner_name = inert(result.winner.name)
        reply = f"Withdrawn: {winner_name} for {inert(result.category_name)}."
        ended = outcome.ended_dues
        if ended is not None:
            reply += _ended_dues_note(winner_name, ended.status, ended.amount_cents)
        corrected_in = result.announce_channel_id or party.announce_channel_id or interaction.channel_id
        if outcome.outbox_id is not None and corrected_in is not None:
            reply += " Correction: " + await self.bot.outbox.reply_line(outcome.outbox_id, corrected_in)
        await interaction.followup.send(reply, ephemeral=True)


@app_commands.guild_only()
class NightCog(commands.Cog):
    """The top-level commands of results night."""

    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot

    @app_commands.command(name="door")
    @app_commands.describe(member="Who is at the door")
    async def door(self, interaction: discord.Interaction[LoungeBot], member: discord.Member) -> None:
        """Admit a guest: losers get in free, winners once their dues are settled (hosts)."""
        party = await open_party_as_host(interaction)
        is_winner = member.id in await self.bot.store.results.winner_ids(party.id)
        dues = await self.bot.store.dues.for_member(party.id, member.id)
        verdict = door_verdict(
            inert(member.display_name),
            is_winner=is_winner,
            dues=dues.status if dues else None,
            owed_cents=dues.amount_cents if dues else 0,
            charity=inert(party.charity) if party.charity else None,
        )
        message = verdict.message
        if verdict.admitted:
            arrival, first = await self.bot.store.arrivals.check_in(party.id, member.id, interaction.user.id)
            if not first:
                at = arrival.arrived_at
                message = (
                    f"{inert(member.display_name)} already arrived at {discord_timestamp(at, 't')} "
                    f"({discord_timestamp(at, 'R')})."
                )
        await reply_privately(interaction, message)

    @app_commands.command(name="losers", extras={PUBLIC_REPLY: True})
    async def losers(self, interaction: discord.Interaction[LoungeBot]) -> None:
        """The passed-over leaderboard: tonight and all time in this server."""
        guild_id = guild_id_of(interaction)
        party = await self.bot.store.parties.latest_party(guild_id)
        tonight = await self.bot.store.results.passed_over(guild_id, party.id) if party else []
        all_time = await self.bot.store.results.passed_over(guild_id)
        await send_reply(interaction, embed=render.leaderboard(tonight, all_time, party), ephemeral=False)


async def setup(bot: LoungeBot) -> None:
    await bot.add_cog(ResultCog(bot))
    await bot.add_cog(NightCog(bot))
