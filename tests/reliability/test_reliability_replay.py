"""The same interaction delivered twice is applied once: every command and button that changes something,
redelivered after its answer, and delivered twice at once before either is answered.
"""

from __future__ import annotations

import time
from typing import Any

import discord
from conftest import Lounge
from reliability_kit import (
    FAILURE_TEXT,
    Stage,
    assert_clean_answer,
    ballot_file,
    fire,
    public_messages,
    set_the_stage,
    settled,
    snapshot,
)

from sandbox import InteractionRecord, InteractionReply


async def assert_applied_once(lounge: Lounge, reply: InteractionReply) -> None:
    """Redelivers `reply`'s interaction and checks nothing more happened: not in storage, not in chat."""
    assert_clean_answer(reply)
    await settle_background(lounge)
    before = await snapshot(lounge.store)
    shown = public_messages(lounge)
    age = (discord.utils.utcnow() - discord.utils.snowflake_time(reply.interaction_id)).total_seconds()
    again = await lounge.sb.redeliver(reply, timeout=1.0 if age > 2.5 else 5.0)
    # Redelivered past Discord's 3 s (a slow machine), the bot rightly ignores it: no answer could land.
    assert again.error is None or age > 2.5, again.error
    await settle_background(lounge)
    assert await snapshot(lounge.store) == before
    # The second answer was Discord's to refuse (already acknowledged): the member saw one answer.
    acks = [a for a in lounge.sb.acks if a.interaction_id == reply.interaction_id]
    assert [a.accepted for a in acks].count(True) == 1
    assert [m for m in public_messages(lounge) if m[0] not in dict(shown)] == []


async def settle_background(lounge: Lounge) -> None:
    """Lets the background writers finish: the counter's refresh (milestones, reposts) and the outbox
    (recording what it delivered)."""
    bot = lounge.runner.bot
    assert bot is not None
    await bot.counters.refresher.settle()
    await bot.outbox.settle()


async def test_every_state_changing_command_redelivered_is_applied_once(lounge: Lounge) -> None:
    sb, host, channel = lounge.sb, lounge.host, lounge.channel
    amy, bob, carol = lounge.guests[:3]
    stage: Stage = await set_the_stage(lounge)
    for command in ("party invite", "party counter"):
        await assert_applied_once(lounge, await sb.slash(host, channel, command))
    actions: list[tuple[Any, str, dict[str, Any]]] = [
        (amy, "rsvp", {"status": "going", "plus_ones": 2, "note": "bringing cake"}),
        (amy, "pledge", {"amount": "$1,000", "note": "for the orphans"}),
        (host, "payment record", {"member": amy, "amount": "20", "note": "cash"}),
        (host, "category add", {"name": "Variety", "nominees": "Cat, Dog"}),
        (host, "category import", {"file": ballot_file(lounge)}),
        (host, "result announce", {"category": stage.drama, "winner": stage.amy_in_drama}),
        (host, "payment waive", {"member": amy}),
        (host, "door", {"member": bob}),
        (host, "result undo", {"category": stage.drama, "reason": "wrong envelope"}),
        (host, "party edit", {"venue": "Soho House", "capacity": 40}),
    ]
    for who, command, options in actions:
        await assert_applied_once(lounge, await sb.slash(who, channel, command, options=options))

    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None
    variety = await lounge.store.ballot.find_category(party.id, "Variety")
    assert variety is not None
    cat = await lounge.store.ballot.find_nominee(variety.id, "Cat")
    assert cat is not None
    r = await sb.slash(host, channel, "nominee add", category=str(variety.id), name="Eve", member=carol)
    await assert_applied_once(lounge, r)
    r = await sb.slash(host, channel, "nominee remove", category=str(variety.id), nominee=str(cat.id))
    await assert_applied_once(lounge, r)
    dog = await lounge.store.ballot.find_nominee(variety.id, "Dog")
    assert dog is not None
    r = await sb.slash(
        host, channel, "nominee link", category=str(variety.id), nominee=str(dog.id), member=bob
    )
    await assert_applied_once(lounge, r)
    r = await sb.slash(host, channel, "category remove", category=str(variety.id))
    await assert_applied_once(lounge, r)

    # The ledger's corrections and the hosts.
    db = lounge.store.database
    payment = await db.fetch_value("SELECT id FROM payments")
    r = await sb.slash(host, channel, "void payment", payment=str(payment), reason="typo")
    await assert_applied_once(lounge, r)
    pledge = await db.fetch_value("SELECT id FROM pledges WHERE user_id = ?", (amy.id,))
    r = await sb.slash(host, channel, "void pledge", pledge=str(pledge), reason="x")
    await assert_applied_once(lounge, r)
    await assert_applied_once(lounge, await sb.slash(host, channel, "party hosts add", member=carol))
    await assert_applied_once(lounge, await sb.slash(host, channel, "party hosts remove", member=carol))

    # The buttons: an RSVP click, and cancelling one's own pledge from /pledges.
    await assert_applied_once(lounge, await sb.click(bob, stage.invitation, f"rsvp:{stage.party_id}:maybe"))
    await sb.slash(bob, channel, "pledge", amount="15")
    r = await sb.slash(bob, channel, "pledges")
    own = await sb.wait_until(
        lambda: next((m for m in r.followup_records if m.components), None), 5, "bob's own pledges"
    )
    cancel = own.components[0]["components"][0]["custom_id"]
    await assert_applied_once(lounge, await sb.click(bob, own, cancel))

    # Closing last; a redelivered close is refused as the party is no longer open.
    await assert_applied_once(lounge, await sb.slash(host, channel, "party close"))
    await assert_applied_once(lounge, await sb.slash(host, channel, "party reopen"))
    await assert_applied_once(lounge, await sb.slash(host, channel, "party close"))
    await assert_applied_once(lounge, await sb.slash(host, channel, "party create", name="The after-party"))

    # Each stored once, as told.
    pledges = await lounge.store.database.fetch_all("SELECT user_id, amount_cents, cancelled_at FROM pledges")
    assert sorted((row[0], row[1], row[2] is None) for row in pledges) == [
        (amy.id, 100_000, True), (bob.id, 1500, False),
    ]
    assert await lounge.store.database.fetch_value("SELECT count(*) FROM payments") == 1
    assert await lounge.store.database.fetch_value("SELECT count(*) FROM results") == 1
    assert await lounge.store.database.fetch_value("SELECT count(*) FROM parties") == 2


async def test_two_deliveries_at_once_are_applied_once(lounge: Lounge) -> None:
    """Both copies arrive before either is answered: they race inside the bot, and one change wins."""
    sb, host, channel = lounge.sb, lounge.host, lounge.channel
    amy = lounge.guests[0]
    stage = await set_the_stage(lounge)
    twice: list[tuple[Any, str, dict[str, Any]]] = [
        (amy, "pledge", {"amount": "25"}),
        (amy, "rsvp", {"status": "maybe"}),
        (host, "payment record", {"member": amy, "amount": "30"}),
        (host, "category add", {"name": "Variety"}),
        (host, "result announce", {"category": stage.drama, "winner": stage.amy_in_drama}),
    ]
    sent: list[InteractionRecord] = []
    for who, command, options in twice:
        record, payload = sb.builder.slash(who, channel, command, options)
        sent += [fire(sb, record, payload), fire(sb, record, payload)]
    deadline = time.monotonic() + 5
    await sb.wait_until(lambda: settled(sb, sent, deadline), 10, "both copies to be answered")
    await settle_background(lounge)
    for record in sent:
        accepted = [a for a in sb.acks if a.interaction_id == record.id and a.accepted]
        assert len(accepted) == 1, (record.payload["data"]["name"], accepted)
        message = sb.world.messages.get(record.original_message_id or 0)
        assert message is not None and FAILURE_TEXT not in message.content

    db = lounge.store.database
    assert await db.fetch_value("SELECT count(*) FROM pledges") == 1
    assert await db.fetch_value("SELECT count(*) FROM payments") == 1
    assert await db.fetch_value("SELECT count(*) FROM rsvps") == 1
    assert await db.fetch_value("SELECT count(*) FROM categories WHERE name = 'Variety'") == 1
    assert await db.fetch_value("SELECT count(*) FROM results") == 1
    assert await db.fetch_value("SELECT count(*) FROM dues") == 1
    announced = [m for m in sb.messages(lounge.announcements, ephemeral=False) if m.embeds]
    assert len(announced) == 1
