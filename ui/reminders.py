"""What a reminder says: the DM before the party, its mention line when DMs are closed, the dues
reminder at close, and the "Stop reminders" button that keeps working after a restart."""

from __future__ import annotations

import discord

from rules.money import format_cents
from rules.reminders import duration_text
from rules.text import inert
from rules.times import discord_timestamp
from storage import Party
from storage.outbox import OutgoingMessage
from storage.reminders import DuesReminder, ReminderDecision
from ui.calendar import event_url
from ui.limits import LOUNGE_GOLD, clip

STOP_REMINDERS_TEMPLATE = r"reminders:stop:(?P<party_id>[0-9]+)"


def stop_reminders_custom_id(party_id: int) -> str:
    return f"reminders:stop:{party_id}"


def stop_reminders_button(party_id: int) -> discord.ui.Button[discord.ui.View]:
    return discord.ui.Button(
        label="Stop reminders",
        style=discord.ButtonStyle.secondary,
        custom_id=stop_reminders_custom_id(party_id),
    )


def invitation_url(guild_id: int, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"


def _dues_text(party: Party) -> str:
    charity = inert(party.charity) if party.charity else "the party's charity"
    return f"Losers get in free; winners donate {format_cents(party.winner_donation_cents)} to {charity}."


def reminder_line(party: Party) -> str:
    """The short text of a reminder: the DM's first line, and all a member sees when mentioned instead
    (so it must read well after "@member ")."""
    assert party.starts_at is not None
    start = party.starts_at
    where = f" at {inert(party.venue)}" if party.venue else ""
    return (
        f"reminder: **{inert(party.name)}** starts {discord_timestamp(start, 'R')} "
        f"({discord_timestamp(start, 'f')}){where}."
    )


def reminder_embed(
    party: Party, minutes_before: int, *, invitation: str | None, event_link: str | None
) -> discord.Embed:
    """The DM's card: name, start, venue, what losers and winners owe, and where to answer."""
    assert party.starts_at is not None
    embed = discord.Embed(
        title=clip(f"{inert(party.name)} is in {duration_text(minutes_before)}", 256), colour=LOUNGE_GOLD
    )
    embed.description = _dues_text(party)
    embed.add_field(
        name="When",
        value=f"{discord_timestamp(party.starts_at, 'F')} ({discord_timestamp(party.starts_at, 'R')})",
        inline=False,
    )
    embed.add_field(
        name="Where", value=inert(party.venue) if party.venue else "Not set yet", inline=False
    )
    links = []
    if invitation:
        links.append(f"[The invitation]({invitation}) (change your answer there)")
    if event_link:
        links.append(f"[The event]({event_link})")
    if links:
        embed.add_field(name="Links", value="\n".join(links), inline=False)
    embed.set_footer(text="You get this because you answered going or maybe. Stop reminders with the button.")
    return embed


def dues_reminder_line(party: Party, owed_cents: int) -> str:
    """The dues reminder at close: the amount, the charity and how to settle it."""
    charity = inert(party.charity) if party.charity else "the party's charity"
    return (
        f"thanks for coming to **{inert(party.name)}**! As a winner you still owe "
        f"{format_cents(owed_cents)} to {charity}. Pay a host, who records it with /payment record."
    )


def reminders_note(wanted: bool | None) -> str:
    """What /rsvp adds to its answer when the member set `reminders`."""
    if wanted is None:
        return ""
    if wanted:
        return "\nReminder DMs are on for this party."
    return "\nNo reminder DMs for this party; `reminders:True` turns them back on."


def reminder_message(decision: ReminderDecision) -> OutgoingMessage:
    """The reminder DM (the outbox mentions the member with its first line when their DMs are closed)."""
    party = decision.party
    invitation = invitation_url(party.guild_id, *decision.invitation) if decision.invitation else None
    event_link = event_url(party.guild_id, decision.event_id) if decision.event_id else None
    embed = reminder_embed(
        party, decision.reminder.minutes_before, invitation=invitation, event_link=event_link
    )
    return OutgoingMessage(
        content=reminder_line(party),
        embeds=(embed.to_dict(),),
        buttons=(stop_reminders_button(party.id).to_component_dict(),),
    )


def dues_reminder_message(reminder: DuesReminder) -> OutgoingMessage:
    return OutgoingMessage(content=dues_reminder_line(reminder.party, reminder.owed_cents))
