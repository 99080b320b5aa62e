"""The donor wall (/pledges) and the caller's private list of their own pledges, with cancel buttons' ids."""

from __future__ import annotations

import discord

from rules.money import format_cents
from rules.text import excerpt, inert
from rules.times import discord_timestamp
from storage import Party
from storage.fundraising import DonorWall, OwnPledge, OwnPledges
from ui.counter import counted, progress_line
from ui.custom_ids import cancel_custom_id, edit_custom_id
from ui.limits import EMBED_DESCRIPTION_MAX, EMBED_TITLE_MAX, LOUNGE_GOLD, clip

# Five rows of five buttons: the most one message can carry, two (cancel, edit) per pledge.
CANCEL_BUTTONS_MAX = 12
OWN_LINES_MAX = 25
NOTE_EXCERPT = 40


def edit_label(own: OwnPledge) -> str:
    return f"Edit #{own.number}"


def donor_wall_embed(party: Party, wall: DonorWall) -> discord.Embed:
    embed = discord.Embed(title=clip(f"Donor wall: {inert(party.name)}", EMBED_TITLE_MAX), colour=LOUNGE_GOLD)
    header = (
        f"**{format_cents(wall.money.pledged_cents)}** pledged by {counted(wall.donor_count, 'donor')} · "
        f"{format_cents(wall.money.raised_cents)} raised with winners' dues · "
        f"{format_cents(wall.money.received_cents)} received"
    )
    if party.goal_cents is not None:
        header += (
            f"\n{progress_line(wall.money.raised_cents, party.goal_cents)} of the "
            f"{format_cents(party.goal_cents)} goal"
        )
    lines = [
        f"{rank}. {'Anonymous' if entry.name is None else inert(entry.name)} · "
        f"**{format_cents(entry.total_cents)}**"
        for rank, entry in enumerate(wall.entries, start=1)
    ]
    if not lines:
        lines = ["No pledges yet. Be the first with /pledge!"]
    elif wall.more_entries:
        lines.append(f"…and {wall.more_entries:,} more")
    embed.description = clip(header + "\n\n" + "\n".join(lines), EMBED_DESCRIPTION_MAX)
    if not party.is_open:
        embed.set_footer(text="The party is closed; pledges are final.")
    return embed


def _status(own: OwnPledge) -> str:
    if own.pledge.voided_at is not None:
        return "voided by a host"
    if own.pledge.is_cancelled:
        return "cancelled"
    return "paid ✓" if own.paid else "unpaid"


def own_pledge_line(own: OwnPledge) -> str:
    pledge = own.pledge
    amount = format_cents(pledge.amount_cents)
    line = f"#{own.number} · " + (f"~~{amount}~~" if pledge.is_cancelled else f"**{amount}**")
    line += f" · {_status(own)}"
    if pledge.anonymous:
        line += " · anonymous"
    if pledge.note:
        line += f" · “{excerpt(pledge.note, NOTE_EXCERPT)}”"
    return line + f" · {discord_timestamp(pledge.created_at, 'R')}"


def own_pledges_embed(own: OwnPledges, *, can_cancel: bool) -> discord.Embed:
    """The caller's pledges, newest last; the store reads only the newest `OWN_LINES_MAX`."""
    lines = [own_pledge_line(pledge) for pledge in own.shown]
    if own.older:
        lines.insert(0, f"…{counted(own.older, 'older pledge')} not shown")
    embed = discord.Embed(
        title="Your pledges", colour=LOUNGE_GOLD, description=clip("\n".join(lines), EMBED_DESCRIPTION_MAX)
    )
    embed.add_field(name="In all", value=f"{format_cents(own.live_cents)} pledged", inline=True)
    if can_cancel and any(pledge.cancellable for pledge in own.shown):
        embed.set_footer(
            text="Only you can see this. An unpaid pledge can be changed or cancelled with its buttons."
        )
    else:
        embed.set_footer(text="Only you can see this.")
    return embed


def cancellable(own: OwnPledges) -> list[OwnPledge]:
    """The shown pledges that get a cancel button: unpaid and live, the newest ones if there are too many."""
    return [pledge for pledge in own.shown if pledge.cancellable][-CANCEL_BUTTONS_MAX:]


def own_pledge_buttons(own: OwnPledges, *, can_cancel: bool) -> discord.ui.View | None:
    """Cancel and Edit under each of the newest unpaid pledges, as layout only; None when there are none.

    Clicks are answered by the fundraising cog's DynamicItems, matched on the custom_id. The view is
    stopped before it is sent: a live view would make discord.py keep a 15-minute listener (a task) for
    every /pledges answer, whose buttons do nothing the DynamicItems don't.
    """
    shown = cancellable(own) if can_cancel else []
    if not shown:
        return None
    view = discord.ui.View(timeout=None)
    for pledge in shown:
        view.add_item(discord.ui.Button(
            label=cancel_label(pledge), style=discord.ButtonStyle.danger,
            custom_id=cancel_custom_id(pledge.pledge.id),
        ))
        view.add_item(discord.ui.Button(
            label=edit_label(pledge), style=discord.ButtonStyle.secondary,
            custom_id=edit_custom_id(pledge.pledge.id),
        ))
    view.stop()
    return view


def cancel_label(own: OwnPledge) -> str:
    return f"Cancel #{own.number} ({format_cents(own.pledge.amount_cents)})"
