"""Open-loop load: members send interactions on a timer, never waiting for one answer before the next.

Each phase dispatches interactions at a set rate (or back to back, as fast as the sandbox can) for a set
time, then waits for every answer, reads what the bot stored, and waits for the live counter to show the
exact stored total. Acknowledgement latency is the sandbox's own record: from dispatching
INTERACTION_CREATE to receiving the bot's callback.

Interactions are dispatched through the sandbox's builder and world directly rather than `sb.slash`, whose
per-call waiter would be woken by every change in the sandbox: with hundreds in flight that costs the
sandbox's core more than serving the bot does.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
from dataclasses import dataclass, field
from typing import Any

from benchmarks.predictions import pick_menus
from benchmarks.scene import Scene, now, pledged_shown
from rules.money import format_cents
from sandbox import InteractionRecord

# What 200 members do during the show: mostly pledge and RSVP, sometimes look at the lists.
MIX: dict[str, int] = {"pledge": 50, "rsvp": 30, "guests": 10, "pledges": 10}
PLEDGES_ONLY: dict[str, int] = {"pledge": 1}

RSVP_ANSWERS = ("going", "maybe", "not_going")
SETTLE_TIMEOUT = 6.0
# A deferred answer's follow-up may come later (Discord keeps it valid for 15 minutes).
FOLLOWUP_TIMEOUT = 20.0
COUNTER_TIMEOUT = 15.0
FAILURE_TEXT = "Something went wrong"
# Back to back: interactions kept outstanding at once.
IN_FLIGHT = 64
STALE_AFTER = 3.5


@dataclass
class Sent:
    kind: str
    record: InteractionRecord


@dataclass
class Phase:
    """What one phase offered and what came of it."""

    name: str
    offered_rate: float | None
    seconds: float
    sent: list[Sent] = field(default_factory=list)
    started: float = 0.0
    dispatch_ended: float = 0.0
    acknowledged: int = 0
    failed: int = 0
    latencies: list[float] = field(default_factory=list)
    pledges_confirmed: int = 0
    pledges_stored: int = 0
    pledges_lost: int = 0
    pledges_duplicated: int = 0
    # Stored, but the member never read "Thank you" (a late answer shows "This interaction failed").
    stored_unconfirmed: int = 0
    confirmed_ids: set[int] = field(default_factory=set)
    last_pledge_ack: float = 0.0
    first_pledge_sent: float = 0.0
    counter_edits: int = 0
    counter_exact: bool = False
    counter_lag: float | None = None
    rate_limited: int = 0
    peak_memory_mb: float = 0.0
    # Cores' worth of CPU while the phase ran: the bot process, and this one (sandbox and load).
    bot_cpu: float = 0.0
    sandbox_cpu: float = 0.0

    @property
    def dispatch_rate(self) -> float:
        span = self.dispatch_ended - self.started
        return len(self.sent) / span if span > 0 else 0.0

    @property
    def pledge_throughput(self) -> float:
        """Confirmed pledges per second, from the first pledge sent to the last one confirmed."""
        span = self.last_pledge_ack - self.first_pledge_sent
        return self.pledges_confirmed / span if span > 0 else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[index]


class LoadGenerator:
    def __init__(self, scene: Scene, seed: int = 2013) -> None:
        self.scene = scene
        self.rng = random.Random(seed)

    def _build(self, kind: str) -> Sent:
        scene = self.scene
        builder = scene.sb.builder
        member = self.rng.choice(scene.members)
        if kind == "pledge":
            cents = self.rng.randrange(500, 25_000)
            amount = f"{cents // 100}.{cents % 100:02d}"
            record, payload = builder.slash(member, scene.channel, "pledge", {"amount": amount})
            sent = Sent(kind, record)
        elif kind == "pick":
            ballot = scene.sb.world.messages[scene.ballots[member.id]]
            menu = self.rng.choice(pick_menus(ballot))
            value = self.rng.choice(menu["options"])["value"]
            record, payload = builder.component(member, ballot, menu["custom_id"], [value], want_select=True)
            sent = Sent(kind, record)
        elif kind == "rsvp":
            assert scene.invitation is not None
            custom_id = f"rsvp:{scene.party_id}:{self.rng.choice(RSVP_ANSWERS)}"
            record, payload = builder.component(member, scene.invitation, custom_id, None, want_select=False)
            sent = Sent(kind, record)
        else:
            record, payload = builder.slash(member, scene.channel, kind, {})
            sent = Sent(kind, record)
        self._dispatch(record, payload)
        return sent

    def _dispatch(self, record: InteractionRecord, payload: dict[str, Any]) -> None:
        # The same steps as DiscordSandbox.slash, without waiting for the answer.
        world = self.scene.sb.world
        world.interactions[record.id] = record
        world.interactions_by_token[record.token] = record
        record.dispatched_at = now()
        world.dispatch("INTERACTION_CREATE", payload)
        world.changed()

    async def run(
        self, name: str, rate: float | None, seconds: float, mix: dict[str, int], *, limit: int
    ) -> Phase:
        """Dispatches for `seconds` at `rate` a second, at most `limit` in all.

        With `rate` None the phase runs back to back: the next interaction goes out the moment one is
        answered, keeping `IN_FLIGHT` outstanding, which is as fast as the sandbox can dispatch without
        burying the bot under interactions that would be 3 s stale before it read them.
        """
        phase = Phase(name, rate, seconds)
        limited_before = len(self.scene.sb.rate_limited)
        bot_cpu, own = self.scene.bot_cpu_seconds(), os.times()
        phase.started = now()
        if rate is None:
            await self._back_to_back(phase, mix, limit)
        else:
            await self._on_timer(phase, rate, mix, limit)
        phase.dispatch_ended = now()
        await self._settle(phase)
        span, after = now() - phase.started, os.times()
        phase.bot_cpu = (self.scene.bot_cpu_seconds() - bot_cpu) / span
        phase.sandbox_cpu = (after.user + after.system - own.user - own.system) / span
        self._classify(phase)
        self._check_storage(phase)
        await self._check_counter(phase)
        phase.rate_limited = len(self.scene.sb.rate_limited) - limited_before
        phase.peak_memory_mb = self.scene.bot_memory_mb()[1]
        return phase

    def _next(self, phase: Phase, mix: dict[str, int]) -> Sent:
        kind = self.rng.choices(list(mix), list(mix.values()))[0]
        sent = self._build(kind)
        if kind == "pledge" and not phase.first_pledge_sent:
            phase.first_pledge_sent = sent.record.dispatched_at
        phase.sent.append(sent)
        return sent

    async def _on_timer(self, phase: Phase, rate: float, mix: dict[str, int], limit: int) -> None:
        start = phase.started
        for count in range(limit):
            moment = now()
            if moment - start >= phase.seconds:
                return
            due = start + count / rate
            if due > moment:
                await asyncio.sleep(due - moment)
            elif count % 8 == 0:
                # Behind schedule: catch up in a burst, but still let the server take callbacks.
                await asyncio.sleep(0)
            self._next(phase, mix)

    async def _back_to_back(self, phase: Phase, mix: dict[str, int], limit: int) -> None:
        sb = self.scene.sb
        outstanding: list[InteractionRecord] = []
        seen_acks = len(sb.acks)
        refused: set[int] = set()
        while len(phase.sent) < limit and now() - phase.started < phase.seconds:
            while len(outstanding) < IN_FLIGHT and len(phase.sent) < limit:
                outstanding.append(self._next(phase, mix).record)
            with contextlib.suppress(TimeoutError):
                await sb.world.wait_until(
                    lambda seen=seen_acks: len(sb.acks) > seen, 0.5, "an acknowledgement"
                )
            refused.update(a.interaction_id for a in sb.acks[seen_acks:] if not a.accepted)
            seen_acks = len(sb.acks)
            # A record never answered stays outstanding until it is 3 s stale, then it counts as failed.
            stale = now() - STALE_AFTER
            outstanding = [
                r for r in outstanding
                if r.callback_type is None and r.id not in refused and r.dispatched_at > stale
            ]

    async def _settle(self, phase: Phase) -> None:
        """Waits until every interaction is answered or refused, or can no longer be.

        A deferred interaction is answered when its follow-up replaces the "thinking" message.
        """
        acks = self.scene.sb.acks
        pending = [s.record for s in phase.sent]
        refused: set[int] = set()
        seen = 0
        deadline = phase.dispatch_ended + SETTLE_TIMEOUT
        followups_deadline = phase.dispatch_ended + FOLLOWUP_TIMEOUT
        while pending and now() < followups_deadline:
            refused.update(a.interaction_id for a in acks[seen:] if not a.accepted)
            seen = len(acks)
            unanswered = now() < deadline
            pending = [
                r for r in pending
                if (unanswered and r.callback_type is None and r.id not in refused)
                or (r.callback_type in (5, 6) and not r.completed)
            ]
            await asyncio.sleep(0.05)

    def _classify(self, phase: Phase) -> None:
        messages = self.scene.sb.world.messages
        for sent in phase.sent:
            record = sent.record
            if record.callback_type is None or record.latency is None:
                phase.failed += 1
                continue
            reply = messages.get(record.original_message_id or 0)
            text = reply.content if reply is not None else ""
            if FAILURE_TEXT in text:
                phase.failed += 1
                continue
            phase.acknowledged += 1
            phase.latencies.append(record.latency)
            if sent.kind == "pledge" and text.startswith("Thank you"):
                phase.pledges_confirmed += 1
                phase.confirmed_ids.add(record.id)
                assert record.acked_at is not None
                # A deferred pledge is answered by the follow-up that replaces "thinking…", after its commit:
                # that, not the deferral, is when the member learns the pledge counts.
                told_at = reply.edits[-1].at if record.callback_type == 5 and reply.edits else record.acked_at
                phase.last_pledge_ack = max(phase.last_pledge_ack, told_at)

    def _check_storage(self, phase: Phase) -> None:
        pledges = [s for s in phase.sent if s.kind == "pledge"]
        ids = {s.record.id for s in pledges}
        rows = self.scene.query(
            "SELECT interaction_id, COUNT(*) FROM pledges WHERE party_id = ? AND interaction_id IS NOT NULL "
            "GROUP BY interaction_id",
            (self.scene.party_id,),
        )
        stored = {interaction_id: count for interaction_id, count in rows if interaction_id in ids}
        phase.pledges_stored = sum(stored.values())
        phase.pledges_duplicated = sum(count - 1 for count in stored.values())
        for sent in pledges:
            confirmed = sent.record.id in phase.confirmed_ids
            if confirmed and sent.record.id not in stored:
                phase.pledges_lost += 1
            if not confirmed and sent.record.id in stored:
                phase.stored_unconfirmed += 1

    async def _check_counter(self, phase: Phase) -> None:
        """Waits for the counter to show the stored total; the lag counts from the last pledge's answer."""
        scene = self.scene
        wanted = format_cents(scene.stored_total())
        deadline = now() + COUNTER_TIMEOUT
        counter = scene.counter_message()
        while pledged_shown(counter) != wanted and now() < deadline:
            await asyncio.sleep(0.02)
            counter = scene.counter_message()
        phase.counter_exact = pledged_shown(counter) == wanted
        edits = [edit for edit in counter.edits if edit.at >= phase.started]
        phase.counter_edits = len(edits)
        if not phase.counter_exact:
            return
        shown_at = next(
            (edit.at for edit in edits if pledged_shown(edit.payload) == wanted), counter.created_at
        )
        if phase.last_pledge_ack:
            phase.counter_lag = max(0.0, shown_at - phase.last_pledge_ack)
