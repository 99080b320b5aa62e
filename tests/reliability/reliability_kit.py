"""Helpers shared by the reliability tests: sending interactions without waiting (also while the bot is
away, as Discord keeps dispatching), waiting for their answers, and whole-database snapshots.
"""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from conftest import Lounge

from live.pacer import ChannelPacer
from sandbox import Attachment, DiscordSandbox, InteractionRecord, InteractionReply, Message
from storage import Storage

FAILURE_TEXT = "Something went wrong"


def fire(sb: DiscordSandbox, record: InteractionRecord, payload: dict[str, Any]) -> InteractionRecord:
    """Dispatches an interaction built with `sb.builder` and returns at once, connected or not.

    The same steps as `DiscordSandbox.slash`, minus its wait and its "is the bot connected" check: a
    session that dropped keeps the event for its RESUME, as Discord does.
    """
    sb.world.interactions[record.id] = record
    sb.world.interactions_by_token[record.token] = record
    record.dispatched_at = time.monotonic()
    sb.world.dispatch("INTERACTION_CREATE", payload)
    sb.world.changed()
    return record


def refused_ids(sb: DiscordSandbox) -> set[int]:
    return {ack.interaction_id for ack in sb.acks if not ack.accepted}


def settled(sb: DiscordSandbox, records: list[InteractionRecord], deadline: float) -> bool:
    """True once every record is answered or refused, or is past the time anyone would answer it."""
    refused = refused_ids(sb)
    late = time.monotonic() > deadline
    return all(r.callback_type is not None or r.id in refused or late for r in records)


def reply_text(sb: DiscordSandbox, record: InteractionRecord) -> str:
    message = sb.world.messages.get(record.original_message_id or 0)
    return "" if message is None else message.content


def confirmed(sb: DiscordSandbox, record: InteractionRecord, prefix: str) -> bool:
    """The member saw the bot's answer starting with `prefix` (an accepted callback)."""
    return record.callback_type is not None and reply_text(sb, record).startswith(prefix)


def read_rows(database: Path, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """A read from another connection, as any reader of the file would see it (WAL: committed rows only)."""
    with sqlite3.connect(database, timeout=10) as connection:
        return connection.execute(sql, params).fetchall()


async def snapshot(store: Storage) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, through the bot's own connection (so never mid-transaction)."""
    tables = await store.database.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    shot = {}
    for (table,) in tables:
        rows = await store.database.fetch_all(f"SELECT * FROM {table}")
        shot[table] = sorted(tuple(row) for row in rows)
    return shot


def assert_clean_answer(reply: InteractionReply) -> None:
    """Answered in time, by the bot's own words: never "interaction failed" nor an unexpected error."""
    assert reply.error is None, reply.error
    assert reply.acknowledged
    assert FAILURE_TEXT not in reply.text, reply.text
    message = reply.message_record
    if message is not None:
        assert not message.pinged.any, message.content


def assert_private_refusal(reply: InteractionReply) -> None:
    assert_clean_answer(reply)
    assert reply.ephemeral, reply.text
    assert reply.content.strip(), "a refusal says why"


@dataclass
class Stage:
    """A party in full swing: a two-category ballot with linked nominees, an invitation and a counter."""

    party_id: int
    drama: str
    comedy: str
    amy_in_drama: str
    invitation: Message


BALLOT = (
    "category,nominee,member_id\n"
    "Drama,{amy},{amy_id}\nDrama,Zed,\nComedy,{bob},{bob_id}\nComedy,Yan,\n"
)


def lift_pacing(lounge: Lounge) -> None:
    """Pacing is tested on its own; these tests post more than 5 messages in 5 s on purpose."""
    assert lounge.runner.bot is not None
    lounge.sb.rate_limits_enabled = False
    lounge.runner.bot.pacer = ChannelPacer(limit=1000, window=1.0)
    lounge.runner.bot.counters.refresher.interval = 0.05


def ballot_file(lounge: Lounge) -> Attachment:
    amy, bob = lounge.guests[0], lounge.guests[1]
    text = BALLOT.format(amy=amy.user.username, amy_id=amy.id, bob=bob.user.username, bob_id=bob.id)
    return Attachment("ballot.csv", text.encode())


async def set_the_stage(lounge: Lounge) -> Stage:
    sb, host, channel = lounge.sb, lounge.host, lounge.channel
    lift_pacing(lounge)
    steps: list[tuple[str, dict[str, Any]]] = [
        ("party create", {"name": "Losers Lounge", "announce_channel": lounge.announcements}),
        ("category import", {"file": ballot_file(lounge)}),
        ("party invite", {}),
        ("party counter", {}),
    ]
    for command, options in steps:
        r = await sb.slash(host, channel, command, options=options)
        assert r.error is None and FAILURE_TEXT not in r.text, (command, r.error, r.text)
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None
    drama = await lounge.store.ballot.find_category(party.id, "Drama")
    comedy = await lounge.store.ballot.find_category(party.id, "Comedy")
    assert drama is not None and comedy is not None
    amy = await lounge.store.ballot.find_nominee(drama.id, lounge.guests[0].user.username)
    assert amy is not None
    invitation = next(m for m in sb.messages(channel, ephemeral=False) if m.components)
    return Stage(party.id, str(drama.id), str(comedy.id), str(amy.id), invitation)


def public_messages(lounge: Lounge) -> list[tuple[int, int]]:
    """(id, number of edits) of every message anyone can see, deleted ones included."""
    sb = lounge.sb
    return [
        (m.id, len(m.edits))
        for channel in (lounge.channel, lounge.announcements)
        for m in sb.messages(channel, ephemeral=False)
        if not m.deleted
    ]
