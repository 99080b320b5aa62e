"""The gateway connection dropped in the middle of a pledge burst: the bot comes back, and what it
acknowledged is stored exactly once; the live counter ends on the exact total.

A resumable drop (close 4000) gets the missed events replayed on RESUME, so even the pledges sent while
the bot was away are answered. A drop Discord will not resume (op 9) loses the events sent meanwhile,
as on Discord: those members see "interaction failed", and nothing of theirs is stored.
"""

from __future__ import annotations

import asyncio
import time

from conftest import Lounge
from reliability_kit import confirmed, fire, settled

from rules.money import format_cents
from sandbox import InteractionRecord

PLEDGES = 240
RATE = 120.0
DROP_AFTER = 80
THANKS = "Thank you!"


async def start_party(lounge: Lounge) -> int:
    sb = lounge.sb
    r = await sb.slash(lounge.host, lounge.channel, "party create", name="Drop night", goal="$500,000")
    assert r.error is None, r.error
    r = await sb.slash(lounge.host, lounge.channel, "party counter")
    assert r.error is None and "Counter posted" in r.content, r.text
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None
    return party.id


async def pledge_burst(lounge: Lounge, sent: list[InteractionRecord]) -> None:
    sb = lounge.sb
    donors = [sb.add_member(lounge.guild, f"donor{n:02d}") for n in range(25)]
    start = time.monotonic()
    for n in range(PLEDGES):
        delay = start + n / RATE - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        amount = {"amount": f"{10 + n}.25"}
        record, payload = sb.builder.slash(donors[n % 25], lounge.channel, "pledge", amount)
        sent.append(fire(sb, record, payload))


async def stored_ids(lounge: Lounge) -> dict[int, int]:
    rows = await lounge.store.database.fetch_all(
        "SELECT interaction_id, COUNT(*) FROM pledges WHERE interaction_id IS NOT NULL "
        "GROUP BY interaction_id"
    )
    return {row[0]: row[1] for row in rows}


async def burst_with_a_drop(lounge: Lounge, *, resumable: bool) -> tuple[set[int], dict[int, int]]:
    sb = lounge.sb
    sent: list[InteractionRecord] = []
    pledging = asyncio.create_task(pledge_burst(lounge, sent))
    await sb.wait_until(lambda: len(sent) >= DROP_AFTER, 10, "the burst to get going")
    await sb.drop_gateway(resumable=resumable)
    await pledging
    deadline = time.monotonic() + 3.5
    await sb.wait_until(lambda: settled(sb, sent, deadline), 10, "every pledge to be answered or dropped")
    told = {r.id for r in sent if confirmed(sb, r, THANKS)}
    stored = await stored_ids(lounge)
    assert set(stored.values()) == {1}
    # Nothing acknowledged is lost, and nothing is applied that the member was not told about.
    assert stored.keys() == told
    return told, stored


async def assert_counter_exact(lounge: Lounge, party_id: int) -> None:
    total = await lounge.store.database.fetch_value("SELECT SUM(amount_cents) FROM pledges")
    [counter] = await lounge.store.party_messages.live(party_id, "counter")
    message = lounge.sb.world.messages[counter.message_id]

    def pledged() -> str:
        return {f["name"]: f["value"] for f in message.embeds[0]["fields"]}["Pledged"]

    await lounge.sb.wait_until(lambda: pledged() == format_cents(total), 10, "the counter to be exact")


async def test_a_resumed_connection_answers_every_pledge_of_the_burst(lounge: Lounge) -> None:
    party_id = await start_party(lounge)
    told, _ = await burst_with_a_drop(lounge, resumable=True)
    stats = lounge.sb.gateway_connections
    assert (stats.identifies, stats.resumes) == (1, 1)
    # The events sent while the bot was away were replayed on RESUME, within Discord's 3 s.
    assert len(told) == PLEDGES
    await assert_counter_exact(lounge, party_id)
    assert lounge.sb.rate_limited == []


async def test_a_session_that_cannot_resume_loses_no_acknowledged_pledge(lounge: Lounge) -> None:
    party_id = await start_party(lounge)
    told, _ = await burst_with_a_drop(lounge, resumable=False)
    sb = lounge.sb
    stats = sb.gateway_connections
    # After op 9 discord.py waits a moment of its own choosing before it identifies again.
    await sb.wait_until(
        lambda: stats.identifies == 2 and sb.gateway.live_sessions, 15, "the bot to identify again"
    )
    assert stats.invalid_sessions == 1
    assert DROP_AFTER - 10 <= len(told) < PLEDGES
    # The new session works: a member pledges again and sees it confirmed.
    r = await lounge.sb.slash(lounge.guests[0], lounge.channel, "pledge", amount="12")
    assert r.error is None and r.content.startswith(THANKS)
    await assert_counter_exact(lounge, party_id)
    assert lounge.sb.rate_limited == []
