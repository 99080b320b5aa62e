"""What /privacy show and /privacy forget tell a member about the data kept under their id."""

from __future__ import annotations

import discord

from rules.money import format_cents
from rules.text import defuse_mentions
from storage.privacy import Forgotten, MemberData
from ui.limits import EMBED_FIELD_VALUE_MAX, EMBED_FIELDS_MAX, LOUNGE_GOLD, clip

KEPT_FOR = (
    "Kept until you erase it with `/privacy forget`: closed parties stay for the server's history. "
    "`forget` erases your RSVPs and notes and renames your pledges and payments “former guest” (the "
    "amounts stay, so the charity's books add up)."
)


def _inert(text: str) -> str:
    # Member text read back to them: it must not render Markdown or ping anyone.
    return defuse_mentions(discord.utils.escape_markdown(text))


def privacy_embed(data: MemberData) -> discord.Embed:
    embed = discord.Embed(title="What Losers Lounge keeps about you", colour=LOUNGE_GOLD)
    if data.empty:
        embed.description = (
            "Nothing: no RSVP, pledge, payment, prediction, nomination or door record has your id."
        )
        return embed
    embed.description = KEPT_FOR
    sections = [
        ("RSVPs", [
            f"{_inert(r.party)}: {r.status.replace('_', ' ')}, +{r.plus_ones}, as “{_inert(r.display_name)}”"
            + (f", note “{_inert(r.note)}”" if r.note else "")
            for r in data.rsvps
        ]),
        ("Pledges", [
            f"{_inert(p.party)}: {format_cents(p.amount_cents)} ({p.state}"
            + (", anonymous" if p.anonymous else "") + f") as “{_inert(p.display_name)}”"
            + (f", note “{_inert(p.note)}”" if p.note else "")
            for p in data.pledges
        ]),
        ("Payments received", [
            f"{_inert(p.party)}: {format_cents(p.amount_cents)}" + (" (void)" if p.void else "")
            + (f", note “{_inert(p.note)}”" if p.note else "")
            for p in data.payments
        ]),
        ("Predictions", [
            f"{_inert(p.party)}: {_inert(p.nominee)} for {_inert(p.category)}, as “{_inert(p.display_name)}”"
            for p in data.predictions
        ]),
        ("Reminder DMs turned off", [_inert(party) for party in data.reminders_off]),
        ("Also under your id", [f"{_inert(e.party)}: {_inert(e.what)}" for e in data.other]),
    ]
    for name, lines in sections:
        if lines and len(embed.fields) < EMBED_FIELDS_MAX:
            embed.add_field(name=f"{name} ({len(lines)})", value=_listing(lines), inline=False)
    return embed


def _listing(lines: list[str]) -> str:
    """As many whole lines as fit in a field, then how many more there are."""
    shown: list[str] = []
    room = EMBED_FIELD_VALUE_MAX - 20  # kept for the "… and N more" line
    for line in lines:
        line = clip(line, 300)
        if sum(len(s) + 1 for s in shown) + len(line) > room:
            break
        shown.append(line)
    rest = len(lines) - len(shown)
    return "\n".join(shown) + (f"\n… and {rest} more" if rest else "")


def forgotten_text(done: Forgotten) -> str:
    if not (done.rsvps_erased or done.pledges_renamed or done.payments_cleared):
        return "There was nothing to forget: no RSVP, pledge or payment has your id."
    erased = f"{_count(done.rsvps_erased, 'RSVP')} and your notes" if done.rsvps_erased else "your notes"
    parts = [f"Done. I erased {erased}."]
    money = [
        _count(number, word)
        for number, word in ((done.pledges_renamed, "pledge"), (done.payments_cleared, "payment"))
        if number
    ]
    if money:
        parts.append(
            f"Your {' and '.join(money)} keep their amounts for the charity's books, "
            "under the name “former guest”."
        )
    return " ".join(parts)


def _count(number: int, word: str) -> str:
    return f"{number} {word}" + ("" if number == 1 else "s")
