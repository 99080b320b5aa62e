"""/pledge, /pledges and /payment record: the night's money, and the buttons that cancel a pledge."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from cogs.ledger import late_notice
from lounge.deadlines import STALE_AFTER, admit, age
from lounge.guards import money_party_as_host, open_party, shown_party
from lounge.replies import reply_privately, report_error, send_reply, update_message
from lounge.tree import PUBLIC_REPLY
from rules import Refusal
from rules.money import format_cents, parse_amount
from rules.text import clean_name, clean_note, excerpt
from storage.errors import NotYourPledge, PledgeCancelled
from storage.fundraising import Pledge
from ui.custom_ids import (
    CANCEL_PLEDGE_TEMPLATE,
    EDIT_FORM_PREFIX,
    EDIT_PLEDGE_TEMPLATE,
    cancel_custom_id,
    edit_custom_id,
)
from ui.donor_wall import OWN_LINES_MAX, donor_wall_embed, own_pledge_buttons, own_pledges_embed
from ui.wording import BOTS_DONT_PAY, payment_recorded, pledge_changed, waived

if TYPE_CHECKING:
    from lounge.client import LoungeBot

NOTE_MAX = 200
NAME_MAX = 100
NO_PLEDGES = "You haven't pledged yet. Pledge with /pledge, like `/pledge amount: 50`."


def donor_name(user: discord.abc.User) -> str:
    """The name the wall shows for a member, as they appear in the server when they pledge."""
    try:
        return clean_name(user.display_name, max_length=NAME_MAX)
    except Refusal:
        # A display name made only of invisible characters: the username always reads.
        return user.name


def pledge_confirmation(pledge: Pledge) -> str:
    text = f"Thank you! Your pledge of **{format_cents(pledge.amount_cents)}** is recorded"
    text += " anonymously: your name stays off the wall and the counter." if pledge.anonymous else "."
    if pledge.note:
        text += f"\nNote: “{excerpt(pledge.note, NOTE_MAX)}”"
    return text + "\nSee or cancel your pledges with /pledges."


class EditPledgeForm(discord.ui.Modal):
    """The amount and note of one of the member's unpaid pledges; the store checks it is still theirs."""

    amount: discord.ui.TextInput[EditPledgeForm] = discord.ui.TextInput(
        label="Amount", custom_id="amount", max_length=20
    )
    note: discord.ui.TextInput[EditPledgeForm] = discord.ui.TextInput(
        label="Note", custom_id="note", required=False, max_length=NOTE_MAX, style=discord.TextStyle.paragraph
    )

    def __init__(self, pledge: Pledge) -> None:
        super().__init__(title="Change your pledge", custom_id=f"{EDIT_FORM_PREFIX}{pledge.id}")
        self.pledge_id = pledge.id
        self.amount.default = format_cents(pledge.amount_cents)
        self.note.default = pledge.note

    async def interaction_check(self, interaction: discord.Interaction[LoungeBot]) -> bool:  # type: ignore[override]
        return admit(interaction)

    async def on_submit(self, interaction: discord.Interaction[LoungeBot]) -> None:  # type: ignore[override]
        cents = parse_amount(self.amount.value)
        cleaned = clean_note(self.note.value or None, max_length=NOTE_MAX)
        pledge = await interaction.client.store.fundraising.edit_pledge(
            self.pledge_id, interaction.user.id, amount_cents=cents, note=cleaned,
            interaction_id=interaction.id,
        )
        await reply_privately(interaction, pledge_changed(pledge.amount_cents, pledge.note))

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]
        await report_error(interaction, error)


class EditPledgeButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=EDIT_PLEDGE_TEMPLATE):
    """Opens the form that changes one of the clicker's own unpaid pledges; works after a restart."""

    def __init__(self, pledge_id: int, label: str = "Edit") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.secondary, custom_id=edit_custom_id(pledge_id)
            )
        )
        self.pledge_id = pledge_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> EditPledgeButton:
        return cls(int(match["pledge_id"]), item.label or "Edit")

    async def interaction_check(self, interaction: discord.Interaction[LoungeBot]) -> bool:  # type: ignore[override]
        # A modal must be the first answer, so this click is never held to a deadline: only the age check.
        return age(interaction) < STALE_AFTER

    async def callback(self, interaction: discord.Interaction[LoungeBot]) -> None:  # type: ignore[override]
        try:
            pledge = await interaction.client.store.fundraising.get(self.pledge_id)
            if pledge is None or pledge.user_id != interaction.user.id:
                raise NotYourPledge()
            if pledge.is_cancelled:
                raise PledgeCancelled()
            await interaction.response.send_modal(EditPledgeForm(pledge))
        except Exception as exc:
            await report_error(interaction, exc)


class CancelPledgeButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=CANCEL_PLEDGE_TEMPLATE):
    """Cancels one of the clicker's own unpaid pledges; works after a restart (the id is in the custom_id)."""

    def __init__(self, pledge_id: int, label: str = "Cancel") -> None:
        super().__init__(
            discord.ui.Button(
                label=label, style=discord.ButtonStyle.danger, custom_id=cancel_custom_id(pledge_id)
            )
        )
        self.pledge_id = pledge_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Button[Any], match: re.Match[str]
    ) -> CancelPledgeButton:
        return cls(int(match["pledge_id"]), item.label or "Cancel")

    async def interaction_check(self, interaction: discord.Interaction[LoungeBot]) -> bool:  # type: ignore[override]
        return admit(interaction, update=True)

    async def callback(self, interaction: discord.Interaction[LoungeBot]) -> None:  # type: ignore[override]
        try:
            await self._cancel(interaction)
        except Exception as exc:
            await report_error(interaction, exc)

    async def _cancel(self, interaction: discord.Interaction[LoungeBot]) -> None:
        bot = interaction.client
        # The store checks the pledge is the clicker's: custom_ids are not secret.
        pledge = await bot.store.fundraising.cancel_pledge(
            self.pledge_id, interaction.user.id, interaction_id=interaction.id
        )
        pledges = await bot.store.fundraising.member_pledges(
            pledge.party_id, interaction.user.id, newest=OWN_LINES_MAX
        )
        await update_message(
            interaction,
            content=f"Cancelled your pledge of {format_cents(pledge.amount_cents)}.",
            embed=own_pledges_embed(pledges, can_cancel=True),
            view=own_pledge_buttons(pledges, can_cancel=True),
        )


class FundraisingCog(commands.Cog):
    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(CancelPledgeButton, EditPledgeButton)

    async def cog_unload(self) -> None:
        self.bot.remove_dynamic_items(CancelPledgeButton, EditPledgeButton)

    @app_commands.command(name="pledge")
    @app_commands.guild_only()
    @app_commands.describe(
        amount="How much, like 50, $1,000 or 12.50",
        anonymous="Keep your name off the donor wall and the counter",
        note="A few words shown with your pledge",
    )
    async def pledge(
        self,
        interaction: discord.Interaction[LoungeBot],
        amount: str,
        anonymous: bool = False,
        note: str | None = None,
    ) -> None:
        """Pledge a donation to the night's charity."""
        cents = parse_amount(amount)
        cleaned = clean_note(note, max_length=NOTE_MAX)
        party = await open_party(interaction)
        receipt = await self.bot.store.fundraising.add_pledge(
            party.id, interaction.user.id, donor_name(interaction.user), cents,
            anonymous=anonymous, note=cleaned, interaction_id=interaction.id,
        )
        await reply_privately(interaction, pledge_confirmation(receipt.pledge))

    @app_commands.command(name="pledges", extras={PUBLIC_REPLY: True})
    @app_commands.guild_only()
    async def pledges(self, interaction: discord.Interaction[LoungeBot]) -> None:
        """The donor wall, and (only to you) your own pledges."""
        party = await shown_party(interaction)
        # Both answers come from one read: in a busy show every trip to a database thread waits its turn.
        wall, own = await self.bot.store.fundraising.wall_and_own(
            party.id, interaction.user.id, newest=OWN_LINES_MAX
        )
        await send_reply(interaction, embed=donor_wall_embed(party, wall), ephemeral=False)
        if not own.shown:
            await interaction.followup.send(NO_PLEDGES, ephemeral=True)
            return
        embed = own_pledges_embed(own, can_cancel=party.is_open)
        view = own_pledge_buttons(own, can_cancel=party.is_open)
        if view is None:
            await interaction.followup.send(embed=embed, ephemeral=True)
        else:
            await interaction.followup.send(embed=embed, view=view, ephemeral=True)


@app_commands.guild_only()
class PaymentCog(commands.GroupCog, group_name="payment", group_description="Money received"):
    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="record")
    @app_commands.describe(
        member="Who the money came from",
        amount="How much was received, like 50, $1,000 or 12.50",
        note="What it was, like “cash at the door”",
    )
    async def record(
        self,
        interaction: discord.Interaction[LoungeBot],
        member: discord.Member,
        amount: str,
        note: str | None = None,
    ) -> None:
        """Record money received from a member (hosts)."""
        party = await money_party_as_host(interaction)
        if member.bot:
            raise Refusal(BOTS_DONT_PAY)
        cents = parse_amount(amount)
        cleaned = clean_note(note, max_length=NOTE_MAX)
        receipt = await self.bot.store.ledger.record_payment(
            party.id, member.id, cents, note=cleaned, recorded_by=interaction.user.id,
            interaction_id=interaction.id, late=late_notice(party, interaction),
        )
        reply = payment_recorded(
            member.mention, receipt.payment.amount_cents, receipt.applied, receipt.member,
            receipt.dues.status if receipt.dues else None,
        )
        await reply_privately(interaction, reply)

    @app_commands.command(name="waive")
    @app_commands.describe(member="The winner whose donation is excused")
    async def waive(self, interaction: discord.Interaction[LoungeBot], member: discord.Member) -> None:
        """Waive a winner's dues so they get in without paying (hosts)."""
        party = await money_party_as_host(interaction)
        waiver = await self.bot.store.ledger.waive(
            party.id, member.id, interaction.user.id, interaction.id, late_notice(party, interaction)
        )
        await reply_privately(interaction, waived(member.mention, waiver.amount_cents))


async def setup(bot: LoungeBot) -> None:
    await bot.add_cog(FundraisingCog(bot))
    await bot.add_cog(PaymentCog(bot))
