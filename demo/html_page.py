"""The night's transcript as one self-contained HTML page, in the look of a Discord channel.

Every piece of text, whether typed by a guest or written by the bot, goes through `demo.markup.to_html`,
which escapes it; only the page's own tags are markup.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from demo.figures import NightFigures, dues_text, money_text
from demo.markup import Names, to_html
from demo.transcript import BOT_NAME, Entry, Said, button_text

_STYLE = """
body { background: #313338; color: #dbdee1; font: 15px/1.4 system-ui, sans-serif; margin: 0; }
main { max-width: 980px; margin: 0 auto; padding: 24px; }
h1 { color: #f2f3f5; margin-bottom: 4px; } .sub { color: #949ba4; margin-top: 0; }
.scene { color: #f0b232; font-weight: 600; margin: 28px 0 8px; border-bottom: 1px solid #4e5058; }
.entry { margin: 10px 0; } .meta { color: #949ba4; font-size: 12px; }
.who { color: #57f287; font-weight: 600; } .bot { color: #5ac8fa; font-weight: 600; }
.command { color: #b5bac1; } .command .slash { color: #c9cdfb; }
.said { margin: 4px 0 0 16px; } .private { color: #949ba4; font-size: 12px; font-style: italic; }
.embed { border-left: 4px solid #c9a227; background: #2b2d31; border-radius: 4px; padding: 8px 12px;
         margin: 6px 0; max-width: 620px; }
.embed .title { font-weight: 700; color: #f2f3f5; } .embed .footer { color: #949ba4; font-size: 12px; }
.fields { display: flex; flex-wrap: wrap; gap: 6px 18px; margin-top: 6px; }
.field { min-width: 150px; } .field.wide { flex-basis: 100%; } .field .name { font-weight: 600; }
.edit { color: #b5bac1; font-size: 13px; margin: 3px 0 3px 16px; } .edit .mark { color: #eb459f; }
.mention { color: #c9cdfb; background: rgba(88, 101, 242, .3); border-radius: 3px; padding: 0 2px; }
code { background: #1e1f22; padding: 1px 4px; border-radius: 3px; }
.problem { color: #f23f43; font-weight: 600; } img { max-width: 100%; border-radius: 4px; }
table.figures { border-collapse: collapse; margin-top: 10px; }
table.figures td { padding: 3px 14px 3px 0; vertical-align: top; }
table.figures td:first-child { color: #949ba4; }
.components { margin: 6px 0; } .row { display: flex; flex-wrap: wrap; gap: 8px; margin: 4px 0; }
.button { border-radius: 3px; padding: 3px 14px; color: #fff; font-size: 14px; font-weight: 500; }
.button.primary { background: #5865f2; } .button.secondary { background: #4e5058; }
.button.success { background: #248046; } .button.danger { background: #da373c; }
.button.link { background: #4e5058; text-decoration: underline; } .button.disabled { opacity: .5; }
.menu { background: #1e1f22; border-radius: 4px; padding: 6px 10px; min-width: 280px; color: #949ba4; }
"""

# Discord's button styles by number.
_BUTTON_STYLES = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link"}


def _colour(embed: dict[str, Any]) -> str:
    colour = embed.get("color")
    return f"#{int(colour):06x}" if isinstance(colour, int) else "#c9a227"


def _components(rows: Sequence[dict[str, Any]]) -> str:
    """Buttons and menus drawn as a member sees them under the message (they do nothing here)."""
    drawn = []
    for row in rows:
        items = []
        for item in row.get("components") or []:
            if item.get("type") == 2:
                style = _BUTTON_STYLES.get(int(item.get("style") or 2), "secondary")
                disabled = " disabled" if item.get("disabled") else ""
                label = button_text(item)
                items.append(f'<span class="button {style}{disabled}">{html.escape(label)}</span>')
            else:
                placeholder = item.get("placeholder") or "Choose…"
                items.append(f'<span class="menu">{html.escape(str(placeholder))} ▾</span>')
        drawn.append(f'<div class="row">{"".join(items)}</div>')
    return f'<div class="components">{"".join(drawn)}</div>' if drawn else ""


def _embed(embed: dict[str, Any], names: Names, files: dict[str, str], now: datetime | None) -> str:
    parts = [f'<div class="embed" style="border-left-color: {_colour(embed)}">']
    if embed.get("title"):
        parts.append(f'<div class="title">{to_html(str(embed["title"]), names, now)}</div>')
    if embed.get("description"):
        parts.append(f"<div>{to_html(str(embed['description']), names, now)}</div>")
    if embed.get("fields"):
        parts.append('<div class="fields">')
        for item in embed["fields"]:
            wide = "" if item.get("inline") else " wide"
            name = to_html(str(item.get("name", "")), names, now)
            value = to_html(str(item.get("value", "")), names, now)
            parts.append(f'<div class="field{wide}"><div class="name">{name}</div><div>{value}</div></div>')
        parts.append("</div>")
    image = str((embed.get("image") or {}).get("url") or "")
    if image.startswith("attachment://") and image.removeprefix("attachment://") in files:
        source = files[image.removeprefix("attachment://")]
        parts.append(f'<img src="{html.escape(source)}" alt="the money over the night">')
    footer = (embed.get("footer") or {}).get("text")
    if footer:
        parts.append(f'<div class="footer">{to_html(str(footer), names, now)}</div>')
    parts.append("</div>")
    return "".join(parts)


def _said(said: Said, who: str, names: Names, files: dict[str, str], now: datetime | None) -> str:
    private = f'<div class="private">Only {html.escape(who)} can see this</div>' if said.private else ""
    text = f"<div>{to_html(said.text, names, now)}</div>" if said.text else ""
    embeds = "".join(_embed(embed, names, files, now) for embed in said.embeds)
    attached = "".join(
        f'<div class="meta">📎 {html.escape(name)}</div>' for name in said.attachments if name not in files
    )
    buttons = _components(said.components)
    inside = f"{private}{text}{embeds}{attached}{buttons}"
    return f'<div class="said"><span class="bot">{BOT_NAME}</span>{inside}</div>'


def _stamp(entry: Entry, names: Names) -> str:
    """When it happened on the story's clock, as a member in the party's time zone would read it."""
    if entry.when is None:
        moment = f"{entry.at:.1f}s"
    else:
        local = entry.when.astimezone(ZoneInfo(names.timezone))
        moment = f"{local:%a} {local:%I:%M %p}".replace(" 0", " ")
    return f'<span class="meta">{moment} · #{html.escape(entry.channel)}</span>'


def _entry(entry: Entry, names: Names, files: dict[str, str]) -> str:
    now = entry.when
    if entry.kind == "scene":
        return f'<div class="scene">{to_html(entry.line, names, now)}</div>'
    stamp = _stamp(entry, names)
    if entry.kind == "edit":
        return (
            f'<div class="edit">{stamp} <span class="mark">✎ {BOT_NAME} edited</span> '
            f"{to_html(entry.line, names, now)}</div>"
        )
    head = stamp
    if entry.kind == "command":
        typed = to_html(entry.options, names, now)
        line = f'<span class="slash">{to_html(entry.line, names, now)}</span> {typed}'
        head += f' <span class="who">{html.escape(entry.who)}</span> <span class="command">{line}</span>'
    body = "".join(_said(said, entry.who, names, files, now) for said in entry.said)
    problem = f'<div class="problem">⚠ {html.escape(entry.problem)}</div>' if entry.problem else ""
    return f'<div class="entry">{head}{body}{problem}</div>'


def figures_table(figures: NightFigures) -> str:
    ratio = f"{figures.ratio:.1f} to 1"
    goal = f" of the {money_text(figures.goal_cents)} goal" if figures.goal_cents else ""
    leaders = "<br>".join(
        f"{html.escape(leader.name)}: passed over {leader.times} times in {leader.categories} categories"
        for leader in figures.leaders
    )
    rows = (
        (
            "Raised",
            f"{money_text(figures.raised_cents)} in pledges and winners' dues{goal}, {figures.donors} donors",
        ),
        ("Received", money_text(figures.received_cents)),
        ("Results", f"{figures.announced} of {figures.categories} categories announced"),
        ("Winners · losers", f"{figures.winners} winners · {figures.losers} losers · {ratio}"),
        ("Dues", html.escape(dues_text(figures))),
        ("At the door", f"{figures.arrivals} checked in · {figures.going_heads} going with plus-ones"),
        ("Passed over most", leaders or "nobody"),
    )
    body = "".join(f"<tr><td>{name}</td><td>{value}</td></tr>" for name, value in rows)
    return f'<table class="figures">{body}</table>'


def transcript_page(
    title: str, entries: Sequence[Entry], names: Names, figures: NightFigures, files: dict[str, str]
) -> str:
    """The whole page. `files` maps attachment names to the files written beside the page."""
    body = "\n".join(_entry(entry, names, files) for entry in entries)
    heading = html.escape(title)
    return (
        "<!doctype html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{heading}: the night</title>'
        f"<style>{_STYLE}</style></head><body><main>\n"
        f"<h1>{heading}</h1>"
        f'<p class="sub">The night as it happened in the Discord server, played by the real bot '
        f"against the local sandbox.</p>\n{body}\n"
        '<div class="scene">The night in figures, read back from the database</div>\n'
        f"{figures_table(figures)}\n</main></body></html>\n"
    )
