"""Delivering the outbox: every post and DM storage decided on goes out once, through the channel pacer.

At least once, shown once: a row is sent with a nonce derived from it (discord.py 2.7 sends
`enforce_nonce`), so a repeat after a crash between the send and the record returns the message Discord
already has instead of a second one; the message id is recorded on the row when Discord answers.

What Discord answers decides what happens to a row:
- missing access or permissions (50001, 50013): the row stays pending and blocked; its channel's problem
  is opened and the hosts are told once (storage queues that DM with the problem). Blocked rows are tried
  again when a channel or role changes, and on a slow timer; the first that goes through frees the rest.
- DMs closed (50007): the member is mentioned in the row's fallback channel (`live.reach`).
- the channel or the edited message is gone, or the request is invalid: the row is dropped, with a reason.
- a server error or a lost connection: tried again a little later.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import time
from typing import TYPE_CHECKING, Any

import aiohttp
import discord

from live.reach import DMS_CLOSED, MentionFallback, mentions, send_direct
from storage.changes import Topic
from storage.outbox import PERMISSION_CODES, OutboxItem, OutgoingMessage
from ui.notices import delivery_problem_notice, post_status

if TYPE_CHECKING:
    from lounge.client import LoungeBot

log = logging.getLogger(__name__)

# A blocked post is tried again this often even without a channel or role update (one might be missed).
BLOCKED_RETRY = 300.0
# After a server error or a lost connection: first retry, doubling up to the cap.
FAILED_RETRY = 2.0
FAILED_RETRY_CAP = 120.0
SHUTDOWN_SETTLE = 5.0


def send_arguments(message: OutgoingMessage, *, nonce: str | None = None) -> dict[str, Any]:
    """`Messageable.send` keywords for a stored message; the files are fresh objects on every call."""
    send: dict[str, Any] = {"allowed_mentions": mentions(message.mention_user_ids)}
    if message.content is not None:
        send["content"] = message.content
    if message.embeds:
        send["embeds"] = [discord.Embed.from_dict(embed) for embed in message.embeds]
    if message.files:
        send["files"] = [discord.File(io.BytesIO(f.data), filename=f.name) for f in message.files]
    if message.buttons:
        send["view"] = _button_row(message.buttons)
    if nonce is not None:
        send["nonce"] = nonce
    return send


def _button_row(buttons: tuple[dict, ...]) -> discord.ui.View:
    """The stored buttons as layout only: their clicks reach DynamicItems matched on the custom_id, so
    the view is stopped and discord.py keeps no listener for it."""
    view = discord.ui.View(timeout=None)
    for button in buttons:
        view.add_item(
            discord.ui.Button(
                label=button["label"],
                custom_id=button["custom_id"],
                style=discord.ButtonStyle(button.get("style", discord.ButtonStyle.secondary.value)),
            )
        )
    view.stop()
    return view


def missing_permissions(bot: LoungeBot, channel_id: int, message: OutgoingMessage | None) -> str:
    """What the bot lacks in the channel, read from the cached overwrites and roles when it can be."""
    needed = ["View Channel", "Send Messages"]
    if message is None or message.embeds:
        needed.append("Embed Links")
    if message is not None and message.files:
        needed.append("Attach Files")
    channel = bot.get_channel(channel_id)
    if isinstance(channel, discord.abc.GuildChannel):
        granted = channel.permissions_for(channel.guild.me)
        flags = {
            "View Channel": granted.view_channel,
            "Send Messages": granted.send_messages,
            "Embed Links": granted.embed_links,
            "Attach Files": granted.attach_files,
        }
        lacking = [name for name in needed if not flags[name]]
        if lacking:
            needed = lacking
    return ", ".join(needed[:-1]) + " and " + needed[-1] if len(needed) > 1 else needed[0]


class OutboxDelivery:
    """One loop per bot: wakes after each commit that queued something, and on its timers."""

    def __init__(
        self, bot: LoungeBot, *, blocked_retry: float = BLOCKED_RETRY, failed_retry: float = FAILED_RETRY
    ) -> None:
        self.bot = bot
        self.blocked_retry = blocked_retry
        self.failed_retry = failed_retry
        self._wake = asyncio.Event()
        self._retry_blocked = True  # a start tries what the previous process left blocked
        self._in_flight: dict[int, asyncio.Task[None]] = {}
        self._not_before: dict[int, float] = {}
        self._task: asyncio.Task[None] | None = None
        self._fallback = MentionFallback(bot)
        self._watchers: dict[int, list[asyncio.Future[str]]] = {}
        # What a blocked row lacks, as found when it was refused (for the host's reply).
        self._missing: dict[int, str] = {}
        self._unsubscribe = bot.store.database.changes.subscribe(self._on_change)

    def _on_change(self, party_id: int, topics: frozenset[Topic]) -> None:
        if Topic.OUTBOX in topics:
            self.wake()

    def wake(self) -> None:
        self._wake.set()

    def permissions_changed(self) -> None:
        """A channel's overwrites or a role changed: blocked posts may go through now."""
        self._retry_blocked = True
        self.wake()

    async def start(self) -> None:
        """Called from setup_hook: HTTP is logged in by then, so posts left pending go out at once."""
        self._task = asyncio.create_task(self._run(), name="outbox-delivery")

    async def outcome(self, row_id: int, timeout: float) -> str:
        """What became of a row within `timeout` seconds: "delivered", "blocked", "dropped" or "pending".

        For a reply that says where the post went; the row goes out whatever this answers."""
        waiter: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._watchers.setdefault(row_id, []).append(waiter)
        try:
            status = await self.bot.store.outbox.status(row_id)
            if status != "pending":
                return status
            with contextlib.suppress(TimeoutError):
                return await asyncio.wait_for(asyncio.shield(waiter), timeout)
            return "pending"
        finally:
            watchers = self._watchers.get(row_id, [])
            if waiter in watchers:
                watchers.remove(waiter)
            if not watchers:
                self._watchers.pop(row_id, None)

    async def reply_line(self, row_id: int, channel_id: int, timeout: float = 2.5) -> str:
        """A sentence for the host's reply: posted, held for a permission, or on its way."""
        status = await self.outcome(row_id, timeout)
        missing = self._missing.get(row_id) or missing_permissions(self.bot, channel_id, None)
        return post_status(status, channel_id, missing)

    def _tell(self, row_ids: list[int], status: str) -> None:
        for row_id in row_ids:
            for waiter in self._watchers.get(row_id, []):
                if not waiter.done():
                    waiter.set_result(status)

    async def settle(self, timeout: float = 10.0) -> None:
        """Waits until nothing deliverable is pending or in flight (for shutdown and tests).

        :raises TimeoutError: rows were still going out after `timeout` seconds.
        """
        async with asyncio.timeout(timeout):
            while True:
                if self._in_flight:
                    await asyncio.gather(*self._in_flight.values(), return_exceptions=True)
                    continue
                pending = [
                    item for item in await self.bot.store.outbox.pending()
                    if self._deliverable(item) and item.id not in self._not_before
                ]
                if not pending:
                    return
                self.wake()
                await asyncio.sleep(0.05)

    async def close(self) -> None:
        self._unsubscribe()
        if self._task is None:
            return  # never started (the login failed): nothing was sent, nothing is in flight
        try:
            await self.settle(SHUTDOWN_SETTLE)
        except TimeoutError:
            log.warning("Posts were still going out at shutdown; the next start sends them")
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
        for task in self._in_flight.values():
            task.cancel()
        await asyncio.gather(*self._in_flight.values(), return_exceptions=True)

    async def _run(self) -> None:
        next_blocked = time.monotonic() + self.blocked_retry
        while True:
            self._wake.clear()
            try:
                if self._retry_blocked or time.monotonic() >= next_blocked:
                    self._retry_blocked = False
                    next_blocked = time.monotonic() + self.blocked_retry
                    await self._dispatch(await self.bot.store.outbox.pending(blocked=True))
                await self._dispatch(await self.bot.store.outbox.pending())
            except Exception:
                # The loop must outlive one bad pass (a locked database, say): the rows stay stored.
                log.exception("Reading the outbox failed; trying again shortly")
                await asyncio.sleep(self.failed_retry)
                continue
            now = time.monotonic()
            # A due retry whose row was not in this batch is simply eligible next time.
            self._not_before = {row: due for row, due in self._not_before.items() if due > now}
            timeout = min([next_blocked, *self._not_before.values()]) - now
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), max(timeout, 0.01))

    @staticmethod
    def _deliverable(item: OutboxItem) -> bool:
        # An edit waits for the message it edits (or is dropped with it, see _deliver).
        return item.edit_of is None or item.target_message_id is not None or item.target_dropped

    async def _dispatch(self, items: list[OutboxItem]) -> None:
        now = time.monotonic()
        for item in items:
            if item.id in self._in_flight or not self._deliverable(item):
                continue
            if self._not_before.get(item.id, 0.0) > now:
                continue
            self._not_before.pop(item.id, None)
            # Tasks start in row order and their first await queues in the pacer, so a channel's posts
            # keep the order they were decided in.
            task = asyncio.create_task(self._deliver(item), name=f"outbox-{item.id}")
            self._in_flight[item.id] = task
            task.add_done_callback(lambda _, row_id=item.id: self._in_flight.pop(row_id, None))

    async def _deliver(self, item: OutboxItem) -> None:
        channel_id = item.channel_id or item.target_channel_id
        try:
            if item.edit_of is not None:
                if item.target_dropped:
                    await self.bot.store.outbox.mark_dropped(item.id, "the message it edits never went out")
                    return
                await self._edit(item)
            elif item.user_id is not None:
                await self._direct(item)
            else:
                assert item.channel_id is not None
                await self._post(item, item.channel_id)
        except discord.Forbidden as exc:
            if exc.code in PERMISSION_CODES and channel_id is not None:
                await self._blocked(item, channel_id, exc.code)
            else:
                await self._drop(item, exc)
        except discord.NotFound as exc:
            await self._drop(item, exc)
        except discord.HTTPException as exc:
            # A 429 that outlasted discord.py's own retries is a busy moment, not a refusal.
            if exc.status >= 500 or exc.status == 429:
                await self._retry_later(item, exc)
            else:
                await self._drop(item, exc)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            await self._retry_later(item, exc)
        except Exception:
            if self.bot.is_closed():
                return  # the pacer closed under us: the next start sends the row
            log.exception("Delivering the %s (outbox row %s) failed", item.kind, item.id)
            self._not_before[item.id] = time.monotonic() + FAILED_RETRY_CAP
            self.wake()

    async def _post(self, item: OutboxItem, channel_id: int) -> None:
        channel = self.bot.get_partial_messageable(channel_id, type=discord.ChannelType.text)
        message = await self.bot.pacer.send(
            channel_id, lambda: channel.send(**send_arguments(item.message, nonce=item.nonce))
        )
        await self._delivered([item.id], channel_id, message.id)

    async def _edit(self, item: OutboxItem) -> None:
        assert item.target_channel_id is not None and item.target_message_id is not None
        channel = self.bot.get_partial_messageable(item.target_channel_id, type=discord.ChannelType.text)
        target = channel.get_partial_message(item.target_message_id)
        edit: dict[str, Any] = {"embeds": send_arguments(item.message).get("embeds", [])}
        if item.message.content is not None:
            edit["content"] = item.message.content
        await self.bot.pacer.edit(item.target_channel_id, target.id, lambda: target.edit(**edit))
        await self._delivered([item.id], item.target_channel_id, target.id)

    async def _direct(self, item: OutboxItem) -> None:
        assert item.user_id is not None
        try:
            message = await send_direct(
                self.bot, item.user_id, **send_arguments(item.message, nonce=item.nonce)
            )
        except discord.Forbidden as exc:
            if exc.code != DMS_CLOSED:
                raise
            if item.fallback_channel_id is None:
                await self.bot.store.outbox.mark_dropped(item.id, "the member's DMs are closed")
                log.info("Could not DM member %s (DMs closed) and there is no channel to fall back to",
                         item.user_id)
                return
            await self._mention_instead(item, item.fallback_channel_id)
            return
        await self._delivered([item.id], message.channel.id, message.id)

    async def _mention_instead(self, item: OutboxItem, channel_id: int) -> None:
        assert item.user_id is not None
        text = item.message.content or ""

        async def sent(message: discord.Message) -> None:
            await self._delivered([item.id], channel_id, message.id)

        async def failed(exc: Exception) -> None:
            if isinstance(exc, discord.Forbidden) and exc.code in PERMISSION_CODES:
                await self._blocked(item, channel_id, exc.code)
            elif isinstance(exc, discord.HTTPException) and exc.status < 500 and exc.status != 429:
                await self._drop(item, exc)
            else:
                await self._retry_later(item, exc)

        await self._fallback.mention(channel_id, item.user_id, text, on_sent=sent, on_failed=failed)

    async def _delivered(self, row_ids: list[int], channel_id: int, message_id: int) -> None:
        resolved = await self.bot.store.outbox.mark_delivered(row_ids, channel_id, message_id)
        for row_id in row_ids:
            self._missing.pop(row_id, None)
        self._tell(row_ids, "delivered")
        if resolved:
            log.warning("Posting in channel %s works again; held posts are going out", channel_id)
            self.wake()
        # An edit may have been waiting for this message.
        self.wake()

    async def _blocked(self, item: OutboxItem, channel_id: int, code: int) -> None:
        missing = missing_permissions(self.bot, channel_id, item.message)
        self._missing[item.id] = missing
        problem = await self.bot.store.outbox.mark_blocked(
            item, channel_id, code, missing, delivery_problem_notice
        )
        self._tell([item.id], "blocked")
        if problem is not None or (item.party_id is None and item.attempts == 0):
            log.warning(
                "Can't post in channel %s for party %s (missing %s); holding the %s until that is fixed",
                channel_id, item.party_id, missing, item.kind,
            )

    async def _drop(self, item: OutboxItem, exc: discord.HTTPException) -> None:
        reason = f"{exc.status} {exc.code}: {exc.text}"
        log.warning("Dropping the %s (outbox row %s): Discord answered %s", item.kind, item.id, reason)
        await self.bot.store.outbox.mark_dropped(item.id, reason)
        self._tell([item.id], "dropped")

    async def _retry_later(self, item: OutboxItem, exc: BaseException) -> None:
        attempts = await self.bot.store.outbox.mark_attempt_failed(item.id)
        delay = min(self.failed_retry * 2 ** (attempts - 1), FAILED_RETRY_CAP)
        log.warning("Sending the %s (outbox row %s) failed (%s); trying again in %.0fs",
                    item.kind, item.id, exc, delay)
        self._not_before[item.id] = time.monotonic() + delay
        self.wake()
