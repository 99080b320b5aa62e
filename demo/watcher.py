"""Watches the party's channels in the sandbox and tells the transcript what the bot itself posted there.

Interaction replies are told by whoever ran the command (`demo.stage`); this covers the bot's own channel
writes: announcements, corrections, the invitation's and the counter's edits, milestones, the wrap-up.
An edit is told as what it changed (title, description, fields), so the counter's climb reads as one
line per edit.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from demo.transcript import Said, Transcript
from sandbox import Channel, DiscordSandbox, Message

# A field value longer than this is left out of an edit's one-line summary (the newest pledges list).
SUMMARY_VALUE_MAX = 80


def _first_line(text: str) -> str:
    return text.splitlines()[0] if text else ""


def changes(before: dict[str, Any] | None, after: dict[str, Any]) -> str | None:
    """One line of markup saying what an edit changed in an embed, or None when nothing visible did."""
    parts: list[str] = []
    title = str(after.get("title") or "")
    if before is None or before.get("title") != after.get("title"):
        parts.append(f"the title to “{title}”")
    if before is None or before.get("description") != after.get("description"):
        parts.append(_first_line(str(after.get("description") or "")))
    old = {f.get("name"): f.get("value") for f in (before or {}).get("fields") or []}
    for item in after.get("fields") or []:
        value = str(item.get("value") or "")
        if old.get(item.get("name")) == value:
            continue
        if len(value) <= SUMMARY_VALUE_MAX:
            parts.append(f"{item.get('name')} {' '.join(value.split())}")
        else:
            parts.append(f"{item.get('name')} updated")
    if before is not None and not parts and before.get("footer") != after.get("footer"):
        parts.append(str((after.get("footer") or {}).get("text") or "the footer"))
    summary = " · ".join(part for part in parts if part)
    return f"“{title}”: {summary}" if summary else None


class ChannelWatcher:
    """Tells each new bot message and each edit of one, in the order the sandbox recorded them."""

    def __init__(self, sb: DiscordSandbox, channels: dict[str, Channel], transcript: Transcript) -> None:
        self.sb = sb
        self.channels = channels
        self.transcript = transcript
        # Per message told: how many channel edits were told, and the embed as last told.
        self._told: dict[int, int] = {}
        self._shown: dict[int, dict[str, Any] | None] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="demo-channel-watcher")

    async def stop(self) -> None:
        """Tells whatever is still untold, then stops watching."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.tell_news()

    async def _run(self) -> None:
        while True:
            await self.sb.wait_until(self._has_news, timeout=3600.0, what="the bot to write")
            self.tell_news()

    def _bot_messages(self) -> list[tuple[str, Message]]:
        return [
            (name, message)
            for name, channel in self.channels.items()
            for message in self.sb.messages(channel, ephemeral=False)
            if message.source == "channel"
        ]

    def _has_news(self) -> bool:
        return any(
            self._told.get(message.id) != _edit_count(message) for _, message in self._bot_messages()
        )

    def tell_news(self) -> None:
        news: list[tuple[float, str, Message, int | None]] = []
        for name, message in self._bot_messages():
            told = self._told.get(message.id)
            if told is None:
                news.append((message.created_at, name, message, None))
                # Edits made before the post was first seen are already in what the post shows.
                told = _edit_count(message)
            edits = [e for e in message.edits if e.via == "channel"]
            news.extend((e.at, name, message, number) for number, e in enumerate(edits) if number >= told)
        for _, name, message, number in sorted(news, key=lambda item: item[0]):
            if number is None:
                self._tell_post(name, message)
            else:
                self._tell_edit(name, message, number)

    def _tell_post(self, channel: str, message: Message) -> None:
        self._told[message.id] = _edit_count(message)
        self._shown[message.id] = message.embeds[0] if message.embeds else None
        said = Said(
            text=message.content,
            embeds=tuple(message.embeds),
            attachments=tuple(a.filename for a in message.attachments),
            components=tuple(message.components),
        )
        self.transcript.add("post", channel=channel, said=[said])

    def _tell_edit(self, channel: str, message: Message, number: int) -> None:
        edit = [e for e in message.edits if e.via == "channel"][number]
        self._told[message.id] = number + 1
        embeds = edit.payload.get("embeds")
        line: str | None
        if not embeds:
            line = f"a message: {_first_line(str(edit.payload.get('content') or ''))}"
        else:
            line = changes(self._shown.get(message.id), embeds[0])
            self._shown[message.id] = embeds[0]
        # An edit that changed nothing a member could see is not news: the transcript leaves it out.
        if line is not None:
            self.transcript.add("edit", channel=channel, line=line)


def _edit_count(message: Message) -> int:
    return sum(1 for edit in message.edits if edit.via == "channel")

