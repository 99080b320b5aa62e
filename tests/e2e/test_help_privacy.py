"""/help lists every registered command; /privacy show and forget touch the caller's data and nothing else."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import pytest
from conftest import Lounge, eventually
from stall_kit import hold_write_lock

from storage.privacy import FORMER_GUEST


def slash_names(commands: list[dict[str, Any]]) -> set[str]:
    """Every command a member can type, from what the bot synced to the sandbox: `party create`, `rsvp`."""
    names = set()

    def walk(prefix: str, options: list[dict[str, Any]]) -> None:
        for option in options:
            if option["type"] == 1:
                names.add(f"{prefix} {option['name']}")
            elif option["type"] == 2:
                walk(f"{prefix} {option['name']}", option.get("options") or [])

    for command in commands:
        if command.get("type", 1) != 1:
            continue
        subs = [o for o in command.get("options") or [] if o["type"] in (1, 2)]
        if subs:
            walk(command["name"], subs)
        else:
            names.add(command["name"])
    return names


async def test_help_is_private_and_lists_every_registered_command(lounge: Lounge) -> None:
    r = await lounge.sb.slash(lounge.guests[0], lounge.channel, "help")
    assert r.error is None and r.ephemeral
    [embed] = r.embeds
    assert "awards-night watch party" in embed["description"]
    sections: dict[str, str] = {}
    for field in embed["fields"]:
        section = field["name"].removesuffix(" (more)")
        sections[section] = sections.get(section, "") + "\n" + field["value"]
    assert set(sections) == {"Everyone", "Hosts"}

    registered = slash_names(lounge.sb.commands())
    assert {"party create", "rsvp", "pledge", "help", "privacy forget"} <= registered
    lines = [line for text in sections.values() for line in text.split("\n") if line]
    listed = {line.split("`")[1].removeprefix("/") for line in lines}
    assert len(lines) == len(listed)  # each command once
    assert listed == registered
    assert "`/pledge`" in sections["Everyone"] and "`/privacy show`" in sections["Everyone"]
    assert "`/party close`" in sections["Hosts"] and "`/result announce`" in sections["Hosts"]
    assert "`/party create` Open the party for this server (Manage Server)." in sections["Hosts"]
    assert "(hosts" not in sections["Hosts"]


async def dump(lounge: Lounge) -> dict[str, set[tuple[Any, ...]]]:
    """Every row of every table, to see exactly what a command changed."""
    db = lounge.store.database
    tables = [row[0] for row in await db.fetch_all(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    )]
    return {table: {tuple(row) for row in await db.fetch_all(f"SELECT * FROM {table}")} for table in tables}


async def test_privacy_forget_erases_the_callers_words_keeps_the_money_and_touches_nothing_else(
    lounge: Lounge, caplog: pytest.LogCaptureFixture
) -> None:
    sb = lounge.sb
    amy, bob, carol = lounge.guests[:3]
    r = await sb.slash(lounge.host, lounge.channel, "party create", name="Private night", capacity=2)
    assert r.error is None
    secret = "ring 555-0199, gate code 4321"
    for member, note in ((amy, secret), (bob, "bob's note")):
        r = await sb.slash(member, lounge.channel, "rsvp", status="going", plus_ones=0, note=note)
        assert r.error is None
    r = await sb.slash(carol, lounge.channel, "rsvp", status="going", note="carol waits")
    assert "waitlist" in r.content.lower()
    for member, amount, note in ((amy, "50", "in memory of grandpa"), (bob, "20", "go team")):
        r = await sb.slash(member, lounge.channel, "pledge", amount=amount, note=note)
        assert r.error is None and "recorded" in r.content
    r = await sb.slash(
        lounge.host, lounge.channel, "payment record", member=amy, amount="50", note="cash at bar"
    )
    assert r.error is None

    shown = await sb.slash(amy, lounge.channel, "privacy show")
    assert shown.ephemeral
    text = str(shown.embeds[0])
    for kept in ("Private night", secret, "in memory of grandpa", "$50", "cash at bar", "going"):
        assert kept in text
    assert "bob's note" not in text and "go team" not in text

    before = await dump(lounge)
    with caplog.at_level(logging.INFO):
        r = await sb.slash(amy, lounge.channel, "privacy forget")
    assert r.ephemeral
    assert r.content == (
        "Done. I erased 1 RSVP and your notes. Your 1 pledge and 1 payment keep their amounts for the "
        "charity's books, under the name “former guest”."
    )

    # The bot moves the waitlist up after its answer, in a transaction of its own: wait for it.
    async def promoted() -> bool:
        return bool(await lounge.store.database.fetch_value(
            "SELECT count(*) FROM outbox WHERE kind = 'promotion'"
        ))

    await eventually(promoted, "carol's promotion")
    after = await dump(lounge)

    removed = {t: before[t] - after[t] for t in before if before[t] - after[t]}
    added = {t: after[t] - before[t] for t in after if after[t] - before[t]}
    db = lounge.store.database
    # Amy's RSVP is gone; her pledge and payment keep their amounts, lose her name and notes.
    assert await db.fetch_value("SELECT count(*) FROM rsvps WHERE user_id = ?", (amy.id,)) == 0
    pledge = await db.fetch_one("SELECT * FROM pledges WHERE user_id = ?", (amy.id,))
    assert (pledge["amount_cents"], pledge["display_name"], pledge["note"]) == (5000, FORMER_GUEST, None)
    payment = await db.fetch_one("SELECT * FROM payments WHERE user_id = ?", (amy.id,))
    assert (payment["amount_cents"], payment["note"]) == (5000, None)
    # Her freed place went to Carol, first on the waitlist: that is the only other row that changed.
    carol_rsvp = await lounge.store.rsvps.get(pledge["party_id"], carol.id)
    assert carol_rsvp is not None and carol_rsvp.confirmed
    # member_money is the aggregates' copy of her newest pledge's name (migration 0005): renamed too.
    assert set(removed) | set(added) <= {
        "rsvps", "pledges", "payments", "processed_interactions", "outbox", "member_money"
    }
    assert await db.fetch_value("SELECT display_name FROM member_money WHERE user_id = ?", (amy.id,)) == (
        FORMER_GUEST
    )
    # ...and she is told, through the outbox, like any member moved off the waitlist.
    told = await db.fetch_all("SELECT kind, user_id, content FROM outbox WHERE kind = 'promotion'")
    assert [(row["user_id"], "Private night" in row["content"]) for row in told] == [(carol.id, True)]
    assert {row[1] for row in removed["rsvps"]} == {amy.id, carol.id}
    assert {row[1] for row in added["rsvps"]} == {carol.id}
    assert {row[2] for row in removed["pledges"] | added["pledges"]} == {amy.id}
    assert {row[2] for row in removed["payments"] | added["payments"]} == {amy.id}
    assert not removed.get("processed_interactions")

    # The log says it happened, never what was erased.
    assert f"forgot member {amy.id}" in caplog.text
    for erased in (secret, "in memory of grandpa", "cash at bar"):
        assert erased not in caplog.text

    shown = await sb.slash(amy, lounge.channel, "privacy show")
    text = str(shown.embeds[0])
    assert secret not in text and "grandpa" not in text and FORMER_GUEST in text
    again = await sb.slash(amy, lounge.channel, "privacy forget")
    assert "Your 1 pledge and 1 payment" in again.content  # the money records stay, already renamed

    stranger = await sb.slash(lounge.guests[3], lounge.channel, "privacy forget")
    assert stranger.content == "There was nothing to forget: no RSVP, pledge or payment has your id."


async def test_privacy_show_lists_predictions_and_reminder_opt_outs_and_forget_survives_a_stall(
    lounge: Lounge,
) -> None:
    sb = lounge.sb
    amy, bob = lounge.guests[:2]
    r = await sb.slash(lounge.host, lounge.channel, "party create", name="Stalled night")
    assert r.error is None
    r = await sb.slash(
        lounge.host, lounge.channel, "category add", name="Drama", nominees="Mad Men, Homeland"
    )
    assert r.error is None
    r = await sb.slash(amy, lounge.channel, "rsvp", status="going", note="see you there", reminders=False)
    assert r.error is None
    ballot = await sb.slash(amy, lounge.channel, "predict")
    assert ballot.message_record is not None, ballot.text
    [menu] = [c for row in ballot.message_record.components for c in row["components"] if c["type"] == 3]
    [homeland] = [o["value"] for o in menu["options"] if o["label"] == "Homeland"]
    r = await sb.select(amy, ballot.message_record, menu["custom_id"], [homeland])
    assert r.error is None, r.text

    shown = await sb.slash(amy, lounge.channel, "privacy show")
    fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    assert fields["Predictions (1)"] == "Stalled night: Homeland for Drama, as “amy”", fields
    assert fields["Reminder DMs turned off (1)"] == "Stalled night"
    other = await sb.slash(bob, lounge.channel, "privacy show")
    assert "Homeland" not in str(other.embeds[0]) and "Stalled night" not in str(other.embeds[0])

    holding = threading.Event()
    holder = asyncio.create_task(
        asyncio.to_thread(hold_write_lock, str(lounge.runner.database_path), 4.0, holding)
    )
    await sb.wait_until(holding.is_set, 5, "the other connection to hold the write lock")
    r = await sb.slash(amy, lounge.channel, "privacy forget", timeout=20)
    await holder
    # Deferred privately while it waited, then answered: not left on "thinking…".
    assert r.error is None and r.ephemeral, r.error
    assert r.content == "Done. I erased 1 RSVP and your notes.", r.content
    assert await lounge.store.database.fetch_value(
        "SELECT count(*) FROM rsvps WHERE user_id = ?", (amy.id,)
    ) == 0
    # Forgotten: no opt-out left, the pick kept for the leaderboard under “former guest”.
    shown = await sb.slash(amy, lounge.channel, "privacy show")
    fields = {f["name"]: f["value"] for f in shown.embeds[0]["fields"]}
    assert fields == {"Predictions (1)": "Stalled night: Homeland for Drama, as “former guest”"}, fields
