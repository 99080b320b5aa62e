"""The guest list shown by /guests: going (plus-ones and head count), waitlist, maybe, not going.

Built as pages up front, each an embed well inside Discord's limits however many guests there are; a
section that runs over a page carries on under its heading marked "(continued)".
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import discord

from rules.admission import places_left
from rules.text import inert
from storage import Party
from storage.rsvps import Guest, GuestList
from ui.limits import EMBED_DESCRIPTION_MAX, LOUNGE_GOLD, clip

# With the title (at most 256) and the "Page n of m" footer, a page also stays under the 6,000 total.
PAGE_BUDGET = EMBED_DESCRIPTION_MAX - 96
PAGE_LINES = 30
LINE_MAX = 400
WINNER_MARK = "🏆"


def _plural(number: int, word: str) -> str:
    return f"{number} {word}" if number == 1 else f"{number} {word}s"


def _line(prefix: str, rsvp: Guest, winner_ids: Collection[int]) -> str:
    text = f"{prefix} {inert(rsvp.display_name)}"
    if rsvp.plus_ones:
        text += f" (+{rsvp.plus_ones})"
    if rsvp.user_id in winner_ids:
        text += f" {WINNER_MARK}"
    if rsvp.note:
        text += f" — {inert(rsvp.note)}"
    return clip(text, LINE_MAX)


def _sections(guests: GuestList, winner_ids: Collection[int]) -> list[tuple[str, list[str]]]:
    going_heads = sum(1 + r.plus_ones for r in guests.going)
    return [
        (
            f"**Going · {_plural(len(guests.going), 'guest')}, {going_heads} with plus-ones**",
            [_line("•", r, winner_ids) for r in guests.going],
        ),
        (
            f"**Waitlist · {len(guests.waitlist)} waiting**",
            [_line(f"#{place}", r, winner_ids) for place, r in enumerate(guests.waitlist, start=1)],
        ),
        (f"**Maybe · {len(guests.maybe)}**", [_line("•", r, winner_ids) for r in guests.maybe]),
        (
            f"**Not going · {len(guests.not_going)}**",
            [_line("•", r, winner_ids) for r in guests.not_going],
        ),
    ]


def _summary(party: Party, guests: GuestList, winner_ids: Collection[int]) -> list[str]:
    lines = []
    going_heads = sum(1 + r.plus_ones for r in guests.going)
    left = places_left(party.capacity, going_heads)
    if left is not None:
        lines.append(f"{going_heads} of {party.capacity} places taken · {left} left")
    if any(r.user_id in winner_ids for r in (*guests.going, *guests.waitlist, *guests.maybe)):
        lines.append(f"{WINNER_MARK} marks tonight's winners.")
    return lines


def _paginate(head: Sequence[str], sections: list[tuple[str, list[str]]]) -> list[str]:
    # Sizes are kept as lines are added (each line and its newline): this runs over every guest on every
    # /guests, so it adds lengths rather than joining pages to measure them.
    pages: list[list[str]] = [list(head)]
    size = sum(len(line) + 1 for line in head)
    for heading, lines in sections:
        if not lines:
            continue
        page, first = pages[-1], lines[0]
        # A heading never ends a page on its own: it opens with its first guest, after a blank line.
        gap = 1 if page else 0
        opening = gap + len(heading) + len(first) + 2
        if size + opening <= PAGE_BUDGET and len(page) + gap + 2 <= PAGE_LINES:
            page.extend([""] * gap + [heading, first])
            size += opening
        else:
            pages.append([heading, first])
            size = len(heading) + len(first) + 2
        continued = f"{heading} (continued)"
        for line in lines[1:]:
            page = pages[-1]
            if size + len(line) + 1 <= PAGE_BUDGET and len(page) < PAGE_LINES:
                page.append(line)
                size += len(line) + 1
            else:
                pages.append([continued, line])
                size = len(continued) + len(line) + 2
    return ["\n".join(page) for page in pages]


def guest_pages(party: Party, guests: GuestList) -> list[discord.Embed]:
    """One embed per page; the first opens with the capacity and what the winner mark means."""
    title = clip(f"Guest list · {inert(party.name)}", 256)
    if guests.empty:
        body = "Nobody has answered yet. Use the invitation's buttons or /rsvp."
        return [discord.Embed(title=title, description=body, colour=LOUNGE_GOLD)]
    winner_ids = guests.winner_ids
    bodies = _paginate(_summary(party, guests, winner_ids), _sections(guests, winner_ids))
    return [discord.Embed(title=title, description=body, colour=LOUNGE_GOLD) for body in bodies]
