"""Discord's message markup made readable outside Discord: in a terminal (plain or ANSI) and in HTML.

Mentions (`<@id>`, `<@&id>`, `<#id>`) become the names a Discord client would show, `<t:unix:style>`
timestamps become the time they stand for (in the party's time zone), and `**bold**`, `__underline__`,
`~~strike~~` and `` `code` `` are styled. Everything else is text: in HTML every piece of it is escaped,
so nothing a user typed can become markup.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

_TOKEN = re.compile(
    r"(?P<escape>\\[\\*_~`|>#<@:.\-])"
    r"|(?P<code>`[^`\n]+`)"
    r"|<@!?(?P<user>\d+)>"
    r"|<@&(?P<role>\d+)>"
    r"|<\#(?P<channel>\d+)>"
    r"|<t:(?P<unix>-?\d+)(?::(?P<style>[tTdDfFR]))?>"
    r"|(?P<marker>\*\*|__|~~)"
)

# How each style opens and closes, per output.
_HTML_TAGS = {"**": ("<strong>", "</strong>"), "__": ("<u>", "</u>"), "~~": ("<s>", "</s>")}
_ANSI = {"**": ("\x1b[1m", "\x1b[22m"), "__": ("\x1b[4m", "\x1b[24m"), "~~": ("\x1b[9m", "\x1b[29m")}


@dataclass(frozen=True)
class Names:
    """What ids stand for, as a member of the server would see them."""

    users: dict[int, str] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)
    channels: dict[int, str] = field(default_factory=dict)
    timezone: str = "UTC"

    def user(self, user_id: int) -> str:
        return "@" + self.users.get(user_id, "unknown-user")

    def role(self, role_id: int) -> str:
        return "@" + self.roles.get(role_id, "deleted-role")

    def channel(self, channel_id: int) -> str:
        return "#" + self.channels.get(channel_id, "unknown-channel")


def timestamp_text(unix: int, style: str | None, timezone: str, now: datetime | None = None) -> str:
    """A Discord timestamp as a client shows it (style `f` when none is given)."""
    moment = datetime.fromtimestamp(unix, UTC).astimezone(ZoneInfo(timezone))
    clock = moment.strftime("%I:%M %p").lstrip("0")
    day = f"{moment:%B} {moment.day}, {moment.year}"
    match style:
        case "t":
            return clock
        case "T":
            return moment.strftime("%I:%M:%S %p").lstrip("0")
        case "d":
            return f"{moment:%m/%d/%Y}"
        case "D":
            return day
        case "F":
            return f"{moment:%A}, {day} {clock}"
        case "R":
            return relative_text(moment, now or datetime.now(UTC))
        case _:
            return f"{day} {clock}"


_UNITS = (("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60))


def relative_text(moment: datetime, now: datetime) -> str:
    """"in 3 hours", "12 years ago": how far `moment` is from `now`, in its largest whole unit."""
    seconds = (moment - now).total_seconds()
    distance = abs(seconds)
    for unit, size in _UNITS:
        if distance >= size:
            count = int(distance // size)
            amount = f"{count} {unit}" if count == 1 else f"{count} {unit}s"
            break
    else:
        amount = "a few seconds"
    return f"in {amount}" if seconds > 0 else f"{amount} ago"


def _render(
    text: str,
    names: Names,
    *,
    piece: Callable[[str], str],
    styles: dict[str, tuple[str, str]] | None,
    code: Callable[[str], str],
    mention: Callable[[str], str],
    now: datetime | None = None,
) -> str:
    out: list[str] = []
    open_styles: list[str] = []
    position = 0
    for found in _TOKEN.finditer(text):
        out.append(piece(text[position : found.start()]))
        position = found.end()
        if found["escape"]:
            out.append(piece(found["escape"][1]))
        elif found["code"]:
            out.append(code(found["code"][1:-1]))
        elif found["user"]:
            out.append(mention(names.user(int(found["user"]))))
        elif found["role"]:
            out.append(mention(names.role(int(found["role"]))))
        elif found["channel"]:
            out.append(mention(names.channel(int(found["channel"]))))
        elif found["unix"]:
            out.append(mention(timestamp_text(int(found["unix"]), found["style"], names.timezone, now)))
        elif styles is not None:
            value = found["marker"]
            if value in open_styles:
                # Closing an outer style closes the ones opened inside it too, as markdown does.
                while open_styles:
                    inner = open_styles.pop()
                    out.append(styles[inner][1])
                    if inner == value:
                        break
            else:
                open_styles.append(value)
                out.append(styles[value][0])
    out.append(piece(text[position:]))
    if styles is not None:
        out.extend(styles[style][1] for style in reversed(open_styles))
    return "".join(out)


# `now` in these three is the moment the text was shown, which relative timestamps ("in 3 hours") count
# from; without it, the real clock's.


def to_plain(text: str, names: Names, now: datetime | None = None) -> str:
    """Readable text with the markup markers dropped."""
    return _render(text, names, piece=str, styles=None, code=str, mention=str, now=now)


def to_ansi(text: str, names: Names, now: datetime | None = None) -> str:
    """Text for a colour terminal: bold, underline and strike as ANSI styles, mentions in blue."""
    return _render(
        text,
        names,
        piece=str,
        styles=_ANSI,
        code=lambda inner: f"\x1b[36m{inner}\x1b[39m",
        mention=lambda name: f"\x1b[34m{name}\x1b[39m",
        now=now,
    )


def to_html(text: str, names: Names, now: datetime | None = None) -> str:
    """An HTML fragment: every piece of text escaped, styles as tags, new lines as <br>."""

    def piece(chunk: str) -> str:
        return html.escape(chunk).replace("\n", "<br>")

    return _render(
        text,
        names,
        piece=piece,
        styles=_HTML_TAGS,
        code=lambda inner: f"<code>{html.escape(inner)}</code>",
        mention=lambda name: f'<span class="mention">{html.escape(name)}</span>',
        now=now,
    )
