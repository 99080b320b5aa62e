"""What the predictions game looks like: a member's ballot pages, the leaderboard, and the announcement line.

The ballot's menus and page buttons are layout only: the predictions cog's DynamicItems answer them,
matched on custom_ids that carry the party, the category and the page (`predict:<party>:<category>:<page>`,
`predict-page:<party>:<page>:<prev|next>`, named in `ui.custom_ids`), so they work after a restart
without remembering a view.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import discord

from rules.predictions import Guesses, Standing
from rules.text import inert
from storage import Party
from storage.ballot import BallotCategory, Nominee
from storage.predictions import Leaderboard
from ui.custom_ids import ballot_page_custom_id, pick_custom_id
from ui.limits import EMBED_DESCRIPTION_MAX, EMBED_FIELD_VALUE_MAX, LOUNGE_GOLD, clip
from ui.paging import split_lines

# A message holds five action rows and a select menu fills one: four menus leave a row for the buttons.
CATEGORIES_PER_PAGE = 4
OPTIONS_MAX = 25
PLACEHOLDER_MAX = 150
OPTION_LABEL_MAX = 100
# An announcement names who guessed right when they are this few; past it, only the count.
NAMED_GUESSERS_MAX = 5
MEDALS = ("🥇", "🥈", "🥉")
LEADERBOARD_LINES = 20


def shown(text: str) -> str:
    """User text inside a message, inert: it reads as typed and pings nobody."""
    return inert(text)


def page_count(open_categories: int) -> int:
    return max(1, -(-open_categories // CATEGORIES_PER_PAGE))


def _menu_nominees(nominees: Sequence[Nominee], picked: int | None) -> list[Nominee]:
    """At most 25 nominees for a menu, keeping the member's current pick among them."""
    if len(nominees) <= OPTIONS_MAX:
        return list(nominees)
    first = list(nominees[:OPTIONS_MAX])
    if picked is not None and all(n.id != picked for n in first):
        first[-1] = next(n for n in nominees if n.id == picked)
    return first


def pick_menu(party_id: int, entry: BallotCategory, picked: int | None, page: int) -> discord.ui.Select:  # type: ignore[type-arg]
    options = [
        discord.SelectOption(
            label=clip(nominee.name, OPTION_LABEL_MAX), value=str(nominee.id), default=nominee.id == picked
        )
        for nominee in _menu_nominees(entry.nominees, picked)
    ]
    return discord.ui.Select(
        custom_id=pick_custom_id(party_id, entry.category.id, page),
        placeholder=clip(entry.category.name, PLACEHOLDER_MAX),
        options=options,
        min_values=1,
        max_values=1,
    )


def _pick_text(entry: BallotCategory, picked: int | None) -> str:
    name = next((n.name for n in entry.nominees if n.id == picked), None)
    text = f"Your pick: **{shown(name)}**" if name is not None else "No pick yet"
    if len(entry.nominees) > OPTIONS_MAX:
        text += f"\nThe menu lists {OPTIONS_MAX} of its {len(entry.nominees)} nominees (a menu's limit)."
    return text


def ballot_page(
    party: Party,
    open_categories: Sequence[BallotCategory],
    picks: Mapping[int, int],
    page: int,
    *,
    notice: str | None = None,
) -> tuple[discord.Embed, discord.ui.View | None]:
    """One page of the member's ballot: up to four undecided categories, each with its menu."""
    pages = page_count(len(open_categories))
    page = max(0, min(page, pages - 1))
    embed = discord.Embed(title=clip(f"Your predictions: {party.name}", 256), colour=LOUNGE_GOLD)
    picked = sum(1 for entry in open_categories if entry.category.id in picks)
    lines = [notice] if notice else []
    if not open_categories:
        lines.append(
            "Every category has been announced: nothing is left to predict. /predictions has the scores."
        )
        embed.description = clip("\n".join(lines), EMBED_DESCRIPTION_MAX)
        return embed, None
    lines.append(
        "Pick who you think wins each category. A pick is saved at once and can change until the "
        f"category is announced.\nYou've picked {picked} of {len(open_categories)} open categories."
    )
    embed.description = clip("\n".join(lines), EMBED_DESCRIPTION_MAX)
    shown_here = open_categories[page * CATEGORIES_PER_PAGE : (page + 1) * CATEGORIES_PER_PAGE]
    view = discord.ui.View(timeout=None)
    for row, entry in enumerate(shown_here):
        picked_id = picks.get(entry.category.id)
        embed.add_field(name=clip(entry.category.name, 256), value=_pick_text(entry, picked_id), inline=False)
        menu = pick_menu(party.id, entry, picked_id, page)
        menu.row = row
        view.add_item(menu)
    embed.set_footer(text=f"Page {page + 1} of {pages}")
    if pages > 1:
        for label, target, step, disabled in (
            ("Previous", page - 1, "prev", page == 0),
            ("Next", page + 1, "next", page >= pages - 1),
        ):
            view.add_item(
                discord.ui.Button(
                    label=label,
                    style=discord.ButtonStyle.secondary,
                    custom_id=ballot_page_custom_id(party.id, max(0, target), step),
                    disabled=disabled,
                    row=CATEGORIES_PER_PAGE,
                )
            )
    # Layout only: the cog's DynamicItems answer, so discord.py must not keep this view as a listener.
    view.stop()
    return embed, view


def _score(standing: Standing, decided: int) -> str:
    return f"{standing.correct} of {decided}"


def leaderboard_pages(party: Party, board: Leaderboard) -> list[discord.Embed]:
    """The public leaderboard: rank, member, correct picks of the categories decided so far."""
    title = clip(f"Predictions: {party.name}", 256)
    heading = f"{board.decided} {'category' if board.decided == 1 else 'categories'} decided so far."
    if not board.standings:
        embed = discord.Embed(title=title, colour=LOUNGE_GOLD)
        embed.description = f"{heading}\nNobody has predicted yet: /predict makes your picks."
        return [embed]
    lines = []
    for standing in board.standings:
        marker = MEDALS[standing.rank - 1] if standing.rank <= len(MEDALS) else f"{standing.rank}."
        lines.append(f"{marker} <@{standing.user_id}>: {_score(standing, board.decided)}")
    pages = []
    for body in split_lines(lines, max_lines=LEADERBOARD_LINES):
        embed = discord.Embed(title=title, colour=LOUNGE_GOLD)
        embed.description = clip(
            f"{heading} Level scores go to whoever completed their ballot first.\n\n{body}",
            EMBED_DESCRIPTION_MAX,
        )
        pages.append(embed)
    return pages


def own_ballot(party: Party, ballot: Sequence[BallotCategory], picks: Mapping[int, int]) -> discord.Embed:
    """The caller's picks, privately: right, wrong, or still open."""
    embed = discord.Embed(title=clip(f"Your ballot: {party.name}", 256), colour=LOUNGE_GOLD)
    lines = []
    right = decided = 0
    for entry in ballot:
        picked = picks.get(entry.category.id)
        if picked is None:
            continue
        name = next((n.name for n in entry.nominees if n.id == picked), "?")
        if entry.winner_id is None:
            lines.append(f"⏳ {shown(entry.category.name)}: {shown(name)}")
            continue
        decided += 1
        if entry.winner_id == picked:
            right += 1
            lines.append(f"✅ {shown(entry.category.name)}: {shown(name)}")
        else:
            winner = next((n.name for n in entry.nominees if n.id == entry.winner_id), "?")
            lines.append(f"❌ {shown(entry.category.name)}: {shown(name)} (won: {shown(winner)})")
    if not lines:
        embed.description = "You haven't predicted anything yet: /predict makes your picks."
        return embed
    summary = f"{right} right of {decided} decided · {len(lines)} picks"
    embed.description = clip(summary + "\n\n" + "\n".join(lines), EMBED_DESCRIPTION_MAX)
    return embed


def guessed_line(guesses: Guesses | None, winner_name: str) -> str | None:
    """ "7 of 31 guessed Tony Hale", naming who when they are few; None when nobody predicted it."""
    if guesses is None or guesses.predicted == 0:
        return None
    right = len(guesses.right)
    line = f"{right} of {guesses.predicted} guessed {shown(winner_name)}"
    if 0 < right <= NAMED_GUESSERS_MAX:
        line += ": " + ", ".join(f"<@{user_id}>" for user_id in guesses.right)
    return clip(line, EMBED_FIELD_VALUE_MAX)


def best_predictors_line(best: Sequence[Standing], decided: int) -> str | None:
    """The wrap-up's toast to the best predictor(s); None when nobody guessed a winner."""
    if not best:
        return None
    who = ", ".join(f"<@{standing.user_id}>" for standing in best)
    return clip(f"{who} with {_score(best[0], decided)} right", EMBED_FIELD_VALUE_MAX)
