"""The night as a chat transcript: what each entry holds, and how the terminal shows it as it happens.

Entries keep Discord's own markup (mentions, timestamps, bold); the terminal and the HTML page each
render it their way (`demo.markup`). The terminal also keeps a progress bar for the night on its last
line when it is a live terminal, and prints one progress line per part of the night when it is not
(a CI log, a test).
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, TextIO

from demo.markup import Names, to_ansi, to_plain

Kind = Literal["scene", "command", "post", "edit"]

BOT_NAME = "Losers Lounge"
# The terminal shows this many lines of an embed; the HTML page shows all of it.
EMBED_LINES = 10
BAR_WIDTH = 24


@dataclass(frozen=True)
class Said:
    """One message the bot showed: its content, embeds and files, and whether only the caller saw it."""

    text: str
    embeds: tuple[dict[str, Any], ...] = ()
    private: bool = False
    attachments: tuple[str, ...] = ()
    # Discord's action rows as sent: buttons and menus.
    components: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class Entry:
    """One moment of the night.

    `line` is the scene's words, the command the member ran ("/party create", "clicked “Going”") or what
    an edit changed; `options` are the command's options as typed; `said` is what the bot answered or
    posted. `problem` says what went wrong when the bot did not answer. `at` is seconds into the demo;
    `when` is the story's moment, what "in 3 hours" and "a few seconds ago" are measured from.
    """

    at: float
    kind: Kind
    channel: str = ""
    who: str = ""
    line: str = ""
    options: str = ""
    said: tuple[Said, ...] = ()
    problem: str | None = None
    when: datetime | None = None


def component_labels(rows: Sequence[dict[str, Any]]) -> list[str]:
    """Each action row as the buttons and menus a member sees: "[Going] [Maybe] [Can't go]"."""
    lines = []
    for row in rows:
        shown = []
        for item in row.get("components") or []:
            if item.get("type") == 2:
                shown.append(f"[{button_text(item)}]")
            else:
                shown.append(f"[{item.get('placeholder') or 'Choose…'} ▾]")
        if shown:
            lines.append(" ".join(shown))
    return lines


def button_text(item: dict[str, Any]) -> str:
    emoji = (item.get("emoji") or {}).get("name")
    label = str(item.get("label") or "")
    return " ".join(part for part in (emoji, label) if part)


def embed_lines(embed: dict[str, Any]) -> list[str]:
    """An embed as lines of markup: title, description, `name: value` fields, footer, image."""
    lines: list[str] = []
    if embed.get("title"):
        lines.append(f"**{embed['title']}**")
    if embed.get("description"):
        lines.extend(str(embed["description"]).splitlines())
    for item in embed.get("fields") or []:
        value = str(item.get("value") or "").splitlines() or [""]
        lines.append(f"{item.get('name', '')}: {value[0]}")
        lines.extend(f"  {more}" for more in value[1:])
    footer = (embed.get("footer") or {}).get("text")
    if footer:
        lines.append(str(footer))
    image = (embed.get("image") or {}).get("url")
    if image:
        lines.append(f"[image: {image.removeprefix('attachment://')}]")
    return lines


@dataclass
class Console:
    """Prints entries to a terminal (or any text stream) as they happen, with the night's progress."""

    stream: TextIO
    color: bool = False
    # A live terminal redraws one progress bar on its last line; otherwise each part of the night
    # gets one printed progress line.
    live: bool = False
    _bar: str = ""
    _last_part: str = ""

    def text(self, markup: str, names: Names, now: datetime | None = None) -> str:
        return to_ansi(markup, names, now) if self.color else to_plain(markup, names, now)

    def _style(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.color else text

    def show(self, entry: Entry, names: Names) -> None:
        lines = self._lines(entry, names)
        self._write("\n".join(lines))

    def _lines(self, entry: Entry, names: Names) -> list[str]:
        def text(markup: str, names: Names) -> str:
            return self.text(markup, names, entry.when)

        stamp = self._style(f"{entry.at:6.1f}s", "2")
        where = self._style(f"#{entry.channel}", "2") if entry.channel else ""
        if entry.kind == "scene":
            return ["", self._style(f"── {text(entry.line, names)} ──", "1;33")]
        if entry.kind == "edit":
            edited = self._style(f"✎ {BOT_NAME} edited", "35")
            return [f"{stamp} {where} {edited} {text(entry.line, names)}"]
        lines = []
        indent = " " * 8
        if entry.kind == "command":
            who = self._style(entry.who, "1;32")
            command = self._style(text(entry.line, names), "1")
            lines.append(f"{stamp} {where} {who} › {command} {text(entry.options, names)}".rstrip())
        for said in entry.said:
            bot = self._style(BOT_NAME, "1;36")
            private = self._style(f" (only {entry.who or 'they'} can see this)", "2") if said.private else ""
            first, *rest = said.text.splitlines() or [""]
            head = stamp if entry.kind == "post" else indent
            prefix = f"{where} " if entry.kind == "post" else ""
            lines.append(f"{head} {prefix}{bot}{private}: {text(first, names)}".rstrip())
            lines.extend(f"{indent}   {text(more, names)}" for more in rest)
            bar = f"{indent}   {self._style('┃', '33')}"
            for embed in said.embeds:
                shown = embed_lines(embed)
                lines.extend(f"{bar} {text(line, names)}" for line in shown[:EMBED_LINES])
                if len(shown) > EMBED_LINES:
                    lines.append(f"{bar} … {len(shown) - EMBED_LINES} more lines")
            for filename in said.attachments:
                lines.append(f"{indent}   📎 {filename}")
            lines.extend(f"{indent}   {self._style(row, '36')}" for row in component_labels(said.components))
        if entry.problem:
            lines.append(f"{indent}   {self._style('⚠ ' + entry.problem, '1;31')}")
        return lines

    def progress(self, fraction: float, part: str, detail: str) -> None:
        filled = round(max(0.0, min(fraction, 1.0)) * BAR_WIDTH)
        bar = f"▕{'█' * filled}{'░' * (BAR_WIDTH - filled)}▏ {fraction:4.0%}  {part} · {detail}"
        if self.live:
            # A bar wider than the terminal would wrap, and only its last line could be redrawn.
            width = shutil.get_terminal_size().columns - 1
            self._bar = self._style(bar[:width], "1;34")
            self.stream.write("\r\x1b[2K" + self._bar)
            self.stream.flush()
        elif part != self._last_part:
            self._last_part = part
            self._write(bar)

    def say(self, text: str = "") -> None:
        self._write(text)

    def finish(self) -> None:
        """Takes the progress bar away, leaving the transcript as the last thing on screen."""
        if self.live and self._bar:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
        self._bar = ""

    def _write(self, text: str) -> None:
        if self.live and self._bar:
            self.stream.write("\r\x1b[2K" + text + "\n" + self._bar)
        else:
            self.stream.write(text + "\n")
        self.stream.flush()


@dataclass
class Transcript:
    """Every entry of the night in order, each shown on the console as it is added."""

    names: Names
    console: Console
    entries: list[Entry] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    clock: Callable[[], datetime] | None = None

    def add(
        self,
        kind: Kind,
        *,
        channel: str = "",
        who: str = "",
        line: str = "",
        options: str = "",
        said: Sequence[Said] = (),
        problem: str | None = None,
    ) -> Entry:
        at = time.monotonic() - self.started
        when = self.clock() if self.clock is not None else None
        entry = Entry(at, kind, channel, who, line, options, tuple(said), problem, when)
        self.entries.append(entry)
        self.console.show(entry, self.names)
        return entry

    def scene(self, words: str) -> None:
        self.add("scene", line=words)
