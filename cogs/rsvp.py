"""/rsvp, /guests and the invitation's RSVP buttons.

The buttons are a DynamicItem matched on their custom_id (`rsvp:<party_id>:<status>`), so they keep
working after a restart; a button and /rsvp go through the same `answer()`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from cogs.pages import show_pages
from lounge.deadlines import admit
from lounge.guards import guild_id_of, shown_party
from lounge.replies import reply_privately, report_error
from lounge.tree import PUBLIC_REPLY
from rules import Refusal
from rules.admission import MAX_PLUS_ONES, check_plus_ones
from rules.text import clean_name, clean_note
from storage import Party
from storage.errors import RsvpsClosed
from storage.rsvps import Status
from ui.custom_ids import RSVP_TEMPLATE
from ui.invitation import promotion_message, rsvp_button, rsvp_reply
from ui.reminders import reminders_note
from ui.wording import NO_PARTY, NOT_THIS_INVITATION

if TYPE_CHECKING:
    from lounge.client import LoungeBot

DISPLAY_NAME_MAX = 100
NOTE_MAX = 200
# Typed as the note, this removes the member's note.
CLEAR_NOTE = "-"

STATUS_CHOICES = [
    app_commands.Choice(name="going", value="going"),
    app_commands.Choice(name="maybe", value="maybe"),
    app_commands.Choice(name="not going", value="not_going"),
]


def _display_name(user: discord.abc.User) -> str:
    """The name the guest list shows, as it was when they answered; a long one is cut, not refused."""
    for name in (user.display_name, user.name):
        try:
            return clean_name(name, max_length=len(name))[:DISPLAY_NAME_MAX]
        except Refusal:
            continue  # nothing visible in it: try the next name
    return f"Member {user.id}"


def _note_change(note: str | None) -> tuple[str | None, bool]:
    """(the new note, whether to remove the old one): no option keeps the note, "-" removes it."""
    if note is None:
        return None, False
    cleaned = None if note.strip() == CLEAR_NOTE else clean_note(note, max_length=NOTE_MAX)
    return cleaned, cleaned is None


async def _party_for_rsvp(interaction: discord.Interaction[LoungeBot], party_id: int | None = None) -> Party:
    """The guild's open party (or, for a button, the invitation's party if it is that one).

    :raises Refusal: RSVPs are closed, or the button belongs to another server's or an old party.
    """
    store = interaction.client.store
    guild_id = guild_id_of(interaction)
    party = await store.parties.open_party(guild_id)
    if party_id is not None and (party is None or party.id != party_id):
        old = await store.parties.get(party_id)
        if old is not None and old.guild_id == guild_id and not old.is_open:
            raise RsvpsClosed()
        raise Refusal(NOT_THIS_INVITATION)
    if party is None:
        if await store.parties.latest_party(guild_id):
            raise RsvpsClosed()
        raise Refusal(NO_PARTY)
    return party


async def answer(
    interaction: discord.Interaction[LoungeBot],
    party: Party,
    status: Status,
    *,
    plus_ones: int | None = None,
    note: str | None = None,
    reminders: bool | None = None,
) -> None:
    """Records the caller's RSVP, answers them privately, and tells anyone it moved off the waitlist."""
    bot = interaction.client
    new_note, clear_note = _note_change(note)
    outcome = await bot.store.rsvps.answer(
        party.id,
        interaction.user.id,
        display_name=_display_name(interaction.user),
        status=status,
        interaction_id=interaction.id,
        plus_ones=plus_ones,
        note=new_note,
        clear_note=clear_note,
        notice=promotion_message(party.name),
        fallback_channel_id=interaction.channel_id,
    )
    # After the answer, which may refuse: a refused /rsvp changes nothing, this preference included.
    if reminders is not None:
        await bot.store.reminders.set_wanted(party.id, interaction.user.id, reminders)
    await reply_privately(interaction, rsvp_reply(party.name, outcome) + reminders_note(reminders))


class RsvpButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=RSVP_TEMPLATE):
    """Going · Maybe · Can't go on an invitation; the custom_id says which party and which answer."""

    def __init__(self, party_id: int, status: Status) -> None:
        super().__init__(rsvp_button(party_id, status))
        self.party_id = party_id
        self.status: Status = status

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> RsvpButton:
        return cls(int(match["party_id"]), match["status"])  # type: ignore[arg-type]

    async def interaction_check(self, interaction: discord.Interaction[LoungeBot]) -> bool:  # type: ignore[override]
        return admit(interaction)

    async def callback(self, interaction: discord.Interaction[LoungeBot]) -> None:  # type: ignore[override]
        # discord.py only logs what a DynamicItem raises: the caller must still hear back.
        try:
            party = await _party_for_rsvp(interaction, self.party_id)
            await answer(interaction, party, self.status)
        except Exception as exc:
            await report_error(interaction, exc)


class RsvpCog(commands.Cog):
    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(RsvpButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(RsvpButton)

    @app_commands.command(name="rsvp")
    @app_commands.guild_only()
    @app_commands.describe(
        status="Your answer",
        plus_ones=f"Guests you bring, 0 to {MAX_PLUS_ONES} (default: as before)",
        note=f"A note for the guest list, up to {NOTE_MAX} characters; {CLEAR_NOTE} removes yours",
        reminders="Reminder DMs before the party (default: on)",
    )
    @app_commands.choices(status=STATUS_CHOICES)
    async def rsvp(
        self,
        interaction: discord.Interaction[LoungeBot],
        status: app_commands.Choice[str],
        plus_ones: app_commands.Range[int, 0, MAX_PLUS_ONES] | None = None,
        note: app_commands.Range[str, 1, 2000] | None = None,
        reminders: bool | None = None,
    ) -> None:
        """Answer the party invitation: going, maybe or not going, with plus-ones and a note."""
        if plus_ones is not None:
            check_plus_ones(plus_ones)
        party = await _party_for_rsvp(interaction)
        await answer(
            interaction,
            party,
            status.value,  # type: ignore[arg-type]
            plus_ones=plus_ones,
            note=note,
            reminders=reminders,
        )

    @app_commands.command(name="guests", extras={PUBLIC_REPLY: True})
    @app_commands.guild_only()
    async def guests(self, interaction: discord.Interaction[LoungeBot]) -> None:
        """The guest list: going, waitlist, maybe and not going, winners marked."""
        await show_pages(interaction, "guests", await shown_party(interaction), ephemeral=False)


async def setup(bot: LoungeBot) -> None:
    await bot.add_cog(RsvpCog(bot))
