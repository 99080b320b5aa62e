"""/void pledge, payment and waiver: a host's corrections, which mark an entry void and never delete it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from lounge.guards import money_party_as_host
from lounge.replies import reply_privately
from rules import Refusal
from rules.money import format_cents, parse_amount
from rules.text import clean_note
from storage import Party
from storage.ledger import EntryChoice, LateNotice
from ui.limits import CHOICES_MAX, clip
from ui.wording import (
    NO_REASON,
    NOT_A_NUMBER,
    payment_voided,
    pledge_voided,
    since_close,
    void_notice,
    waiver_voided,
)

if TYPE_CHECKING:
    from lounge.client import LoungeBot

REASON_MAX = 200
# Ids typed into an autocomplete option are at most this long: longer digit strings are not ids.
_ID_DIGITS_MAX = 19
CHOICE_NAME_MAX = 100


def late_notice(party: Party, interaction: discord.Interaction) -> LateNotice | None:
    """After the close, money changes are told where the wrap-up went (as /party close picks it)."""
    channel_id = party.announce_channel_id or interaction.channel_id
    return None if channel_id is None else LateNotice(channel_id, since_close)


def _entry_id(typed: str) -> int:
    """The id behind an autocomplete value. :raises Refusal: the host typed something else."""
    text = typed.strip().lstrip("#")
    if not (text.isascii() and text.isdigit() and len(text) <= _ID_DIGITS_MAX):
        raise Refusal(NOT_A_NUMBER)
    return int(text)


def _reason(reason: str) -> str:
    cleaned = clean_note(reason, max_length=REASON_MAX)
    if not cleaned:
        raise Refusal(NO_REASON)
    return cleaned


def _typed_amount(current: str) -> int | None:
    try:
        return parse_amount(current)
    except Refusal:
        return None


def _choices(entries: list[EntryChoice]) -> list[app_commands.Choice[str]]:
    return [
        app_commands.Choice(
            name=clip(
                f"#{e.id} · {format_cents(e.amount_cents)} · {e.name or f'member {e.user_id}'}"
                + (" (anonymous)" if e.anonymous else ""),
                CHOICE_NAME_MAX,
            ),
            value=str(e.id),
        )
        for e in entries[:CHOICES_MAX]
    ]


@app_commands.guild_only()
class VoidCog(commands.GroupCog, group_name="void", group_description="Correct a mistake (hosts)"):
    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot
        super().__init__()

    @app_commands.command(name="pledge")
    @app_commands.describe(pledge="The pledge (newest first; type a donor or an amount)", reason="Why")
    async def pledge(
        self,
        interaction: discord.Interaction[LoungeBot],
        pledge: str,
        reason: app_commands.Range[str, 1, REASON_MAX],
    ) -> None:
        """Void someone's pledge: it leaves every total and the donor wall (hosts)."""
        party = await money_party_as_host(interaction)
        why = _reason(reason)
        voided = await self.bot.store.ledger.void_pledge(
            party.id, _entry_id(pledge), interaction.user.id, why, interaction.id, void_notice,
            late_notice(party, interaction),
        )
        await reply_privately(
            interaction, pledge_voided(f"<@{voided.user_id}>", voided.amount_cents, voided.reason)
        )

    @app_commands.command(name="payment")
    @app_commands.describe(payment="The payment (newest first; type a member or an amount)", reason="Why")
    async def payment(
        self,
        interaction: discord.Interaction[LoungeBot],
        payment: str,
        reason: app_commands.Range[str, 1, REASON_MAX],
    ) -> None:
        """Void a payment entered by mistake; dues it paid are owed again (hosts)."""
        party = await money_party_as_host(interaction)
        why = _reason(reason)
        voided = await self.bot.store.ledger.void_payment(
            party.id, _entry_id(payment), interaction.user.id, why, interaction.id, void_notice,
            late_notice(party, interaction),
        )
        await reply_privately(
            interaction,
            payment_voided(
                f"<@{voided.user_id}>", voided.amount_cents, voided.reason, voided.member,
                voided.dues.status if voided.dues else None,
            ),
        )

    @app_commands.command(name="waiver")
    @app_commands.describe(member="The winner whose waiver was a mistake", reason="Why")
    async def waiver(
        self,
        interaction: discord.Interaction[LoungeBot],
        member: discord.Member,
        reason: app_commands.Range[str, 1, REASON_MAX] | None = None,
    ) -> None:
        """The member owes their winner's dues again (hosts)."""
        party = await money_party_as_host(interaction)
        why = _reason(reason) if reason is not None else None
        voided = await self.bot.store.ledger.void_waiver(
            party.id, member.id, interaction.user.id, why, interaction.id, void_notice,
            late_notice(party, interaction),
        )
        status = voided.dues.status if voided.dues else None
        await reply_privately(interaction, waiver_voided(member.mention, voided.amount_cents, status))

    @pledge.autocomplete("pledge")
    async def pledge_choices(
        self, interaction: discord.Interaction[LoungeBot], current: str
    ) -> list[app_commands.Choice[str]]:
        party = await self._party(interaction)
        if party is None:
            return []
        found = await self.bot.store.ledger.pledge_choices(
            party, name=current.strip(), cents=_typed_amount(current)
        )
        return _choices(found)

    @payment.autocomplete("payment")
    async def payment_choices(
        self, interaction: discord.Interaction[LoungeBot], current: str
    ) -> list[app_commands.Choice[str]]:
        party = await self._party(interaction)
        if party is None:
            return []
        found = await self.bot.store.ledger.payment_choices(
            party, name=current.strip(), cents=_typed_amount(current)
        )
        return _choices(found)

    async def _party(self, interaction: discord.Interaction[LoungeBot]) -> int | None:
        # Autocomplete shows nothing to a non-host: the entries name members and amounts.
        if interaction.guild_id is None:
            return None
        try:
            party = await money_party_as_host(interaction)
        except Refusal:
            return None
        return party.id


async def setup(bot: LoungeBot) -> None:
    await bot.add_cog(VoidCog(bot))
