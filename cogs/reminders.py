"""Reminders before the party: the one scheduler that decides them, and the DM's "Stop reminders" button.

The scheduler runs from `cog_load` to `cog_unload`. It decides every reminder that is due (each in its
own transaction, which also queues its DMs in the outbox: the outbox delivers them, once) and the dues
reminders of parties that closed, then sleeps until the next reminder is due, at most a minute, or until
a party changes or the clock seam travels (tests, the demo). It needs no gateway: deciding is storage
work, so reminders due while the bot was down are decided as soon as it starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from typing import TYPE_CHECKING, Any

import discord
from discord.ext import commands

from lounge.replies import report_error
from rules.text import inert
from storage.changes import Topic
from storage.clock import on_travel, utc_now
from ui.reminders import (
    STOP_REMINDERS_TEMPLATE,
    dues_reminder_message,
    reminder_message,
    stop_reminders_button,
)

if TYPE_CHECKING:
    from lounge.client import LoungeBot

log = logging.getLogger(__name__)

# The longest the scheduler sleeps without looking again: a start moved closer is seen within it.
MAX_NAP = 60.0
# How long unloading waits for the decision in progress before cancelling it.
STOP_TIMEOUT = 10.0


class StopRemindersButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=STOP_REMINDERS_TEMPLATE):
    """On a reminder DM: no more reminders about that party for the member who clicks."""

    def __init__(self, party_id: int) -> None:
        super().__init__(stop_reminders_button(party_id))
        self.party_id = party_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> StopRemindersButton:
        return cls(int(match["party_id"]))

    async def callback(self, interaction: discord.Interaction[LoungeBot]) -> None:  # type: ignore[override]
        try:
            store = interaction.client.store
            party = await store.parties.get(self.party_id)
            if party is None:
                await interaction.response.send_message("That party no longer exists.", ephemeral=True)
                return
            await store.reminders.set_wanted(party.id, interaction.user.id, False)
            await interaction.response.send_message(
                f"No more reminders about **{inert(party.name)}**. "
                "Changed your mind? `/rsvp reminders:True` in the server turns them back on.",
                ephemeral=True,
            )
        except Exception as exc:
            await report_error(interaction, exc)


class RemindersCog(commands.Cog):
    def __init__(self, bot: LoungeBot) -> None:
        self.bot = bot
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._unsubscribe = lambda: None

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(StopRemindersButton)
        stop_travel = on_travel(self._wake.set)
        stop_changes = self.bot.store.database.changes.subscribe(self._on_change)

        def unsubscribe() -> None:
            stop_travel()
            stop_changes()

        self._unsubscribe = unsubscribe
        self._task = asyncio.create_task(self._run(), name="reminder-scheduler")

    async def cog_unload(self) -> None:
        self._unsubscribe()
        # Asked to stop, not cancelled: the loop stops between decisions, not in the middle of one. The
        # cancel after STOP_TIMEOUT is still safe for the connection: storage finishes a BEGIN or COMMIT in
        # flight before raising.
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), STOP_TIMEOUT)
            except TimeoutError:
                self._task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task
        self.bot.remove_dynamic_items(StopRemindersButton)

    def _on_change(self, party_id: int, topics: frozenset[Topic]) -> None:
        # A start moved or the party closed (its winners who owe are told now).
        if Topic.PARTY in topics:
            self._wake.set()

    async def _run(self) -> None:
        store = self.bot.store.reminders
        while not self._stopping:
            self._wake.clear()
            nap = MAX_NAP
            try:
                for told in await store.decide_dues_reminders(dues_reminder_message):
                    log.info("Dues reminder for member %s of party %s queued", told.user_id, told.party.id)
                while (
                    not self._stopping
                    and (decision := await store.decide_next(utc_now(), reminder_message)) is not None
                ):
                    log.info(
                        "Reminder %s of party %s %s (%d members)",
                        decision.reminder.id,
                        decision.party.id,
                        decision.outcome,
                        len(decision.recipient_ids),
                    )
                next_due = await store.next_due()
                if next_due is not None:
                    nap = min(MAX_NAP, max(0.0, (next_due - utc_now()).total_seconds()))
            except Exception:
                # A failed transaction decided nothing (it rolled back): try again after a nap.
                log.exception("The reminder scheduler failed; trying again in %s s", MAX_NAP)
            # asyncio.timeout, not wait_for: on 3.11 wait_for swallows a cancel that lands as the wake
            # comes, and cog_unload would wait for this task forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(nap):
                    await self._wake.wait()


async def setup(bot: LoungeBot) -> None:
    await bot.add_cog(RemindersCog(bot))
