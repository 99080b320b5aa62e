"""Discord's 3 s to answer: a change is kept only if its member was told so, and a dead interaction
changes nothing (issue 10, finding 3)."""

from __future__ import annotations

import asyncio
import threading

from conftest import Lounge
from stall_kit import hold_write_lock

from sandbox import InteractionReply

THANKS = "Thank you!"


async def open_party(lounge: Lounge) -> None:
    r = await lounge.sb.slash(
        lounge.host, lounge.channel, "party create", name="Losers Lounge", goal="$1,000"
    )
    assert r.error is None, r.error


async def stored_pledge_interactions(lounge: Lounge) -> set[int]:
    rows = await lounge.store.database.fetch_all("SELECT interaction_id FROM pledges")
    return {row[0] for row in rows}


async def pledges_during_a_stall(lounge: Lounge, seconds: float, first_cents: int) -> list[InteractionReply]:
    holding = threading.Event()
    holder = asyncio.create_task(
        asyncio.to_thread(hold_write_lock, str(lounge.runner.database_path), seconds, holding)
    )
    await lounge.sb.wait_until(holding.is_set, 5, "the other connection to hold the write lock")
    replies = await asyncio.gather(
        *(
            lounge.sb.slash(
                lounge.guests[i % len(lounge.guests)], lounge.channel, "pledge",
                amount=f"{(first_cents + i) / 100:.2f}", timeout=20,
            )
            for i in range(20)
        )
    )
    await holder
    return list(replies)


async def test_stored_means_confirmed_while_another_writer_stalls_the_database(lounge: Lounge) -> None:
    await open_party(lounge)
    for seconds, first_cents in ((4.0, 100), (8.0, 1000)):
        replies = await pledges_during_a_stall(lounge, seconds, first_cents)
        stored = await stored_pledge_interactions(lounge)
        confirmed = {r.interaction_id for r in replies if r.content.startswith(THANKS)}
        sent = {r.interaction_id for r in replies}
        assert stored & sent == confirmed, (
            f"{seconds:g} s stall: stored but not confirmed {(stored & sent) - confirmed}, "
            f"confirmed but not stored {confirmed - stored}"
        )
        # Nobody is left with "This interaction failed" for a change the bot kept, nor silence.
        for reply in replies:
            assert reply.error is None, reply.error
            assert reply.content.startswith(THANKS) or "busy" in reply.content, reply.content
        if seconds == 4.0:
            # A 4 s stall is under the 5 s busy timeout: every pledge gets through, acknowledged first.
            assert confirmed == sent


async def test_an_interaction_already_past_its_deadline_changes_nothing(lounge: Lounge) -> None:
    await open_party(lounge)
    sb = lounge.sb
    late = await sb.slash(lounge.guests[0], lounge.channel, "pledge", amount="30", created_ago=4.0)
    assert late.type is None
    invite = await sb.slash(lounge.host, lounge.channel, "party invite")
    assert invite.error is None, invite.error
    invitation = sb.messages(lounge.channel, ephemeral=False)[-1]
    party = await lounge.store.parties.open_party(lounge.guild.id)
    assert party is not None
    click = await sb.click(lounge.guests[1], invitation, f"rsvp:{party.id}:going", created_ago=4.0)
    assert click.type is None
    # A fresh one right after is answered, so the bot was listening all along.
    fresh = await sb.slash(lounge.guests[2], lounge.channel, "pledge", amount="5")
    assert fresh.content.startswith(THANKS)
    assert await stored_pledge_interactions(lounge) == {fresh.interaction_id}
    assert await lounge.store.database.fetch_value("SELECT count(*) FROM rsvps") == 0
