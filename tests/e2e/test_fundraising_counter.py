"""The live counter through the sandbox: bursts, restarts, deleted and ageing messages, milestones."""

from __future__ import annotations

import asyncio
import re
import time
from datetime import timedelta
from typing import Any

from conftest import Lounge

from rules.money import format_cents
from sandbox import Member, Message
from storage import Party

MILESTONES = (25, 50, 75, 100)


async def open_party(lounge: Lounge, goal: str = "$20,000") -> Party:
    r = await lounge.sb.slash(
        lounge.host, lounge.channel, "party create", name="Losers Lounge",
        charity="Worldwide Orphans Foundation", goal=goal,
    )
    assert r.error is None, r.error
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None
    return party


async def post_counter(lounge: Lounge, party: Party) -> Message:
    r = await lounge.sb.slash(lounge.host, lounge.channel, "party counter")
    assert r.error is None and r.ephemeral and "Counter posted" in r.content
    return await live_counter(lounge, party)


async def live_counter(lounge: Lounge, party: Party) -> Message:
    """The message the bot keeps as the party's counter (deleted ones included, to see that they are)."""
    [counter] = await lounge.store.party_messages.live(party.id, "counter")
    return lounge.sb.world.messages[counter.message_id]


async def stored_total(lounge: Lounge) -> int:
    return await lounge.store.database.fetch_value(
        "SELECT COALESCE(SUM(amount_cents), 0) FROM pledges WHERE cancelled_at IS NULL"
    )


def fields(message: Message) -> dict[str, str]:
    return {f["name"]: f["value"] for f in message.embeds[0]["fields"]}


def is_counter(message: Message) -> bool:
    return bool(message.embeds) and message.embeds[0].get("title", "").endswith("the fundraiser")


async def wait_for_counter(lounge: Lounge, party: Party, pledged: str, timeout: float = 10.0) -> Message:
    """Waits until the newest counter message shows `pledged` and is the one the bot has stored."""

    def shown() -> Message | None:
        for message in reversed(lounge.sb.messages(lounge.channel, ephemeral=False, deleted=False)):
            if is_counter(message):
                return message if fields(message)["Pledged"] == pledged else None
        return None

    message = await lounge.sb.wait_until(shown, timeout, f"the counter to show {pledged}")
    # The bot records a fresh counter just after Discord answers its post, within the same refresh.
    await lounge.runner.bot.counters.refresher.settle()
    await lounge.runner.bot.outbox.settle()
    assert (await live_counter(lounge, party)).id == message.id
    return message


def announcements(lounge: Lounge) -> list[str]:
    return [m.content for m in lounge.sb.messages(lounge.channel, ephemeral=False) if "🎉" in m.content]


def times_told(texts: list[str]) -> list[int]:
    """How often each milestone was told; milestones crossed together share one message."""
    told = [
        set(re.findall(r"\b(25|50|75)%", text)) | ({"100"} if "Goal reached" in text else set())
        for text in texts
    ]
    return [sum(str(percent) in message for message in told) for percent in MILESTONES]


def cents_for(n: int) -> int:
    return (10 + n % 90) * 100 + n % 100


def amount_for(n: int) -> str:
    cents = cents_for(n)
    return f"{cents // 100}.{cents % 100:02d}"


def callbacks_since(lounge: Lounge, index: int) -> list[float]:
    return [r.at for r in lounge.sb.requests[index:] if r.route.endswith("/callback")]


async def pledge_burst(lounge: Lounge, donors: list[Member], count: int, batch: int = 50) -> list[Any]:
    """`count` pledges, `batch` at once, 50 interactions a second at most.

    A brisk crowd: the counter must coalesce it to about one edit a second. (The pace once matched a
    sandbox bucket that all callbacks shared; each interaction now has its own, as on Discord.)
    """
    sb = lounge.sb
    replies: list[Any] = []
    opened = max(callbacks_since(lounge, 0), default=0.0)
    for start in range(0, count, batch):
        await sb.wait_until(
            lambda opened=opened: time.monotonic() - opened >= 1.05, 5, "the callback bucket to refill"
        )
        first_request = len(sb.requests)
        replies += await asyncio.gather(
            *(
                sb.slash(donors[n % len(donors)], lounge.channel, "pledge", amount=amount_for(n))
                for n in range(start, min(count, start + batch))
            ),
            return_exceptions=True,
        )
        opened = min(callbacks_since(lounge, first_request), default=time.monotonic())
    return replies


async def test_only_a_host_posts_the_counter_and_a_new_one_replaces_the_old(lounge: Lounge) -> None:
    party = await open_party(lounge)
    sb = lounge.sb
    r = await sb.slash(lounge.guests[0], lounge.channel, "party counter")
    assert r.ephemeral and "Only the party's hosts" in r.content
    assert await lounge.store.party_messages.live(party.id, "counter") == []

    await sb.slash(lounge.guests[0], lounge.channel, "pledge", amount="12.50", note="@everyone hi")
    first = await post_counter(lounge, party)
    assert fields(first)["Pledged"] == "$12.50" and fields(first)["Donors"] == "1 donor"
    assert not first.pinged.any
    where = {"channel": lounge.announcements}
    r = await sb.slash(lounge.host, lounge.channel, "party counter", options=where)
    assert r.error is None
    [counter] = await lounge.store.party_messages.live(party.id, "counter")
    moved = sb.message(counter.message_id)
    assert moved.channel_id == lounge.announcements.id and fields(moved)["Pledged"] == "$12.50"
    assert first.deleted


async def test_a_burst_of_500_pledges_ends_exact_without_a_429_and_at_about_one_edit_a_second(
    lounge: Lounge,
) -> None:
    party = await open_party(lounge)
    sb = lounge.sb
    counter = await post_counter(lounge, party)
    donors = [sb.add_member(lounge.guild, f"donor{n:02d}") for n in range(50)]

    began = time.monotonic()
    replies = await pledge_burst(lounge, donors, 500)
    burst = time.monotonic() - began
    assert burst < 20
    assert all(r.error is None and r.ephemeral for r in replies)
    assert max(r.latency for r in replies) < 3

    total = await stored_total(lounge)
    assert total == sum(cents_for(n) for n in range(500))
    await wait_for_counter(lounge, party, format_cents(total))
    await lounge.runner.bot.counters.refresher.settle()
    await lounge.runner.bot.outbox.settle()

    assert (await live_counter(lounge, party)).id == counter.id
    shown = fields(counter)
    assert shown["Pledged"] == format_cents(total)
    assert shown["Donors"] == "50 donors" and shown["Pledges"] == "500 pledges"
    assert shown["Next milestone"] == "Goal reached! 🎉"
    last_edit = counter.edits[-1].payload["embeds"][0]
    assert {f["name"]: f["value"] for f in last_edit["fields"]}["Pledged"] == format_cents(total)

    assert sb.rate_limited == []
    assert sb.max_writes_in_window(lounge.channel, 5.0) <= 5
    edits = [edit.at for edit in counter.edits if edit.at >= began]
    span = edits[-1] - began
    assert len(edits) <= span + 2, (len(edits), span)
    # Every milestone was passed in the burst and told once.
    assert times_told(announcements(lounge)) == [1, 1, 1, 1]


async def test_a_restart_mid_burst_leaves_the_counter_exact_and_tells_no_milestone_twice(
    lounge: Lounge,
) -> None:
    # Each half pledges $1,737.25: the first passes 25% and 50% of $3,000, the second 75% and the goal.
    party = await open_party(lounge, goal="$3,000")
    sb = lounge.sb
    await post_counter(lounge, party)
    donors = [sb.add_member(lounge.guild, f"donor{n:02d}") for n in range(20)]

    # The restart comes while the counter is still catching up with the first half of the burst.
    first_half = await pledge_burst(lounge, donors, 50)
    await lounge.runner.restart()
    second_half = await pledge_burst(lounge, donors, 50)
    assert all(r.error is None for r in first_half + second_half)

    total = await stored_total(lounge)
    assert await lounge.store.database.fetch_value("SELECT count(*) FROM pledges") == 100
    await wait_for_counter(lounge, party, format_cents(total))
    await lounge.runner.bot.counters.refresher.settle()
    await lounge.runner.bot.outbox.settle()
    assert fields(await live_counter(lounge, party))["Pledged"] == format_cents(total)
    texts = announcements(lounge)
    assert times_told(texts) == [1, 1, 1, 1]
    assert sb.rate_limited == []


async def test_a_counter_left_behind_or_deleted_is_brought_up_to_date_on_start(lounge: Lounge) -> None:
    party = await open_party(lounge)
    sb = lounge.sb
    counter = await post_counter(lounge, party)
    await sb.slash(lounge.guests[0], lounge.channel, "pledge", amount="10")
    await wait_for_counter(lounge, party, "$10")
    # Stop this process's refreshing, as a crash would, so the pledges below never reach the counter.
    await lounge.runner.bot.counters.refresher.close()
    for member in lounge.guests:
        await sb.slash(member, lounge.channel, "pledge", amount="5")
    assert fields(counter)["Pledged"] == "$10"
    sb.delete_message(counter)

    await lounge.runner.restart()
    fresh = await wait_for_counter(lounge, party, "$30")
    assert fresh.id != counter.id
    rows = await lounge.store.database.fetch_all("SELECT message_id, retired_at FROM party_messages")
    assert [(row[0], row[1] is None) for row in rows] == [(counter.id, False), (fresh.id, True)]
    assert sb.rate_limited == []


async def test_a_deleted_counter_is_posted_again_on_the_next_change(lounge: Lounge) -> None:
    party = await open_party(lounge)
    sb = lounge.sb
    first = await post_counter(lounge, party)
    sb.delete_message(first)
    await sb.slash(lounge.guests[0], lounge.channel, "pledge", amount="25")
    second = await wait_for_counter(lounge, party, "$25")
    assert second.id != first.id
    await sb.slash(lounge.guests[1], lounge.channel, "pledge", amount="5")
    assert (await wait_for_counter(lounge, party, "$30")).id == second.id
    assert sb.rate_limited == []


async def test_a_counter_is_replaced_before_it_is_an_hour_old(lounge: Lounge) -> None:
    """Even with no money moving: the sandbox can't wait 55 minutes, so the test shortens the age."""
    party = await open_party(lounge)
    sb = lounge.sb
    counters = lounge.runner.bot.counters
    counters.repost_after = timedelta(seconds=1)
    first = await post_counter(lounge, party)

    def replacement() -> Message | None:
        newest = [m for m in sb.messages(lounge.channel, ephemeral=False, deleted=False) if is_counter(m)]
        return newest[-1] if newest and newest[-1].id != first.id else None

    fresh = await sb.wait_until(replacement, 5, "a fresh counter")
    counters.repost_after = timedelta(minutes=55)
    await sb.wait_until(lambda: first.deleted, 5, "the old counter to be deleted")
    assert (await live_counter(lounge, party)).id == fresh.id
    # The fresh counter is at the bottom of the chat, and it is edited from now on.
    assert sb.messages(lounge.channel, ephemeral=False, deleted=False)[-1].id == fresh.id
    await sb.slash(lounge.guests[1], lounge.channel, "pledge", amount="6")
    assert (await wait_for_counter(lounge, party, "$6")).id == fresh.id
    assert sb.rate_limited == []


async def test_a_counter_past_the_edit_cap_is_replaced(lounge: Lounge) -> None:
    """An old message (aged by the sandbox) takes three edits, then Discord answers 30046."""
    party = await open_party(lounge)
    sb = lounge.sb
    first = await post_counter(lounge, party)
    sb.age_message(first, 3700)
    for n in range(1, 5):
        await sb.slash(lounge.guests[n % 4], lounge.channel, "pledge", amount="1")
        counter = await wait_for_counter(lounge, party, f"${n}")
    assert counter.id != first.id
    assert first.deleted
    assert sb.rate_limited == []


async def test_milestones_are_told_once_and_the_counter_shows_the_next_one(lounge: Lounge) -> None:
    party = await open_party(lounge, goal="$100")
    sb = lounge.sb
    amy, bob = lounge.guests[:2]
    await post_counter(lounge, party)
    await sb.slash(amy, lounge.channel, "pledge", amount="30")
    counter = await wait_for_counter(lounge, party, "$30")
    assert fields(counter)["Next milestone"] == "50% at $50 ($20 to go)"
    assert "`██████░░░░░░░░░░░░░░` **30%**" in counter.embeds[0]["description"]

    await sb.slash(bob, lounge.channel, "pledge", amount="69.99")
    counter = await wait_for_counter(lounge, party, "$99.99")
    assert fields(counter)["Next milestone"] == "100% at $100 ($0.01 to go)"
    assert "**99%**" in counter.embeds[0]["description"]
    await sb.wait_until(
        lambda: times_told(announcements(lounge)) == [1, 1, 1, 0], 5, "the 25, 50 and 75% milestones"
    )
    # 50 and 75 were crossed by one pledge: told in one message.
    assert len(announcements(lounge)) == 2

    # Falling below milestones and climbing back past them does not tell them again.
    r = await sb.slash(bob, lounge.channel, "pledges")
    await sb.wait_until(lambda: r.followup_records, 5, "bob's own pledges")
    pledge_id = await lounge.store.database.fetch_value("SELECT id FROM pledges WHERE amount_cents = 6999")
    assert (await sb.click(bob, r.followup_records[0].id, f"pledge:cancel:{pledge_id}")).error is None
    await sb.slash(amy, lounge.channel, "pledge", amount="70")
    counter = await wait_for_counter(lounge, party, "$100")
    assert fields(counter)["Next milestone"] == "Goal reached! 🎉"
    await lounge.runner.bot.counters.refresher.settle()
    await lounge.runner.bot.outbox.settle()

    texts = announcements(lounge)
    assert times_told(texts) == [1, 1, 1, 1]
    assert await lounge.store.database.fetch_value("SELECT count(*) FROM milestones") == 4
    assert not any(m.pinged.any for m in sb.messages(lounge.channel))
    assert sb.rate_limited == []
