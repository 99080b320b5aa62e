"""The outbox: posts and DMs the bot decided on, stored with the decision and delivered afterwards.

A store that decides something the room must be told (a result, a correction, a milestone, the wrap-up,
a waitlist promotion) calls `post_in_channel` or `direct_message` inside its own transaction, so the
decision and the message commit together: a crash after the COMMIT loses no post, a rollback leaves none.
The delivery service (`live.outbox`) reads `OutboxStore.pending()`, sends each row with a nonce derived
from the row, and records the Discord message id; a repeat after a crash returns the same message.

A row refused for a missing permission stays pending and opens a `DeliveryProblem` for its channel, whose
notice to the party's hosts is queued in the same transaction: told once, however many rows are blocked.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from storage.changes import Topic
from storage.clock import from_text, to_text, utc_now
from storage.database import Database, Transaction, Work

# Discord's answers that a permission is missing in the channel as it is now.
MISSING_ACCESS = 50001
MISSING_PERMISSIONS = 50013
PERMISSION_CODES = frozenset({MISSING_ACCESS, MISSING_PERMISSIONS})
# Kind of the rows that tell hosts about a delivery problem.
PROBLEM_NOTICE = "problem notice"
NO_PARTY = 0


@dataclass(frozen=True)
class OutgoingFile:
    name: str
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class OutgoingMessage:
    """What to post. `embeds` are `discord.Embed.to_dict()` payloads made by ui/ code;
    `mention_user_ids` are the only members it may ping (empty: nobody)."""

    content: str | None = None
    embeds: tuple[dict, ...] = ()
    mention_user_ids: tuple[int, ...] = ()
    files: tuple[OutgoingFile, ...] = ()
    # Buttons as component payloads ({"type": 2, "custom_id", "label", "style"}), answered by a
    # DynamicItem matched on the custom_id (a reminder's "Stop reminders"); one row of at most five.
    buttons: tuple[dict, ...] = ()


@dataclass(frozen=True)
class OutboxItem:
    """A pending row as the delivery needs it. For an edit, `target_*` say which message to change."""

    id: int
    party_id: int | None
    kind: str
    channel_id: int | None
    user_id: int | None
    fallback_channel_id: int | None
    edit_of: int | None
    message: OutgoingMessage
    created_at: datetime
    blocked_code: int | None
    attempts: int
    target_channel_id: int | None = None
    target_message_id: int | None = None
    target_dropped: bool = False

    @property
    def nonce(self) -> str:
        """At most 25 characters; the creation second keeps a re-created database from reusing one."""
        return f"o{self.id}t{int(self.created_at.timestamp()) % 10**9}"


@dataclass(frozen=True)
class DeliveryProblem:
    id: int
    party_id: int
    party_name: str
    channel_id: int
    code: int
    missing: str
    opened_at: datetime


ComposeNotice = Callable[[DeliveryProblem], OutgoingMessage]


_INSERT = (
    "INSERT INTO outbox (party_id, kind, channel_id, user_id, fallback_channel_id, edit_of, content, "
    "embeds, mention_user_ids, created_at, buttons) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_FILE = "INSERT INTO outbox_files (outbox_id, position, name, data) VALUES (?, ?, ?, ?)"


@dataclass(frozen=True)
class _Row:
    """One outbox row to insert: where it goes and what it says."""

    party_id: int | None
    kind: str
    message: OutgoingMessage
    channel_id: int | None = None
    user_id: int | None = None
    fallback_channel_id: int | None = None
    edit_of: int | None = None

    def params(self) -> tuple[object, ...]:
        message = self.message
        if message.content is None and not message.embeds and not message.files:
            raise ValueError("an outgoing message needs content, an embed or a file")
        return (
            self.party_id, self.kind, self.channel_id, self.user_id, self.fallback_channel_id, self.edit_of,
            message.content, json.dumps(list(message.embeds)), json.dumps(list(message.mention_user_ids)),
            to_text(utc_now()), json.dumps(list(message.buttons)),
        )

    def files(self, row_id: int) -> list[tuple[int, int, str, bytes]]:
        return [(row_id, n, f.name, f.data) for n, f in enumerate(self.message.files)]


async def _insert(tx: Transaction, row: _Row) -> int:
    row_id = await tx.execute(_INSERT, row.params())
    if row.message.files:
        await tx.executemany(_INSERT_FILE, row.files(row_id))
    tx.touch(row.party_id or NO_PARTY, Topic.OUTBOX)
    return row_id


def _insert_in(work: Work, row: _Row) -> int:
    """`_insert` for a function run by `Database.run`, on the database thread."""
    row_id = work.execute(_INSERT, row.params())
    for file in row.files(row_id):
        work.execute(_INSERT_FILE, file)
    work.touch(row.party_id or NO_PARTY, Topic.OUTBOX)
    return row_id


async def post_in_channel(
    tx: Transaction, *, party_id: int | None, channel_id: int, message: OutgoingMessage, kind: str
) -> int:
    """Queues a post in `channel_id`, inside the caller's transaction; returns the outbox row id."""
    return await _insert(tx, _Row(party_id, kind, message, channel_id=channel_id))


async def direct_message(
    tx: Transaction,
    *,
    party_id: int | None,
    user_id: int,
    message: OutgoingMessage,
    kind: str,
    fallback_channel_id: int | None,
) -> int:
    """Queues a DM; a member whose DMs are closed is mentioned in `fallback_channel_id` instead."""
    return await _insert(
        tx, _Row(party_id, kind, message, user_id=user_id, fallback_channel_id=fallback_channel_id)
    )


def direct_message_in(
    work: Work,
    *,
    party_id: int | None,
    user_id: int,
    message: OutgoingMessage,
    kind: str,
    fallback_channel_id: int | None,
) -> int:
    """`direct_message` for a function run by `Database.run`, on the database thread."""
    return _insert_in(
        work, _Row(party_id, kind, message, user_id=user_id, fallback_channel_id=fallback_channel_id)
    )


async def edit_delivered(
    tx: Transaction, *, party_id: int | None, target_id: int, message: OutgoingMessage, kind: str
) -> int:
    """Queues an edit of the message outbox row `target_id` posts (sent once that one is out)."""
    return await _insert(tx, _Row(party_id, kind, message, edit_of=target_id))


async def withdraw_if_pending(tx: Transaction, row_id: int, reason: str) -> bool:
    """Drops a row that has not gone out yet; returns False when it was already delivered."""
    changed = await tx.execute(
        "UPDATE outbox SET dropped_at = ?, drop_reason = ? "
        "WHERE id = ? AND delivered_at IS NULL AND dropped_at IS NULL",
        (to_text(utc_now()), reason, row_id),
    )
    return changed == 1


async def queued_message(tx: Transaction, row_id: int) -> OutgoingMessage | None:
    """The message a row carries (without files), e.g. to mark an announcement withdrawn."""
    row = await tx.fetch_one(
        "SELECT content, embeds, mention_user_ids, buttons FROM outbox WHERE id = ?", (row_id,)
    )
    return None if row is None else _message(row, ())


def _message(row: sqlite3.Row, files: Sequence[OutgoingFile]) -> OutgoingMessage:
    return OutgoingMessage(
        content=row["content"],
        embeds=tuple(json.loads(row["embeds"])),
        mention_user_ids=tuple(json.loads(row["mention_user_ids"])),
        files=tuple(files),
        buttons=tuple(json.loads(row["buttons"])),
    )


def _problem(row: sqlite3.Row) -> DeliveryProblem:
    return DeliveryProblem(
        row["id"], row["party_id"], row["party_name"], row["channel_id"], row["code"], row["missing"],
        from_text(row["opened_at"]),  # type: ignore[arg-type]
    )


_PROBLEM_SELECT = (
    "SELECT d.*, p.name AS party_name FROM delivery_problems d JOIN parties p ON p.id = d.party_id "
)


class OutboxStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def pending(self, *, blocked: bool = False, limit: int = 200) -> list[OutboxItem]:
        """Rows still to deliver, oldest first: the unblocked ones, or (`blocked=True`) the oldest
        blocked row of each channel, which a retry tries first."""
        where = "o.blocked_code IS NULL" if not blocked else (
            "o.id IN (SELECT min(b.id) FROM outbox b LEFT JOIN outbox bt ON bt.id = b.edit_of "
            "WHERE b.blocked_code IS NOT NULL AND b.delivered_at IS NULL AND b.dropped_at IS NULL "
            "GROUP BY coalesce(b.channel_id, bt.delivered_channel_id, -b.user_id))"
        )
        async with self._db.transaction() as tx:
            rows = await tx.fetch_all(
                "SELECT o.*, t.delivered_channel_id AS target_channel_id, t.message_id AS target_message_id, "
                "t.dropped_at AS target_dropped_at FROM outbox o LEFT JOIN outbox t ON t.id = o.edit_of "
                f"WHERE o.delivered_at IS NULL AND o.dropped_at IS NULL AND {where} ORDER BY o.id LIMIT ?",
                (limit,),
            )
            files: dict[int, list[OutgoingFile]] = {}
            with_files = [row["id"] for row in rows]
            if with_files:
                marks = ",".join("?" * len(with_files))
                for file in await tx.fetch_all(
                    f"SELECT outbox_id, name, data FROM outbox_files WHERE outbox_id IN ({marks}) "
                    "ORDER BY outbox_id, position",
                    with_files,
                ):
                    files.setdefault(file["outbox_id"], []).append(OutgoingFile(file["name"], file["data"]))
        return [
            OutboxItem(
                id=row["id"], party_id=row["party_id"], kind=row["kind"], channel_id=row["channel_id"],
                user_id=row["user_id"], fallback_channel_id=row["fallback_channel_id"],
                edit_of=row["edit_of"], message=_message(row, files.get(row["id"], ())),
                created_at=from_text(row["created_at"]),  # type: ignore[arg-type]
                blocked_code=row["blocked_code"], attempts=row["attempts"],
                target_channel_id=row["target_channel_id"], target_message_id=row["target_message_id"],
                target_dropped=row["target_dropped_at"] is not None,
            )
            for row in rows
        ]

    async def mark_delivered(self, row_ids: Sequence[int], channel_id: int, message_id: int) -> bool:
        """Records where the rows went; resolves their channel's open problem. True if one was resolved."""
        now = to_text(utc_now())
        async with self._db.transaction() as tx:
            marks = ",".join("?" * len(row_ids))
            await tx.execute(
                "UPDATE outbox SET delivered_at = ?, delivered_channel_id = ?, message_id = ?, "
                "blocked_code = NULL, attempts = attempts + 1 "
                f"WHERE id IN ({marks}) AND delivered_at IS NULL",
                (now, channel_id, message_id, *row_ids),
            )
            parties = await tx.fetch_all(
                f"SELECT DISTINCT party_id FROM outbox WHERE id IN ({marks}) AND party_id IS NOT NULL",
                tuple(row_ids),
            )
            resolved = False
            for party in parties:
                resolved |= await self._resolve(tx, party[0], channel_id, now)
            # Other rows held back in this channel can go now too.
            await tx.execute(
                "UPDATE outbox SET blocked_code = NULL "
                "WHERE blocked_code IS NOT NULL AND delivered_at IS NULL AND (channel_id = ? OR id IN "
                "(SELECT o.id FROM outbox o JOIN outbox t ON t.id = o.edit_of "
                "WHERE t.delivered_channel_id = ?))",
                (channel_id, channel_id),
            )
        return resolved

    async def mark_dropped(self, row_id: int, reason: str) -> None:
        await self._db.execute(
            "UPDATE outbox SET dropped_at = ?, drop_reason = ?, attempts = attempts + 1 "
            "WHERE id = ? AND delivered_at IS NULL",
            (to_text(utc_now()), reason[:500], row_id),
        )

    async def mark_attempt_failed(self, row_id: int) -> int:
        """Counts a failed try (a server error, a lost connection); returns the tries so far."""
        async with self._db.transaction() as tx:
            await tx.execute("UPDATE outbox SET attempts = attempts + 1 WHERE id = ?", (row_id,))
            return int(await tx.fetch_value("SELECT attempts FROM outbox WHERE id = ?", (row_id,)))

    async def mark_blocked(
        self, item: OutboxItem, channel_id: int, code: int, missing: str, compose: ComposeNotice
    ) -> DeliveryProblem | None:
        """Holds the row until the permission is back; returns the problem if this opened it (and queued
        the hosts' notice in the same transaction), None when it was already open."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE outbox SET blocked_code = ?, attempts = attempts + 1 WHERE id = ?", (code, item.id)
            )
            if item.party_id is None:
                return None
            return await self._open(tx, item.party_id, channel_id, code, missing, compose)

    async def report_problem(
        self, party_id: int, channel_id: int, code: int, missing: str, compose: ComposeNotice
    ) -> DeliveryProblem | None:
        """A kept message (the live counter) cannot be written: opens the channel's problem once."""
        async with self._db.transaction() as tx:
            return await self._open(tx, party_id, channel_id, code, missing, compose)

    async def resolve_problem(self, party_id: int, channel_id: int) -> bool:
        """A write went through in the channel; True when this closed an open problem."""
        async with self._db.transaction() as tx:
            return await self._resolve(tx, party_id, channel_id, to_text(utc_now()))

    async def open_problems(self, party_id: int) -> list[DeliveryProblem]:
        rows = await self._db.fetch_all(
            _PROBLEM_SELECT + "WHERE d.party_id = ? AND d.resolved_at IS NULL ORDER BY d.id", (party_id,)
        )
        return [_problem(row) for row in rows]

    async def has_blocked(self) -> bool:
        return bool(
            await self._db.fetch_value(
                "SELECT EXISTS (SELECT 1 FROM outbox WHERE blocked_code IS NOT NULL "
                "AND delivered_at IS NULL AND dropped_at IS NULL)"
            )
        )

    async def status(self, row_id: int) -> str:
        """"delivered", "dropped", "blocked" (waiting for a permission) or "pending"."""
        row = await self._db.fetch_one(
            "SELECT delivered_at, dropped_at, blocked_code FROM outbox WHERE id = ?", (row_id,)
        )
        if row is None or row["dropped_at"] is not None:
            return "dropped"
        if row["delivered_at"] is not None:
            return "delivered"
        return "pending" if row["blocked_code"] is None else "blocked"

    async def delivered(self, row_id: int) -> tuple[int, int] | None:
        """(channel id, message id) of a delivered row; None while it is pending or if it was dropped."""
        row = await self._db.fetch_one(
            "SELECT delivered_channel_id, message_id FROM outbox WHERE id = ? AND delivered_at IS NOT NULL",
            (row_id,),
        )
        return None if row is None else (row[0], row[1])

    async def rows(self, party_id: int | None = None) -> list[sqlite3.Row]:
        """Every row of a party (or all), for reports and tests."""
        if party_id is None:
            return await self._db.fetch_all("SELECT * FROM outbox ORDER BY id")
        return await self._db.fetch_all("SELECT * FROM outbox WHERE party_id = ? ORDER BY id", (party_id,))

    async def _open(
        self, tx: Transaction, party_id: int, channel_id: int, code: int, missing: str, compose: ComposeNotice
    ) -> DeliveryProblem | None:
        problem_id = await tx.fetch_value(
            "INSERT INTO delivery_problems (party_id, channel_id, code, missing, opened_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (party_id, channel_id) WHERE resolved_at IS NULL DO NOTHING "
            "RETURNING id",
            (party_id, channel_id, code, missing, to_text(utc_now())),
        )
        if problem_id is None:
            return None
        row = await tx.fetch_one(_PROBLEM_SELECT + "WHERE d.id = ?", (problem_id,))
        assert row is not None
        problem = _problem(row)
        notice = compose(problem)
        for host in await tx.fetch_all("SELECT user_id FROM party_hosts WHERE party_id = ?", (party_id,)):
            # No fallback: the channel the hosts would be mentioned in may be the one the bot can't use.
            await direct_message(
                tx, party_id=party_id, user_id=host[0], message=notice, kind=PROBLEM_NOTICE,
                fallback_channel_id=None,
            )
        return problem

    async def _resolve(self, tx: Transaction, party_id: int, channel_id: int, now: str | None) -> bool:
        changed = await tx.execute(
            "UPDATE delivery_problems SET resolved_at = ? "
            "WHERE party_id = ? AND channel_id = ? AND resolved_at IS NULL",
            (now, party_id, channel_id),
        )
        if changed:
            tx.touch(party_id, Topic.PARTY)
        return bool(changed)
