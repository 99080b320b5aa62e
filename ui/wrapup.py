"""The wrap-up posted when a host closes the night: money, donors, winners and losers, bottles, dues."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from rules.fundraising import progress_percent
from rules.money import format_cents
from rules.tallies import Tally
from storage import Party
from storage.dues import Bottle, Dues
from storage.fundraising import CounterFigures
from storage.results import Result
from ui.limits import EMBED_FIELD_VALUE_MAX, LOUNGE_GOLD, clip

CHART_FILENAME = "money-over-the-night.png"


def _lines(items: Sequence[str], empty: str) -> str:
    """Lines that fit one embed field; what does not fit is counted, never silently dropped."""
    if not items:
        return empty
    shown: list[str] = []
    size = 0
    for index, item in enumerate(items):
        more = f"…and {len(items) - index} more"
        if size + len(item) + 1 > EMBED_FIELD_VALUE_MAX - len(more) - 1:
            shown.append(more)
            break
        shown.append(item)
        size += len(item) + 1
    return "\n".join(shown)


def wrapup_embed(
    party: Party,
    figures: CounterFigures,
    tally: Tally,
    results: Sequence[Result],
    bottles: Sequence[Bottle],
    owed: Sequence[Dues],
) -> discord.Embed:
    embed = discord.Embed(title=clip(f"That's a wrap: {party.name}", 256), colour=LOUNGE_GOLD)
    charity = party.charity or "the night's charity"
    raised = f"**{format_cents(figures.pledged_cents)}** pledged for {charity}"
    if party.goal_cents:
        percent = progress_percent(figures.pledged_cents, party.goal_cents)
        raised += f" ({percent}% of the {format_cents(party.goal_cents)} goal)"
    embed.description = clip(
        f"{raised}\n**{format_cents(figures.received_cents)}** received · "
        f"{figures.donor_count} {'donor' if figures.donor_count == 1 else 'donors'}\n{tally.summary}",
        4096,
    )
    winners = [
        f"🏆 {r.category_name}: " + (f"<@{r.winner.member_id}>" if r.winner.member_id else r.winner.name)
        for r in results
    ]
    embed.add_field(name="Winners", value=_lines(winners, "No results were announced."), inline=False)
    embed.add_field(
        name="Bottles to engrave",
        value=_lines([f"🍾 {b.engraving}" for b in bottles], "None yet: no winner has paid their dues."),
        inline=False,
    )
    embed.add_field(
        name="Dues still owed",
        value=_lines(
            [f"<@{d.user_id}>: {format_cents(d.amount_cents)}" for d in owed],
            "None: every winner settled up.",
        ),
        inline=False,
    )
    embed.set_image(url=f"attachment://{CHART_FILENAME}")
    embed.set_footer(text="RSVPs and pledges are closed. Thank you for coming, losers and winners alike.")
    return embed
