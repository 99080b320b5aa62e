"""Discord's 3 s to answer an interaction, kept so that "stored" always means "confirmed".

Discord counts the 3 s from the interaction's snowflake (`created_at`), not from when the bot reads it: after
a backlog or a stalled database an interaction may arrive already dead, and then Discord has shown the
member "This interaction failed" whatever the bot does. So:

- an interaction already `STALE_AFTER` old when it is read changes nothing (`admit` returns False);
- while its handler waits on the database past `DEFER_AFTER`, it is acknowledged (deferred) first and
  answered by a follow-up when the work is done;
- right before COMMIT, storage asks `may_commit`: an unacknowledged change older than `COMMIT_UNTIL` is
  acknowledged then and there, and commits only if Discord accepted that; otherwise it is rolled back
  (`storage.database.TooLate`). So whatever is stored was either acknowledged before COMMIT, or committed
  young enough that its answer has two seconds to reach Discord.

Autocomplete changes nothing, so it is never held back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import discord

from storage.database import TooLate, answer_deadline

log = logging.getLogger(__name__)

STALE_AFTER = 3.0
# An overloaded bot can take two seconds between COMMIT and its answer reaching Discord (`make bench` on a
# busy machine: unacknowledged commits until 2.5 s left 18 answers too late, until 1.5 s one), so a
# change is acknowledged before COMMIT once a third of the time is gone.
DEFER_AFTER = 1.0
COMMIT_UNTIL = 1.0


def age(interaction: discord.Interaction) -> float:
    """Seconds since Discord created the interaction."""
    return (discord.utils.utcnow() - interaction.created_at).total_seconds()


class AnswerDeadline:
    """The deadline of one interaction, for the database work of the task that handles it.

    `update` says how to acknowledge: a component whose answer edits its own message defers as an update
    (type 6); anything else defers with a "thinking" message, `ephemeral` or not as its answer will be.
    """

    def __init__(self, interaction: discord.Interaction, *, ephemeral: bool, update: bool) -> None:
        self._interaction = interaction
        self._ephemeral = ephemeral
        self._update = update
        self._task = asyncio.current_task()
        self._deferral: asyncio.Task[None] | None = None

    def _ours(self) -> bool:
        # Tasks started by the handler inherit its context; their work is not this member's answer.
        return asyncio.current_task() is self._task

    @asynccontextmanager
    async def waiting(self) -> AsyncIterator[None]:
        if not self._ours() or self._interaction.response.is_done():
            yield
            return
        delay = DEFER_AFTER - age(self._interaction)
        if delay <= 0:
            # Already late: acknowledge before queueing for the connection, not while holding it.
            self._defer_now()
            await self._settled()
            if not self._interaction.response.is_done():
                # Discord refused it: no answer can reach the member now, so spare the database the work.
                raise TooLate(f"interaction {self._interaction.id} could not be acknowledged in time")
        timer = asyncio.get_running_loop().call_later(max(0.0, delay), self._defer_now)
        try:
            yield
        finally:
            timer.cancel()
            # The handler answers next: it must find the deferral finished, never racing it.
            await self._settled()

    def answerable(self) -> Callable[[], bool] | None:
        return self._answerable if self._ours() else None

    def _answerable(self) -> bool:
        # Called on the database thread too: it only reads the response's state and the clock.
        return self._interaction.response.is_done() or age(self._interaction) < COMMIT_UNTIL

    async def may_commit(self) -> bool:
        if not self._ours():
            return True
        await self._settled()
        if self._answerable():
            return True
        # Holding the write lock for one round trip is the price of never keeping an unconfirmed change.
        self._defer_now()
        await self._settled()
        if self._interaction.response.is_done():
            return True
        log.warning(
            "Interaction %s not kept: %.1f s old and Discord refused its acknowledgement",
            self._interaction.id, age(self._interaction),
        )
        return False

    def _defer_now(self) -> None:
        if self._deferral is None and not self._interaction.response.is_done():
            self._deferral = asyncio.create_task(self._defer(), name=f"defer-{self._interaction.id}")

    async def _defer(self) -> None:
        try:
            if self._update:
                await self._interaction.response.defer()
            else:
                await self._interaction.response.defer(ephemeral=self._ephemeral, thinking=True)
        except (discord.HTTPException, discord.InteractionResponded) as exc:
            log.warning("Could not acknowledge interaction %s in time: %s", self._interaction.id, exc)

    async def _settled(self) -> None:
        if self._deferral is not None:
            await asyncio.shield(self._deferral)


def admit(interaction: discord.Interaction, *, ephemeral: bool = True, update: bool = False) -> bool:
    """False for an interaction too old to answer; otherwise holds its database work to its deadline.

    Call it from the interaction check, which discord.py runs in the task that then runs the handler.
    """
    late = age(interaction)
    if late >= STALE_AFTER:
        log.warning("Ignoring interaction %s: it was already %.1f s old when read", interaction.id, late)
        return False
    answer_deadline.set(AnswerDeadline(interaction, ephemeral=ephemeral, update=update))
    return True
