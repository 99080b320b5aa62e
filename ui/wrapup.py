"""The wrap-up posted when a host closes the night: money, donors, winners and losers, bottles, dues."""

from __future__ import annotations

from collections.abc import Sequence

import discord

from rules.fundraising import progress_percent
from rules.money import format_cents
from rules.predictions import best_predictors
from rules.tallies import Tally
from rules.text import inert
from storage import Party, WrapupFacts
from storage.dues import Bottle, Dues
from storage.fundraising import CounterFigures
from storage.outbox import OutgoingFile, OutgoingMessage
from storage.results import Result
from ui.chart import money_chart
from ui.limits import EMBED_FIELD_VALUE_MAX, EMBED_FIELDS_MAX, EMBED_TOTAL_MAX, LOUNGE_GOLD, clip
from ui.predictions import best_predictors_line
from ui.wording import money_detail

CHART_FILENAME = "money-over-the-night.png"


def _add_list(embed: discord.Embed, name: str, items: Sequence[str], empty: str) -> None:
    """Adds `items` as one field, or several ("… (continued)") when they pass a field's 1,024 characters.

    What would pass the embed's 6,000 characters in all is counted instead, never silently dropped.
    """
    if not items:
        embed.add_field(name=name, value=empty, inline=False)
        return
    chunk: list[str] = []
    size = 0
    for index, item in enumerate(items):
        item = clip(item, EMBED_FIELD_VALUE_MAX)
        room = EMBED_TOTAL_MAX - len(embed) - len(name) - 16 - size
        if len(item) + 1 > room - len("…and 99999 more") or len(embed.fields) >= EMBED_FIELDS_MAX - 1:
            chunk.append(f"…and {len(items) - index} more")
            break
        if size + len(item) + 1 > EMBED_FIELD_VALUE_MAX:
            embed.add_field(name=name, value="\n".join(chunk), inline=False)
            name = name if name.endswith("(continued)") else f"{name} (continued)"
            chunk, size = [], 0
        chunk.append(item)
        size += len(item) + 1
    embed.add_field(name=name, value="\n".join(chunk), inline=False)


def wrapup_embed(
    party: Party,
    figures: CounterFigures,
    tally: Tally,
    results: Sequence[Result],
    bottles: Sequence[Bottle],
    owed: Sequence[Dues],
    best_predictor: str | None = None,
) -> discord.Embed:
    embed = discord.Embed(title=clip(f"That's a wrap: {inert(party.name)}", 256), colour=LOUNGE_GOLD)
    charity = inert(party.charity) if party.charity else "the night's charity"
    money = figures.money
    raised = f"**{format_cents(money.raised_cents)}** raised for {charity}"
    if party.goal_cents:
        percent = progress_percent(money.raised_cents, party.goal_cents)
        raised += f" ({percent}% of the {format_cents(party.goal_cents)} goal)"
    embed.description = clip(
        f"{raised}\n{money_detail(money)}\n"
        f"{figures.donor_count} {'donor' if figures.donor_count == 1 else 'donors'}\n{tally.summary}"
        + (f"\n🔮 Best predictor: {best_predictor}" if best_predictor else ""),
        4096,
    )
    # Footer first: the lists below measure what room the embed has left.
    embed.set_image(url=f"attachment://{CHART_FILENAME}")
    embed.set_footer(text="RSVPs and pledges are closed. Thank you for coming, losers and winners alike.")
    winners = [
        f"🏆 {inert(r.category_name)}: "
        + (f"<@{r.winner.member_id}>" if r.winner.member_id else inert(r.winner.name))
        for r in results
    ]
    _add_list(embed, "Winners", winners, "No results were announced.")
    bottle_lines = [f"🍾 {inert(b.engraving)}" for b in bottles]
    _add_list(embed, "Bottles to engrave", bottle_lines, "None yet: no winner has paid their dues.")
    owed_lines = [f"<@{d.user_id}>: {format_cents(d.amount_cents)}" for d in owed]
    _add_list(embed, "Dues still owed", owed_lines, "None: every winner settled up.")
    return embed


def wrapup_message(facts: WrapupFacts) -> OutgoingMessage:
    """The wrap-up post with its chart, built from what the closing transaction read."""
    party = facts.party
    board = facts.predictions
    embed = wrapup_embed(
        party, facts.figures, facts.tally, facts.results, facts.bottles, facts.outstanding,
        best_predictors_line(best_predictors(board.standings), board.decided),
    )
    chart = money_chart(facts.timeline, party.goal_cents, f"{party.name}: money", party.timezone)
    return OutgoingMessage(embeds=(embed.to_dict(),), files=(OutgoingFile(CHART_FILENAME, chart),))
