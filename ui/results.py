"""What results night looks like: announcements, corrections, the passed-over leaderboard, door verdicts."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from rules.dues import DuesStatus
from rules.money import format_cents
from rules.tallies import Tally, passed_over_text
from rules.text import inert
from storage import Party
from storage.dues import Dues
from storage.outbox import OutgoingMessage
from storage.results import Announcement, Nominee, PassedOver, Result, Undo
from ui.limits import EMBED_DESCRIPTION_MAX, EMBED_FIELD_VALUE_MAX, LOUNGE_GOLD, clip
from ui.predictions import guessed_line

CORRECTION_RED = 0xB03A2E
MEDALS = ("🥇", "🥈", "🥉")


def _members(nominee: Nominee) -> tuple[int, ...]:
    if nominee.member_ids:
        return nominee.member_ids
    return (nominee.member_id,) if nominee.member_id is not None else ()


def _and(items: Sequence[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def nominee_label(nominee: Nominee) -> str:
    """A linked nominee shows as mentions of its members (embeds never ping); others by name."""
    members = _members(nominee)
    return _and([f"<@{m}>" for m in members]) if members else inert(nominee.name)


def is_several(nominee: Nominee) -> bool:
    """Co-nominees ("Tina Fey & Tracey Wigfield", or several linked members) take the plural."""
    return len(_members(nominee)) > 1 or " & " in nominee.name or " and " in nominee.name


def wins(nominee: Nominee) -> str:
    """"Amy wins", "Tina Fey & Tracey Wigfield win"."""
    return f"**{inert(nominee.name)}** {'win' if is_several(nominee) else 'wins'}"


def announcement(
    party: Party, result: Result, passed_over: Sequence[Nominee], tally: Tally, dues: Sequence[Dues] = ()
) -> discord.Embed:
    """The result as the room reads it; `dues` are the winning members' dues as they stand now."""
    winner = result.winner
    embed = discord.Embed(title=clip(f"🏆 {inert(result.category_name)}", 256), colour=LOUNGE_GOLD)
    charity = inert(party.charity) if party.charity else "the night's charity"
    lines = [f"And the winner is… **{inert(winner.name)}**!"]
    members = _members(winner)
    if members:
        status = {d.user_id: d.status for d in dues}
        owing = [f"<@{m}>" for m in members if status.get(m) is DuesStatus.OWED]
        settled = [f"<@{m}>" for m in members if status.get(m) in (DuesStatus.PAID, DuesStatus.WAIVED)]
        mentions = _and([f"<@{m}>" for m in members])
        lines.append(f"{mentions} {'is now a winner' if len(members) == 1 else 'are now winners'}.")
        if owing:
            each = "owes" if len(owing) == 1 else "each owe"
            lines.append(
                f"{_and(owing)} {each} {format_cents(party.winner_donation_cents)} to {charity}."
            )
        if settled:
            lines.append(f"{_and(settled)}: the winner's donation is already covered. Thank you!")
    else:
        lines.append(f"{wins(winner)} tonight. Not in the server, so there are no dues to collect.")
    embed.description = clip("\n".join(lines), EMBED_DESCRIPTION_MAX)
    if passed_over:
        names = ", ".join(nominee_label(n) for n in passed_over)
        embed.add_field(
            name="Passed over tonight (in free!)", value=clip(names, EMBED_FIELD_VALUE_MAX), inline=False
        )
    embed.set_footer(text=tally.summary)
    return embed


def withdrawn(original: discord.Embed) -> discord.Embed:
    """The original announcement, marked as withdrawn so nobody reads it as the result."""
    embed = original.copy()
    embed.title = clip(f"Withdrawn: {embed.title or ''}", 256)
    embed.colour = CORRECTION_RED
    return embed


def correction(result: Result, reason: str | None, still_winner: bool, tally: Tally) -> discord.Embed:
    category = inert(result.category_name)
    embed = discord.Embed(title=clip(f"Correction: {category}", 256), colour=CORRECTION_RED)
    lines = [f"The result for {category} ({inert(result.winner.name)}) has been withdrawn."]
    if reason:
        lines.append(f"Reason: {inert(reason)}")
    if _members(result.winner):
        lines.append(
            f"{nominee_label(result.winner)} still holds another win tonight."
            if still_winner
            else f"{nominee_label(result.winner)} is back to loser status (in for free)."
        )
    lines.append("A new result for this category will follow.")
    embed.description = clip("\n".join(lines), EMBED_DESCRIPTION_MAX)
    embed.set_footer(text=tally.summary)
    return embed


def leaderboard(
    tonight: Sequence[PassedOver], all_time: Sequence[PassedOver], party: Party | None
) -> discord.Embed:
    embed = discord.Embed(title="The Losers' Board", colour=LOUNGE_GOLD)
    embed.description = "Every announced category passes over every nominee who didn't win it."
    heading = f"Tonight: {inert(party.name)}" if party is not None else "Tonight"
    embed.add_field(name=clip(heading, 256), value=_ranking(tonight), inline=False)
    embed.add_field(name="All time in this server", value=_ranking(all_time), inline=False)
    return embed


def _ranking(rows: Sequence[PassedOver]) -> str:
    if not rows:
        return "Nobody has been passed over yet."
    lines = []
    for place, row in enumerate(rows):
        marker = MEDALS[place] if place < len(MEDALS) else f"{place + 1}."
        who = f"<@{row.member_id}>" if row.member_id is not None else inert(row.name)
        lines.append(f"{marker} {who}: {passed_over_text(row.times, row.categories)}")
    return clip("\n".join(lines), EMBED_FIELD_VALUE_MAX)


def announcement_message(party: Party, outcome: Announcement) -> OutgoingMessage:
    """The public announcement, as queued with the result."""
    embed = announcement(party, outcome.result, outcome.passed_over, outcome.tally, outcome.dues)
    guessed = guessed_line(outcome.guesses, outcome.result.winner.name)
    if guessed is not None:
        embed.add_field(name="Predictions", value=guessed, inline=False)
    return OutgoingMessage(embeds=(embed.to_dict(),))


def correction_message(outcome: Undo) -> OutgoingMessage:
    """The public correction, as queued with the undo."""
    reason = outcome.result.undo_reason
    return OutgoingMessage(
        embeds=(correction(outcome.result, reason, outcome.still_winner, outcome.tally).to_dict(),)
    )


def withdrawn_message(original: OutgoingMessage) -> OutgoingMessage:
    """The queued announcement, marked withdrawn (the edit goes out once the announcement is)."""
    embeds = tuple(withdrawn(discord.Embed.from_dict(e)).to_dict() for e in original.embeds[:1])
    return OutgoingMessage(content=original.content, embeds=embeds + original.embeds[1:])
