"""The party invitation (embed, counts and RSVP buttons) and the private answers to an RSVP.

The buttons carry the party id and the answer in their custom_id (`rsvp:<party_id>:<status>`), so the
RSVP cog's DynamicItem can answer them after any restart without remembering a view.
"""

from __future__ import annotations

from collections.abc import Callable

import discord

from rules.admission import places_left
from rules.money import format_cents
from rules.text import inert
from storage import Party
from storage.outbox import OutgoingMessage
from storage.rsvps import Rsvp, RsvpCounts, RsvpOutcome, Status
from ui.custom_ids import rsvp_custom_id
from ui.limits import LOUNGE_GOLD, clip
from ui.when import when_text

# (status, button label, style), in the order the buttons appear.
RSVP_BUTTONS: tuple[tuple[Status, str, discord.ButtonStyle], ...] = (
    ("going", "Going", discord.ButtonStyle.success),
    ("maybe", "Maybe", discord.ButtonStyle.secondary),
    ("not_going", "Can't go", discord.ButtonStyle.danger),
)


def rsvp_button(party_id: int, status: Status) -> discord.ui.Button[discord.ui.View]:
    label, style = next((label, style) for s, label, style in RSVP_BUTTONS if s == status)
    return discord.ui.Button(label=label, style=style, custom_id=rsvp_custom_id(party_id, status))


def invitation_buttons(party_id: int) -> discord.ui.View:
    """The three RSVP buttons, as layout only.

    Clicks are answered by the RSVP cog's DynamicItem, matched on the custom_id. The view is stopped
    before it is sent so discord.py does not also keep it as a listener whose buttons do nothing.
    """
    view = discord.ui.View(timeout=None)
    for status, _label, _style in RSVP_BUTTONS:
        view.add_item(rsvp_button(party_id, status))
    view.stop()
    return view


def counts_text(counts: RsvpCounts, capacity: int | None) -> str:
    """ "18 going · 4 maybe · 2 waitlisted", going counted in heads (plus-ones included)."""
    parts = [f"{counts.going_heads} going", f"{counts.maybe} maybe"]
    if capacity is not None or counts.waitlisted:
        parts.append(f"{counts.waitlisted} waitlisted")
    text = " · ".join(parts)
    left = places_left(capacity, counts.going_heads)
    if left:
        text += f"\n{left} of {capacity} places left"
    elif left is not None:
        text += f"\nFull ({capacity} places): new guests join the waitlist"
    return text


def invitation_embed(party: Party, counts: RsvpCounts) -> discord.Embed:
    name = inert(party.name)
    title = f"You're invited: {name}" if party.is_open else f"{name} (RSVPs closed)"
    charity = inert(party.charity) if party.charity else "the party's charity"
    embed = discord.Embed(title=clip(title, 256), colour=LOUNGE_GOLD)
    embed.description = (
        f"Losers get in free; winners donate {format_cents(party.winner_donation_cents)} to {charity}."
    )
    embed.add_field(name="When", value=when_text(party), inline=False)
    embed.add_field(name="Where", value=inert(party.venue or "") or "Not set yet", inline=True)
    embed.add_field(name="Charity", value=inert(party.charity or "") or "Not set yet", inline=True)
    embed.add_field(name="RSVPs", value=counts_text(counts, party.capacity), inline=False)
    embed.set_footer(
        text="Answer with the buttons; /rsvp adds plus-ones or a note, /guests shows who's coming."
        if party.is_open
        else "RSVPs are closed."
    )
    return embed


def _plural(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _bringing(rsvp: Rsvp) -> str:
    return f" with {_plural(rsvp.plus_ones, 'plus-one')}" if rsvp.plus_ones else ""


def rsvp_reply(party_name: str, outcome: RsvpOutcome) -> str:
    """The private answer to the member who RSVPed."""
    rsvp, previous = outcome.rsvp, outcome.previous
    name = f"**{inert(party_name)}**"
    if rsvp.confirmed:
        if previous is not None and previous.waiting:
            text = f"A place opened up: you're going to {name}{_bringing(rsvp)}!"
        else:
            text = f"You're going to {name}{_bringing(rsvp)}. See you there!"
    elif rsvp.waiting:
        place = f"#{outcome.place}" if outcome.place is not None else "the waitlist"
        still = "still " if previous is not None and previous.waiting else ""
        text = (
            f"{name} is full, so you're {still}on the waitlist at {place}{_bringing(rsvp)}. "
            "You'll be told as soon as a place opens up."
        )
    elif rsvp.status == "maybe":
        text = f"You're down as maybe for {name}."
    else:
        text = f"Sorry you can't make it to {name}; you're down as not going."
    if previous is not None and previous.confirmed and not rsvp.confirmed:
        text += " Your place is free for the next guest."
    if rsvp.note:
        text += f"\nYour note: {inert(rsvp.note)}"
    return text + "\nChange your answer any time with the invitation's buttons or /rsvp."


def promotion_notice(mention: str, party_name: str, rsvp: Rsvp) -> str:
    """Tells a waitlisted member they got a place; `mention` is the only ping the message may carry."""
    return (
        f"{mention} a place opened up at **{inert(party_name)}**: you're off the waitlist and "
        f"going{_bringing(rsvp)}! Can't make it after all? Answer with /rsvp so the next in line gets in."
    )


def promotion_message(party_name: str) -> Callable[[Rsvp], OutgoingMessage]:
    """The private notice to each member moved off the waitlist (a DM; a mention if their DMs are closed)."""

    def notice(rsvp: Rsvp) -> OutgoingMessage:
        return OutgoingMessage(content=promotion_notice("Hi,", party_name, rsvp))

    return notice
