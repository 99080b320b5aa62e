"""The party card shown by /party create, /party edit and /party show."""

from __future__ import annotations

from dataclasses import dataclass

import discord

from rules.fundraising import progress_bar, progress_percent
from rules.money import format_cents
from rules.tallies import Tally
from rules.text import inert
from storage import Party
from storage.fundraising import CounterFigures
from storage.rsvps import RsvpCounts
from ui.invitation import counts_text
from ui.limits import LOUNGE_GOLD, clip
from ui.when import when_text
from ui.wording import money_summary


@dataclass(frozen=True)
class NightSoFar:
    """How the night is going, for the card: answers, results and money."""

    rsvps: RsvpCounts
    tally: Tally
    money: CounterFigures


def party_card(party: Party, night: NightSoFar | None = None) -> discord.Embed:
    title = inert(party.name) if party.is_open else f"{inert(party.name)} (closed)"
    embed = discord.Embed(title=clip(title, 256), colour=LOUNGE_GOLD)
    charity = inert(party.charity) if party.charity else "the party's charity"
    embed.description = (
        f"Losers get in free; winners donate {format_cents(party.winner_donation_cents)} to {charity}."
    )
    embed.add_field(name="When", value=when_text(party), inline=False)
    embed.add_field(name="Where", value=inert(party.venue or "") or "Not set yet", inline=True)
    embed.add_field(name="Charity", value=inert(party.charity or "") or "Not set yet", inline=True)
    if party.goal_cents is not None:
        embed.add_field(name="Goal", value=format_cents(party.goal_cents), inline=True)
    if party.capacity is not None:
        embed.add_field(name="Capacity", value=f"{party.capacity} guests", inline=True)
    if party.announce_channel_id is not None:
        embed.add_field(name="Results posted in", value=f"<#{party.announce_channel_id}>", inline=True)
    if party.host_role_id is not None:
        embed.add_field(name="Host role", value=f"<@&{party.host_role_id}>", inline=True)
    if night is not None:
        embed.add_field(name="RSVPs", value=counts_text(night.rsvps, party.capacity), inline=False)
        embed.add_field(name="Results", value=night.tally.summary, inline=False)
        money = night.money.money
        raised = money_summary(money)
        if party.goal_cents:
            bar = progress_bar(money.raised_cents, party.goal_cents)
            percent = progress_percent(money.raised_cents, party.goal_cents)
            raised += f"\n{bar} {percent}% of {format_cents(party.goal_cents)}"
        embed.add_field(name="Raised", value=raised, inline=False)
    return embed
