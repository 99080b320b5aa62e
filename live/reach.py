"""Telling one member something privately: a DM, else a mention in a channel of the party.

A member who closed their DMs (Discord's 50007) is mentioned in the fallback channel instead. Members who
fall back in the same channel at about the same time share one message (one write of the channel's
budget, not one each): the group is gathered until the channel pacer runs the write.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import discord

if TYPE_CHECKING:
    from lounge.client import LoungeBot

log = logging.getLogger(__name__)

DMS_CLOSED = 50007
# Discord's content limit, less room for the joins.
_GROUP_LIMIT = 1900
# How long the first member of a group waits for others: DMs refused together arrive within this.
GATHER = 0.3
# Discord allows a bot 50 requests a second in all, and a DM is two (open the channel, send): a reminder
# to a whole party would take that budget from every other write, so DMs start at most this many a second.
DMS_PER_SECOND = 10.0


class _Spacing:
    """Starts callers at most `rate` a second, in the order they came (one bot per process)."""

    def __init__(self, rate: float) -> None:
        self._gap = 1.0 / rate
        self._next = float("-inf")

    async def turn(self) -> None:
        # The slot is taken before the first await, so callers keep their order without a lock.
        now = time.monotonic()
        start = max(now, self._next)
        self._next = start + self._gap
        if start > now:
            await asyncio.sleep(start - now)


_dm_spacing = _Spacing(DMS_PER_SECOND)


def mentions(user_ids: tuple[int, ...] | list[int]) -> discord.AllowedMentions:
    """Exactly these members may be pinged; never roles or @everyone."""
    if not user_ids:
        return discord.AllowedMentions.none()
    return discord.AllowedMentions(
        everyone=False, roles=False, users=[discord.Object(u) for u in user_ids], replied_user=False
    )


async def send_direct(bot: LoungeBot, user_id: int, **send: Any) -> discord.Message:
    """A DM to `user_id` through the pacer of the DM channel.

    :raises discord.Forbidden: code 50007 when the member's DMs are closed.
    """
    await _dm_spacing.turn()
    dm = await bot.create_dm(discord.Object(user_id))
    return await bot.pacer.send(dm.id, lambda: dm.send(**send))


@dataclass
class _Waiting:
    user_id: int
    text: str
    on_sent: Callable[[discord.Message], Awaitable[None]]
    on_failed: Callable[[Exception], Awaitable[None]]
    done: asyncio.Event = field(default_factory=asyncio.Event)


class MentionFallback:
    """Gathers members to mention per channel and sends them in as few messages as fit."""

    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot
        self._waiting: dict[int, list[_Waiting]] = {}

    async def mention(
        self,
        channel_id: int,
        user_id: int,
        text: str,
        *,
        on_sent: Callable[[discord.Message], Awaitable[None]],
        on_failed: Callable[[Exception], Awaitable[None]],
    ) -> None:
        """Mentions `user_id` with `text` in `channel_id`. Each member's outcome reaches its own callback:
        `on_sent` with the message it went out in, or `on_failed` with what the channel answered."""
        group = self._waiting.setdefault(channel_id, [])
        entry = _Waiting(user_id, text, on_sent, on_failed)
        group.append(entry)
        if len(group) > 1:
            # The caller that queued the first member sends this one along; returning only once that
            # is done keeps the row in flight meanwhile.
            await entry.done.wait()
            return
        channel = self.bot.get_partial_messageable(channel_id, type=discord.ChannelType.text)
        try:
            await asyncio.sleep(GATHER)
            while self._waiting.get(channel_id):
                batch: list[_Waiting] = []

                async def write(batch: list[_Waiting] = batch) -> discord.Message:
                    # Taken when the pacer runs the write, so members who arrived meanwhile come along.
                    waiting = self._waiting.get(channel_id, [])
                    size = 0
                    while waiting and (not batch or size + len(waiting[0].text) < _GROUP_LIMIT):
                        batch.append(waiting.pop(0))
                        size += len(batch[-1].text) + 25
                    content = "\n".join(f"<@{w.user_id}> {w.text}" for w in batch)
                    return await channel.send(content, allowed_mentions=mentions([w.user_id for w in batch]))

                try:
                    message = await self.bot.pacer.send(channel_id, write)
                except Exception as exc:
                    # Nothing taken means the write never ran (the pacer closed): everyone waiting fails.
                    for waiting in batch or self._waiting.pop(channel_id, []):
                        await waiting.on_failed(exc)
                        waiting.done.set()
                    continue
                for waiting in batch:
                    await waiting.on_sent(message)
                    waiting.done.set()
        finally:
            self._waiting.pop(channel_id, None)
