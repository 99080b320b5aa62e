"""The live fundraising counter's embed and the milestone announcement, built from plain figures."""

from __future__ import annotations

import discord

from rules.fundraising import milestone_cents, next_milestone, progress_bar, progress_percent
from rules.money import format_cents
from rules.text import excerpt, inert
from storage import Party
from storage.fundraising import CounterFigures, ShownPledge
from storage.outbox import OutgoingMessage
from ui.limits import EMBED_FIELD_VALUE_MAX, EMBED_TITLE_MAX, LOUNGE_GOLD, clip
from ui.wording import received_split

NOTE_EXCERPT = 60


def counted(count: int, word: str, plural: str | None = None) -> str:
    """A count beside its word: "1 donor", "50 donors"."""
    return f"{count:,} {word if count == 1 else plural or word + 's'}"


def pledge_line(pledge: ShownPledge) -> str:
    who = "an anonymous donor" if pledge.name is None else inert(pledge.name)
    line = f"**{format_cents(pledge.amount_cents)}** from {who}"
    if pledge.note:
        line += f": “{excerpt(pledge.note, NOTE_EXCERPT)}”"
    return line


def progress_line(raised_cents: int, goal_cents: int) -> str:
    return f"`{progress_bar(raised_cents, goal_cents)}` **{progress_percent(raised_cents, goal_cents)}%**"


def milestone_text(raised_cents: int, goal_cents: int | None) -> str | None:
    """The next milestone and what it still needs, or a cheer once the goal is met; None without a goal."""
    if goal_cents is None:
        return None
    percent = next_milestone(raised_cents, goal_cents)
    if percent is None:
        return "Goal reached! 🎉"
    target = milestone_cents(percent, goal_cents)
    return f"{percent}% at {format_cents(target)} ({format_cents(target - raised_cents)} to go)"


def counter_embed(party: Party, figures: CounterFigures) -> discord.Embed:
    money = figures.money
    raised = money.raised_cents
    title = clip(f"{inert(party.name)}: the fundraiser", EMBED_TITLE_MAX)
    embed = discord.Embed(title=title, colour=LOUNGE_GOLD)
    cause = f" for {inert(party.charity)}" if party.charity else ""
    if party.goal_cents is not None:
        embed.description = (
            f"**{format_cents(raised)}** raised of the {format_cents(party.goal_cents)} "
            f"goal{cause}\n{progress_line(raised, party.goal_cents)}"
        )
    else:
        embed.description = f"**{format_cents(raised)}** raised{cause}"
    embed.add_field(name="Raised", value=format_cents(raised), inline=True)
    embed.add_field(name="Pledged", value=format_cents(money.pledged_cents), inline=True)
    embed.add_field(name="Winners' dues", value=format_cents(money.dues_cents), inline=True)
    embed.add_field(name="Received", value=received_split(money), inline=True)
    embed.add_field(name="Outstanding", value=format_cents(money.outstanding_cents), inline=True)
    if party.goal_cents is not None:
        embed.add_field(name="Goal", value=format_cents(party.goal_cents), inline=True)
    embed.add_field(name="Donors", value=counted(figures.donor_count, "donor"), inline=True)
    embed.add_field(name="Pledges", value=counted(figures.pledge_count, "pledge"), inline=True)
    next_up = milestone_text(raised, party.goal_cents)
    if next_up is not None:
        embed.add_field(name="Next milestone", value=next_up, inline=True)
    newest = "\n".join(pledge_line(p) for p in figures.newest) or "No pledges yet. Be the first with /pledge!"
    embed.add_field(name="Newest pledges", value=clip(newest, EMBED_FIELD_VALUE_MAX), inline=False)
    embed.set_footer(text="Pledge with /pledge · the donor wall is /pledges")
    return embed


def milestone_announcement(party: Party, percent: int, raised_cents: int) -> str:
    """What the room is told when the money raised passes `percent` of the goal."""
    assert party.goal_cents is not None
    cause = f" for {excerpt(party.charity, 100)}" if party.charity else ""
    if percent >= 100:
        return (
            f"🎉 **Goal reached!** {format_cents(raised_cents)} raised of the "
            f"{format_cents(party.goal_cents)} goal{cause}. Thank you, everyone!"
        )
    return (
        f"🎉 **{percent}% of the goal!** {format_cents(raised_cents)} raised of "
        f"{format_cents(party.goal_cents)}{cause}."
    )


def milestones_message(party: Party, percents: list[int], raised_cents: int) -> OutgoingMessage:
    """Milestones one refresh found crossed, told together: the highest one speaks for the others."""
    text = milestone_announcement(party, max(percents), raised_cents)
    passed = sorted(p for p in percents if p != max(percents))
    if passed:
        text += " (Past " + " and ".join(f"{p}%" for p in passed) + " on the way.)"
    return OutgoingMessage(content=text)
