"""/pledge, /pledges and /payment record through the sandbox: what members see and what is stored."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from conftest import Lounge

from storage import Party

GOAL = "$20,000"


async def open_party(lounge: Lounge, **options: Any) -> Party:
    r = await lounge.sb.slash(
        lounge.host, lounge.channel, "party create", name="Losers Lounge",
        charity="Worldwide Orphans Foundation", **{"goal": GOAL, **options},
    )
    assert r.error is None, r.error
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None
    return party


async def live_pledges(lounge: Lounge) -> list[Any]:
    return await lounge.store.database.fetch_all(
        "SELECT * FROM pledges WHERE cancelled_at IS NULL ORDER BY id"
    )


async def count(lounge: Lounge, table: str) -> int:
    return await lounge.store.database.fetch_value(f"SELECT count(*) FROM {table}")


async def my_pledges(lounge: Lounge, member: Any) -> tuple[Any, Any]:
    """/pledges as `member`: the public wall reply and the private follow-up that comes after it."""
    r = await lounge.sb.slash(member, lounge.channel, "pledges")
    assert r.error is None and not r.ephemeral
    await lounge.sb.wait_until(lambda: r.followup_records, 5, "the private list of own pledges")
    [mine] = r.followup_records
    assert mine.ephemeral
    return r, mine


def cancel_ids(message: Any) -> list[str]:
    return [c for c in message.custom_ids if c.startswith("pledge:cancel:")]


def fields(embed: dict[str, Any]) -> dict[str, str]:
    return {f["name"]: f["value"] for f in embed.get("fields") or []}


async def test_a_pledge_is_stored_and_confirmed_privately(lounge: Lounge) -> None:
    await open_party(lounge)
    amy = lounge.guests[0]
    r = await lounge.sb.slash(amy, lounge.channel, "pledge", amount="$1,000", note="For the orphans 🎗️")
    assert r.error is None and r.ephemeral
    assert "$1,000" in r.content and "recorded" in r.content
    [row] = await live_pledges(lounge)
    assert (row["user_id"], row["amount_cents"], row["anonymous"], row["note"]) == (
        amy.id, 100_000, 0, "For the orphans 🎗️"
    )
    assert row["display_name"] == "amy"
    assert row["interaction_id"] == r.interaction_id


@pytest.mark.parametrize("amount", ["-5", "0", "1e9", "abc", "10.001", "$1,000,000.01"])
async def test_a_bad_amount_is_refused_privately_and_nothing_is_stored(lounge: Lounge, amount: str) -> None:
    await open_party(lounge)
    r = await lounge.sb.slash(lounge.guests[0], lounge.channel, "pledge", amount=amount)
    assert r.ephemeral
    assert "$1,000,000" in r.content, r.content
    assert "two decimals" in r.content or "the most one amount can be" in r.content, r.content
    assert await count(lounge, "pledges") == 0
    assert not r.message_record.pinged.any


async def test_other_refusals_change_nothing(lounge: Lounge) -> None:
    sb, amy = lounge.sb, lounge.guests[0]
    r = await sb.slash(amy, lounge.channel, "pledge", amount="50")
    assert r.ephemeral and "no open party" in r.content

    party = await open_party(lounge)
    r = await sb.slash(amy, lounge.channel, "pledge", amount="50", note="x" * 2000)
    assert r.ephemeral and "note is too long" in r.content

    await lounge.store.parties.close(party.id)
    r = await sb.slash(amy, lounge.channel, "pledge", amount="50")
    assert r.ephemeral and "is closed" in r.content
    assert await count(lounge, "pledges") == 0


async def test_a_redelivered_pledge_is_stored_once(lounge: Lounge) -> None:
    await open_party(lounge)
    r = await lounge.sb.slash(lounge.guests[0], lounge.channel, "pledge", amount="75")
    again = await lounge.sb.redeliver(r)
    assert again.error is None
    assert [row["amount_cents"] for row in await live_pledges(lounge)] == [7_500]
    assert await count(lounge, "processed_interactions") == 1
    # The duplicate got no second answer: Discord refused its callback and the bot let it be.
    acks = [a for a in lounge.sb.acks if a.interaction_id == r.interaction_id]
    refused = [a.error_code for a in acks if not a.accepted]
    assert refused == [40060]


async def test_everyone_in_a_note_never_pings(lounge: Lounge) -> None:
    party = await open_party(lounge)
    sb = lounge.sb
    note = f"come donate @everyone @here <@{lounge.guests[1].id}>"
    r = await sb.slash(lounge.guests[0], lounge.channel, "pledge", amount="20", note=note)
    assert not r.message_record.pinged.any
    wall, mine = await my_pledges(lounge, lounge.guests[0])
    assert "come donate" in mine.embeds[0]["description"]
    assert not wall.message_record.pinged.any and not mine.pinged.any

    loud = sb.add_member(lounge.guild, "@here ✨")
    await sb.slash(loud, lounge.channel, "pledge", amount="1")
    r = await sb.slash(lounge.host, lounge.channel, "party counter")
    assert r.error is None
    [counter] = await lounge.store.party_messages.live(party.id, "counter")
    message = sb.message(counter.message_id)
    newest = fields(message.embeds[0])["Newest pledges"]
    assert "come donate" in newest and "from @\u200bhere ✨" in newest
    assert not message.pinged.any


async def test_anonymous_pledges_are_unnamed_on_the_wall_and_the_counter(lounge: Lounge) -> None:
    party = await open_party(lounge)
    sb = lounge.sb
    amy, bob, carol = lounge.guests[:3]
    await sb.slash(carol, lounge.channel, "pledge", amount="500", anonymous=True, note="quietly")
    await sb.slash(bob, lounge.channel, "pledge", amount="50")
    await sb.slash(bob, lounge.channel, "pledge", amount="25.50")
    # Carol's named pledge is listed apart from her anonymous one, which stays unlinked to her.
    await sb.slash(carol, lounge.channel, "pledge", amount="10")

    r, mine = await my_pledges(lounge, amy)
    wall = r.embeds[0]["description"]
    assert "$585.50** pledged by 2 donors" in wall
    lines = wall.split("\n\n", 1)[1].splitlines()
    assert lines == ["1. Anonymous · **$500**", "2. bob · **$75.50**", "3. carol · **$10**"]
    assert "haven't pledged" in mine.content

    await sb.slash(lounge.host, lounge.channel, "party counter")
    [counter] = await lounge.store.party_messages.live(party.id, "counter")
    newest = fields(sb.message(counter.message_id).embeds[0])["Newest pledges"]
    assert "from an anonymous donor: “quietly”" in newest
    assert newest.count("carol") == 1  # only her named $10


async def test_a_member_cancels_their_own_unpaid_pledge_and_no_one_else_can(lounge: Lounge) -> None:
    party = await open_party(lounge)
    sb = lounge.sb
    amy, bob = lounge.guests[:2]
    await sb.slash(amy, lounge.channel, "pledge", amount="40")
    await sb.slash(amy, lounge.channel, "pledge", amount="60", anonymous=True)
    await sb.slash(lounge.host, lounge.channel, "party counter")

    _, mine = await my_pledges(lounge, amy)
    assert "#1 · **$40** · unpaid" in mine.embeds[0]["description"]
    assert "#2 · **$60** · unpaid · anonymous" in mine.embeds[0]["description"]
    first_id, second_id = (row["id"] for row in await live_pledges(lounge))
    assert cancel_ids(mine) == [f"pledge:cancel:{first_id}", f"pledge:cancel:{second_id}"]

    refused = await sb.click(bob, mine.id, f"pledge:cancel:{first_id}")
    assert refused.ephemeral and "isn't yours" in refused.content
    assert len(await live_pledges(lounge)) == 2

    done = await sb.click(amy, mine.id, f"pledge:cancel:{first_id}")
    assert done.error is None and done.type == 7  # the private list itself is updated
    assert "Cancelled your pledge of $40" in mine.content
    assert "#1 · ~~$40~~ · cancelled" in mine.embeds[0]["description"]
    assert cancel_ids(mine) == [f"pledge:cancel:{second_id}"]
    assert [row["amount_cents"] for row in await live_pledges(lounge)] == [6_000]

    again = await sb.click(amy, mine.id, f"pledge:cancel:{second_id}")
    assert again.error is None
    await sb.redeliver(again)
    assert await live_pledges(lounge) == []
    # The counter follows the cancellations.
    [counter] = await lounge.store.party_messages.live(party.id, "counter")
    await sb.wait_until(
        lambda: fields(sb.message(counter.message_id).embeds[0])["Pledged"] == "$0", 5, "the counter to drop"
    )


async def test_a_paid_pledge_cannot_be_cancelled(lounge: Lounge) -> None:
    await open_party(lounge)
    sb = lounge.sb
    amy = lounge.guests[0]
    await sb.slash(amy, lounge.channel, "pledge", amount="40")
    await sb.slash(amy, lounge.channel, "pledge", amount="60")
    await sb.slash(lounge.host, lounge.channel, "payment record", member=amy, amount="50")

    _, mine = await my_pledges(lounge, amy)
    description = mine.embeds[0]["description"]
    # $50 pays the older $40 whole; the $60 is not covered yet.
    assert "#1 · **$40** · paid ✓" in description and "#2 · **$60** · unpaid" in description
    first_id, second_id = (row["id"] for row in await live_pledges(lounge))
    assert cancel_ids(mine) == [f"pledge:cancel:{second_id}"]

    # A custom_id is no secret: a forged click on the paid pledge's id is refused by the store.
    mine.components[0]["components"][0]["custom_id"] = f"pledge:cancel:{first_id}"
    refused = await sb.click(amy, mine.id, f"pledge:cancel:{first_id}")
    assert refused.ephemeral and "paid" in refused.content
    assert [row["amount_cents"] for row in await live_pledges(lounge)] == [4_000, 6_000]

    # Many pledges: the list shows the newest 25, numbered as before, paid worked out from the totals.
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None
    for n in range(28):
        await lounge.store.fundraising.add_pledge(
            party.id, amy.id, "amy", 1_000, anonymous=False, note=None, interaction_id=10_000 + n
        )
    await sb.slash(lounge.host, lounge.channel, "payment record", member=amy, amount="90")
    _, mine = await my_pledges(lounge, amy)
    lines = mine.embeds[0]["description"].split("\n")
    assert lines[0] == "…5 older pledges not shown"
    assert [line.split(" · ")[0] for line in lines[1:]] == [f"#{n}" for n in range(6, 31)]
    # $140 pays $40, $60 and four $10s (#3 to #6); #7 is the first not covered.
    assert lines[1].startswith("#6 · **$10** · paid ✓") and lines[2].startswith("#7 · **$10** · unpaid")
    assert fields(mine.embeds[0])["In all"] == "$380 pledged"
    assert [c["label"] for row in mine.components for c in row["components"]][:2] == [
        "Cancel #19 ($10)", "Edit #19"
    ]


async def test_a_host_records_a_payment_and_received_moves(lounge: Lounge) -> None:
    party = await open_party(lounge)
    sb = lounge.sb
    amy = lounge.guests[0]
    await sb.slash(lounge.host, lounge.channel, "party counter")
    await sb.slash(amy, lounge.channel, "pledge", amount="100")

    r = await sb.slash(lounge.host, lounge.channel, "payment record", member=amy, amount="$60", note="cash")
    assert r.ephemeral and "Recorded **$60** received" in r.content
    assert "$60 to their pledges" in r.content
    assert "paid $60 against $100 pledged; $40 still to come" in r.content
    await sb.redeliver(r)
    rows = await lounge.store.database.fetch_all("SELECT * FROM payments")
    assert [(row["user_id"], row["amount_cents"], row["note"], row["recorded_by"]) for row in rows] == [
        (amy.id, 6_000, "cash", lounge.host.id)
    ]
    [counter] = await lounge.store.party_messages.live(party.id, "counter")
    await sb.wait_until(
        lambda: fields(sb.message(counter.message_id).embeds[0])["Received"] == "$60 (dues $0 · pledges $60)",
        5,
        "received to move",
    )
    assert fields(sb.message(counter.message_id).embeds[0])["Pledged"] == "$100"


async def test_a_non_host_cannot_record_a_payment(lounge: Lounge) -> None:
    await open_party(lounge)
    sb = lounge.sb
    amy, bob = lounge.guests[:2]
    r = await sb.slash(amy, lounge.channel, "payment record", member=bob, amount="1000")
    assert r.ephemeral and "Only the party's hosts" in r.content
    r = await sb.slash(lounge.host, lounge.channel, "payment record", member=bob, amount="10.001")
    assert r.ephemeral and "two decimals" in r.content
    assert await count(lounge, "payments") == 0


async def test_cancel_buttons_keep_working_after_a_restart(lounge: Lounge) -> None:
    await open_party(lounge)
    sb = lounge.sb
    amy = lounge.guests[0]
    await sb.slash(amy, lounge.channel, "pledge", amount="15")
    _, mine = await my_pledges(lounge, amy)
    [row] = await live_pledges(lounge)
    await lounge.runner.restart()
    done = await sb.click(amy, mine.id, f"pledge:cancel:{row['id']}")
    assert done.error is None
    assert await live_pledges(lounge) == []


def view_listeners() -> int:
    """Views discord.py keeps listening to, each with a timeout task of its own."""
    return sum("timeout_task_impl" in repr(task.get_coro()) for task in asyncio.all_tasks())


async def test_private_lists_leave_no_listener_behind(lounge: Lounge) -> None:
    # The cancel and edit buttons are answered by the cog's DynamicItems, matched on custom_id: a view
    # kept as a listener too would be a 15-minute task per /pledges answer, piling up all night.
    await open_party(lounge)
    sb = lounge.sb
    amy = lounge.guests[0]
    for amount in ("15", "25"):
        await sb.slash(amy, lounge.channel, "pledge", amount=amount)
    for _ in range(3):
        _, mine = await my_pledges(lounge, amy)
    first = (await live_pledges(lounge))[0]
    done = await sb.click(amy, mine.id, f"pledge:cancel:{first['id']}")
    assert done.error is None and len(cancel_ids(mine)) == 1
    assert view_listeners() == 0


async def test_a_closed_party_shows_its_wall_and_takes_no_more_pledges(lounge: Lounge) -> None:
    party = await open_party(lounge)
    sb = lounge.sb
    amy = lounge.guests[0]
    await sb.slash(amy, lounge.channel, "pledge", amount="30")
    _, before = await my_pledges(lounge, amy)
    [row] = await live_pledges(lounge)
    await lounge.store.parties.close(party.id)

    wall, mine = await my_pledges(lounge, amy)
    assert "$30** pledged by 1 donor" in wall.embeds[0]["description"]
    assert "closed" in wall.embeds[0]["footer"]["text"]
    assert cancel_ids(mine) == []
    refused = await sb.click(amy, before.id, f"pledge:cancel:{row['id']}")
    assert refused.ephemeral and "closed" in refused.content
    r = await sb.slash(amy, lounge.channel, "pledge", amount="30")
    assert r.ephemeral and "is closed" in r.content
    assert len(await live_pledges(lounge)) == 1


async def test_a_payment_from_a_winner_settles_their_dues_before_their_pledges(lounge: Lounge) -> None:
    party = await open_party(lounge)
    sb = lounge.sb
    amy = lounge.guests[0]
    await sb.slash(amy, lounge.channel, "pledge", amount="50")
    # What /result announce records when amy wins (its own tests drive that part).
    await lounge.store.database.execute(
        "INSERT INTO dues (party_id, user_id, amount_cents, status, created_at) "
        "VALUES (?, ?, 100000, 'owed', '2013-09-23T05:00:00+00:00')",
        (party.id, amy.id),
    )
    r = await sb.slash(lounge.host, lounge.channel, "payment record", member=amy, amount="$1,000")
    assert r.ephemeral and "Their winner's dues of $1,000 are now paid." in r.content
    assert await lounge.store.database.fetch_value("SELECT status FROM dues") == "paid"
    _, mine = await my_pledges(lounge, amy)
    assert "#1 · **$50** · unpaid" in mine.embeds[0]["description"]
