"""The /help card, built from the commands the bot registered, so it lists exactly what exists.

A host command says so at the end of its description, "(hosts)" or "(hosts: Manage Server)": that is
what Discord shows beside the command too, and here it sorts the command into the hosts' list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import discord

from ui.limits import EMBED_FIELD_VALUE_MAX, LOUNGE_GOLD

_HOST_MARK = re.compile(r"\s*\(hosts(?::\s*(?P<who>[^)]*))?\)")

ABOUT = (
    "Losers Lounge runs an awards-night watch party: every nominee who goes home without a trophy gets "
    "in free, every winner owes a donation to the night's charity, and the live counter shows the "
    "money climb. RSVP, pledge and follow the results with the commands below."
)
WHO_HOSTS = (
    "Hosts are members with Manage Server, the party's host role, or named hosts of the party; "
    "the bot checks every host command itself."
)


@dataclass(frozen=True)
class CommandHelp:
    name: str  # the full name as typed, without the slash: "party create"
    description: str

    @property
    def for_hosts(self) -> bool:
        return _HOST_MARK.search(self.description) is not None

    def line(self) -> str:
        # Within the hosts' list "(hosts)" says nothing; "(hosts: Manage Server)" keeps who may run it.
        text = _HOST_MARK.sub(lambda m: f" ({m['who']})" if m["who"] else "", self.description)
        return f"`/{self.name}` {text}"


def help_embed(commands: Iterable[CommandHelp]) -> discord.Embed:
    ordered = sorted(commands, key=lambda c: c.name)
    embed = discord.Embed(title="Losers Lounge: how it works", description=ABOUT, colour=LOUNGE_GOLD)
    for title, group in (
        ("Everyone", [c for c in ordered if not c.for_hosts]),
        ("Hosts", [c for c in ordered if c.for_hosts]),
    ):
        for number, chunk in enumerate(_chunks([c.line() for c in group]), start=1):
            embed.add_field(name=title if number == 1 else f"{title} (more)", value=chunk, inline=False)
    embed.set_footer(text=WHO_HOSTS)
    return embed


def _chunks(lines: list[str]) -> list[str]:
    """Lines joined into field values, each within Discord's field limit, never splitting a line."""
    chunks: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + 1 + len(line) > EMBED_FIELD_VALUE_MAX:
            chunks.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    return [*chunks, current] if current else chunks
