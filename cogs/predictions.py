"""/predict and /predictions: guests guess the winners during the show and see who guesses best.

A ballot page's menus and Previous/Next buttons are DynamicItems matched on their custom_id (which says
the party, the category and the page), so a ballot opened before a restart keeps working after it.
The ids in a custom_id are checked against the guild the click came from before anything is read or
saved: a custom_id is no secret.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from cogs.pages import show_pages
from lounge.deadlines import admit
from lounge.guards import guild_id_of, manages_server, open_party, require_host, shown_party
from lounge.replies import report_error, send_reply, update_message
from lounge.tree import PUBLIC_REPLY
from rules import Refusal
from rules.errors import NotAGuest, PredictionsOff
from rules.hosts import is_host
from rules.predictions import LockChange, parse_lock
from rules.text import clean_name
from rules.times import discord_timestamp, parse_timezone
from storage import Party, Storage
from storage.clock import utc_now
from storage.errors import ForeignMenu
from storage.predictions import PredictionSettings
from ui.custom_ids import BALLOT_PAGE_TEMPLATE, PICK_TEMPLATE
from ui.predictions import (
    ballot_page,
    own_ballot,
    shown,
)
from ui.wording import NOTHING_TO_PREDICT, predictions_kept

if TYPE_CHECKING:
    from lounge.client import LoungeBot

NAME_MAX = 100
# A snowflake has at most 19 digits; a longer value would overflow SQLite's integers.
ID_DIGITS_MAX = 19

# The `/party edit` options of the game, described here beside the rules they set.
EDIT_OPTION_DESCRIPTIONS = {
    "predictions": "Turn the predictions game on or off",
    "predictions_lock": "Lock every pick from a moment: YYYY-MM-DD HH:MM, now, or off",
}


def _member_name(user: discord.abc.User) -> str:
    """The name the export shows, as it was at the pick; a long one is cut, not refused."""
    for name in (user.display_name, user.name):
        try:
            return clean_name(name, max_length=len(name))[:NAME_MAX]
        except Refusal:
            continue
    return f"Member {user.id}"


def _hosts_by_discord(interaction: discord.Interaction[LoungeBot], party: Party) -> bool:
    """Manage Server or the host role: what Discord says. Named hosts are read by the store itself."""
    member = interaction.user
    role_ids = {role.id for role in member.roles} if isinstance(member, discord.Member) else set()
    return is_host(
        member.id,
        manages_server=manages_server(interaction),
        role_ids=role_ids,
        host_role_id=party.host_role_id,
        named_host_ids=(),
    )


def _as_id(value: str) -> int:
    """A select value as a nominee id; anything a real menu never sends (it can be forged) is 0, no one."""
    if value.isascii() and value.isdigit() and len(value) <= ID_DIGITS_MAX:
        return int(value)
    return 0


async def _is_host(interaction: discord.Interaction[LoungeBot], party: Party) -> bool:
    try:
        await require_host(interaction, party)
    except Refusal:
        return False
    return True


async def _own_party(interaction: discord.Interaction[LoungeBot], party_id: int) -> Party:
    """The party a menu or button belongs to, if it is this guild's open one. :raises Refusal: otherwise."""
    party = await interaction.client.store.parties.get(party_id)
    if party is None or party.guild_id != guild_id_of(interaction):
        raise ForeignMenu()
    if not party.is_open:
        raise Refusal(predictions_kept(party.name))
    return party


async def _page(
    interaction: discord.Interaction[LoungeBot], party: Party, page: int, notice: str | None = None
) -> tuple[discord.Embed, discord.ui.View | None]:
    undecided, picks = await interaction.client.store.predictions.open_ballot(party.id, interaction.user.id)
    return ballot_page(party, undecided, picks, page, notice=notice)


class PickMenu(discord.ui.DynamicItem[discord.ui.Select[Any]], template=PICK_TEMPLATE):
    """One category's menu of nominees on a ballot page; choosing saves the pick at once."""

    def __init__(self, select: discord.ui.Select[Any], party_id: int, category_id: int, page: int) -> None:
        super().__init__(select)
        self.party_id = party_id
        self.category_id = category_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> PickMenu:
        assert isinstance(item, discord.ui.Select)
        return cls(item, int(match["party_id"]), int(match["category_id"]), int(match["page"]))

    async def interaction_check(self, interaction: discord.Interaction[LoungeBot]) -> bool:  # type: ignore[override]
        return admit(interaction, update=True)

    async def callback(self, interaction: discord.Interaction[LoungeBot]) -> None:  # type: ignore[override]
        # discord.py only logs what a DynamicItem raises: the caller must still hear back.
        try:
            party = await _own_party(interaction, self.party_id)
            values = self.item.values
            nominee_id = _as_id(values[0]) if len(values) == 1 else 0
            outcome = await interaction.client.store.predictions.pick(
                guild_id=party.guild_id,
                party_id=party.id,
                category_id=self.category_id,
                nominee_id=nominee_id,
                user_id=interaction.user.id,
                display_name=_member_name(interaction.user),
                is_host=_hosts_by_discord(interaction, party),
                interaction_id=interaction.id,
            )
            verb = "Changed to" if outcome.changed else "Saved:"
            notice = f"{verb} **{shown(outcome.nominee_name)}** for {shown(outcome.category_name)}."
            embed, view = await _page(interaction, party, self.page, notice)
            await update_message(interaction, embed=embed, view=view)
        except Exception as exc:
            await report_error(interaction, exc)


class BallotPageButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=BALLOT_PAGE_TEMPLATE):
    """Previous / Next on a ballot; the custom_id names the page to show."""

    def __init__(self, button: discord.ui.Button[Any], party_id: int, page: int) -> None:
        super().__init__(button)
        self.party_id = party_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> BallotPageButton:
        assert isinstance(item, discord.ui.Button)
        return cls(item, int(match["party_id"]), int(match["page"]))

    async def interaction_check(self, interaction: discord.Interaction[LoungeBot]) -> bool:  # type: ignore[override]
        return admit(interaction, update=True)

    async def callback(self, interaction: discord.Interaction[LoungeBot]) -> None:  # type: ignore[override]
        try:
            party = await _own_party(interaction, self.party_id)
            embed, view = await _page(interaction, party, self.page)
            await update_message(interaction, embed=embed, view=view)
        except Exception as exc:
            await report_error(interaction, exc)


def prediction_lock(typed: str | None, party: Party) -> LockChange | None:
    """Reads `/party edit predictions_lock` before anything is changed. :raises Refusal: a bad form."""
    if typed is None:
        return None
    return parse_lock(typed, parse_timezone(party.timezone), utc_now())


def _settings_text(settings: PredictionSettings) -> str:
    if not settings.enabled:
        return "Predictions are off."
    if settings.locks_at is None:
        return "Predictions are on, with no lock."
    when = f"{discord_timestamp(settings.locks_at, 'f')} ({discord_timestamp(settings.locks_at, 'R')})"
    if settings.locked(utc_now()):
        return f"Predictions are locked since {when}."
    return f"Predictions are on and lock at {when}."


async def change_predictions(
    store: Storage, party: Party, enabled: bool | None, lock: LockChange | None
) -> str | None:
    """Applies `/party edit`'s predictions options; returns what to tell the host, or None if none given."""
    if enabled is None and lock is None:
        return None
    return _settings_text(await store.predictions.configure(party.id, enabled=enabled, lock=lock))


class PredictionsCog(commands.Cog):
    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(PickMenu, BallotPageButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(PickMenu, BallotPageButton)

    @app_commands.command(name="predict")
    @app_commands.guild_only()
    async def predict(self, interaction: discord.Interaction[LoungeBot]) -> None:
        """Guess tonight's winners, privately; a pick can change until its category is announced."""
        party = await open_party(interaction)
        store = self.bot.store
        settings = await store.predictions.settings(party.id)
        if not settings.enabled:
            raise PredictionsOff()
        rsvp = await store.rsvps.get(party.id, interaction.user.id)
        if (rsvp is None or rsvp.status == "not_going") and not await _is_host(interaction, party):
            raise NotAGuest()
        if settings.locked(utc_now()):
            picks = await store.predictions.picks_of(party.id, interaction.user.id)
            embed = own_ballot(party, await store.ballot.ballot(party.id), picks)
            await send_reply(
                interaction,
                "Predictions are locked: the host closed the ballot. Your picks stand as below.",
                embed=embed,
                ephemeral=True,
            )
            return
        embed, view = await _page(interaction, party, 0)
        if view is None and not await store.ballot.categories(party.id):
            raise Refusal(NOTHING_TO_PREDICT)
        await send_reply(interaction, embed=embed, view=view, ephemeral=True)

    @app_commands.command(name="predictions", extras={PUBLIC_REPLY: True})
    @app_commands.guild_only()
    async def predictions(self, interaction: discord.Interaction[LoungeBot]) -> None:
        """The predictions leaderboard: correct picks per member; your own ballot privately."""
        party = await shown_party(interaction)
        store = self.bot.store
        await show_pages(interaction, "predictions", party, ephemeral=False)
        picks = await store.predictions.picks_of(party.id, interaction.user.id)
        ballot = await store.ballot.ballot(party.id)
        await interaction.followup.send(embed=own_ballot(party, ballot, picks), ephemeral=True)


async def setup(bot: LoungeBot) -> None:
    await bot.add_cog(PredictionsCog(bot))
