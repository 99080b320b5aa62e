"""Reminders before a party: their settings, their plan, who opted out, and deciding each one once.

A reminder row is planned when the start is set or moved, or the settings change (`plan`, called in
the transaction that made the change), and decided exactly once by `decide_next`: in one transaction
the row is marked sent or skipped and, when sent, the caller enqueues its messages. A restart finds
every undecided row still there and nothing decided twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from storage.clock import from_text, to_text, utc_now
from storage.database import Database
from storage.dues import received_from
from storage.outbox import OutgoingMessage, direct_message
from storage.parties import Party, party_in
from storage.reminder_plan import minutes_from_text, plan_reminders

Outcome = Literal["sent", "skipped", "cancelled"]
REMINDER_KIND = "reminder"
DUES_REMINDER_KIND = "dues reminder"


@dataclass(frozen=True)
class Reminder:
    id: int
    party_id: int
    minutes_before: int
    starts_at: datetime
    due_at: datetime
    decided_at: datetime | None
    outcome: Outcome | None
    recipients: int | None


@dataclass(frozen=True)
class ReminderDecision:
    """A reminder decided now. When `outcome` is "sent", `recipient_ids` are the members to DM."""

    reminder: Reminder
    party: Party
    outcome: Outcome
    recipient_ids: tuple[int, ...]
    # Where the message links to: the newest invitation (channel, message) and the Discord event.
    invitation: tuple[int, int] | None = None
    event_id: int | None = None


@dataclass(frozen=True)
class DuesReminder:
    """A winner who still owes when their party closed: told once."""

    party: Party
    user_id: int
    owed_cents: int


ComposeReminder = Callable[[ReminderDecision], OutgoingMessage]
ComposeDuesReminder = Callable[[DuesReminder], OutgoingMessage]


def _reminder(row: sqlite3.Row) -> Reminder:
    values = dict(row)
    for column in ("starts_at", "due_at", "decided_at"):
        values[column] = from_text(values[column])
    return Reminder(**values)


class ReminderStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def minutes_before(self, party_id: int) -> tuple[int, ...]:
        text = await self._db.fetch_value(
            "SELECT minutes_before FROM reminder_settings WHERE party_id = ?", (party_id,)
        )
        return minutes_from_text(text)

    async def set_minutes_before(self, party_id: int, minutes: tuple[int, ...]) -> list[Reminder]:
        """Stores when reminders go out and re-plans them; returns the reminders now ahead."""
        now = utc_now()
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO reminder_settings (party_id, minutes_before, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (party_id) DO UPDATE SET minutes_before = excluded.minutes_before, "
                "updated_at = excluded.updated_at",
                (party_id, ",".join(str(m) for m in minutes), to_text(now)),
            )
            await plan_reminders(tx, party_id, now)
            rows = await tx.fetch_all(
                "SELECT * FROM reminders WHERE party_id = ? AND decided_at IS NULL ORDER BY due_at",
                (party_id,),
            )
        return [_reminder(row) for row in rows]

    async def reminders(self, party_id: int) -> list[Reminder]:
        """Every reminder of the party, planned and decided, in the order they were planned."""
        rows = await self._db.fetch_all("SELECT * FROM reminders WHERE party_id = ? ORDER BY id", (party_id,))
        return [_reminder(row) for row in rows]

    async def set_wanted(self, party_id: int, user_id: int, wanted: bool) -> None:
        """Whether the member gets reminder DMs about the party (everyone does unless they opt out)."""
        async with self._db.transaction() as tx:
            if wanted:
                await tx.execute(
                    "DELETE FROM reminder_optouts WHERE party_id = ? AND user_id = ?", (party_id, user_id)
                )
            else:
                await tx.execute(
                    "INSERT OR IGNORE INTO reminder_optouts (party_id, user_id, opted_out_at) "
                    "VALUES (?, ?, ?)",
                    (party_id, user_id, to_text(utc_now())),
                )

    async def wanted(self, party_id: int, user_id: int) -> bool:
        opted_out = await self._db.fetch_value(
            "SELECT 1 FROM reminder_optouts WHERE party_id = ? AND user_id = ?", (party_id, user_id)
        )
        return opted_out is None

    async def next_due(self) -> datetime | None:
        """The earliest undecided reminder's moment, whatever the party."""
        return from_text(
            await self._db.fetch_value("SELECT min(due_at) FROM reminders WHERE decided_at IS NULL")
        )

    async def decide_next(self, now: datetime, compose: ComposeReminder) -> ReminderDecision | None:
        """Decides the earliest reminder due by `now`, if any, and returns what was decided.

        Sent when its party is open and not started and no later reminder of the party is due too
        (after a long stop only the latest of them goes out); skipped otherwise. A sent one queues a DM
        to each member (`compose(decision)`) in the outbox in the deciding transaction, so the messages
        and the decision commit together; a member whose DMs are closed is mentioned instead in the
        announcement channel (else the invitation's).
        """
        now_text = to_text(now)
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                "SELECT * FROM reminders WHERE decided_at IS NULL AND due_at <= ? "
                "ORDER BY due_at, id LIMIT 1",
                (now_text,),
            )
            if row is None:
                return None
            reminder = _reminder(row)
            party = await party_in(tx, reminder.party_id)
            assert party is not None  # reminders go with their party (ON DELETE CASCADE)
            superseded = await tx.fetch_value(
                "SELECT 1 FROM reminders WHERE party_id = ? AND decided_at IS NULL AND id != ? "
                "AND due_at <= ? AND due_at >= ?",
                (reminder.party_id, reminder.id, now_text, to_text(reminder.due_at)),
            )
            meaningful = (
                party.is_open
                and party.starts_at is not None
                and party.starts_at == reminder.starts_at
                and party.starts_at > now
            )
            recipients: tuple[int, ...] = ()
            outcome: Outcome = "sent" if meaningful and not superseded else "skipped"
            if outcome == "sent":
                rows = await tx.fetch_all(
                    "SELECT user_id FROM rsvps WHERE party_id = ? "
                    "AND ((status = 'going' AND waitlist_seq IS NULL) OR status = 'maybe') "
                    "AND user_id NOT IN (SELECT user_id FROM reminder_optouts WHERE party_id = ?) "
                    "ORDER BY created_at, user_id",
                    (party.id, party.id),
                )
                recipients = tuple(r[0] for r in rows)
            await tx.execute(
                "UPDATE reminders SET decided_at = ?, outcome = ?, recipients = ? WHERE id = ?",
                (now_text, outcome, len(recipients), reminder.id),
            )
            decided = Reminder(
                **{**reminder.__dict__, "decided_at": now, "outcome": outcome, "recipients": len(recipients)}
            )
            invitation = await tx.fetch_one(
                "SELECT channel_id, message_id FROM party_messages "
                "WHERE party_id = ? AND kind = 'invitation' AND retired_at IS NULL ORDER BY id DESC LIMIT 1",
                (party.id,),
            )
            event_id = await tx.fetch_value(
                "SELECT event_id FROM scheduled_events WHERE party_id = ?", (party.id,)
            )
            decision = ReminderDecision(
                decided,
                party,
                outcome,
                recipients,
                None if invitation is None else (invitation[0], invitation[1]),
                event_id,
            )
            if outcome == "sent" and recipients:
                message = compose(decision)
                fallback = party.announce_channel_id or (invitation[0] if invitation is not None else None)
                for user_id in recipients:
                    await direct_message(
                        tx,
                        party_id=party.id,
                        user_id=user_id,
                        message=message,
                        kind=REMINDER_KIND,
                        fallback_channel_id=fallback,
                    )
        return decision

    async def decide_dues_reminders(self, compose: ComposeDuesReminder) -> list[DuesReminder]:
        """For every closed party: each winner who still owes and was not told yet gets one DM (or the
        mention), queued in the transaction that records it, so a reopen and a second close, or a crash
        after the close, never tell anyone twice nor forget them."""
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                "SELECT d.party_id, d.user_id, d.amount_cents FROM dues d "
                "JOIN parties p ON p.id = d.party_id "
                "WHERE p.closed_at IS NOT NULL AND d.status = 'owed' AND NOT EXISTS ("
                "SELECT 1 FROM dues_reminders r WHERE r.party_id = d.party_id AND r.user_id = d.user_id) "
                "ORDER BY d.party_id, d.created_at",
            )
            told: list[DuesReminder] = []
            now = to_text(utc_now())
            for row in rows:
                party = await party_in(tx, row["party_id"])
                assert party is not None
                owed = row["amount_cents"] - await received_from(tx, party.id, row["user_id"])
                await tx.execute(
                    "INSERT INTO dues_reminders (party_id, user_id, amount_cents, decided_at) "
                    "VALUES (?, ?, ?, ?)",
                    (party.id, row["user_id"], max(owed, 0), now),
                )
                if owed <= 0:
                    continue
                reminder = DuesReminder(party, row["user_id"], owed)
                await direct_message(
                    tx,
                    party_id=party.id,
                    user_id=reminder.user_id,
                    message=compose(reminder),
                    kind=DUES_REMINDER_KIND,
                    fallback_channel_id=party.announce_channel_id,
                )
                told.append(reminder)
        return told
