"""The outbox delivery against the sandbox: what storage queued goes out once, with its message id
recorded; a repeat after a crash between the send and the record shows nothing new; rows left pending
by a stopped bot go out at the next start; a DM to a member with closed DMs becomes one grouped mention."""

from __future__ import annotations

from conftest import Lounge

from storage import Storage
from storage.outbox import OutgoingFile, OutgoingMessage, direct_message, post_in_channel


async def queue_post(store: Storage, channel_id: int, text: str, **extra: object) -> int:
    async with store.database.transaction() as tx:
        return await post_in_channel(
            tx, party_id=None, channel_id=channel_id, message=OutgoingMessage(text, **extra), kind="test"
        )


async def test_a_queued_post_goes_out_once_even_when_sent_twice(lounge: Lounge) -> None:
    sb, channel = lounge.sb, lounge.channel
    chart = OutgoingFile("chart.png", b"\x89PNG-chart")
    row = await queue_post(
        lounge.store, channel.id, f"{lounge.guests[0].mention} first",
        mention_user_ids=(lounge.guests[0].id,),
        embeds=({"title": "Drama", "description": "Amy wins"},),
        files=(chart,),
    )
    posted = await sb.wait_for_message(channel, lambda m: m.content.endswith("first"), timeout=5)
    assert posted.embeds[0]["title"] == "Drama"
    assert posted.attachments[0].filename == "chart.png" and posted.attachments[0].data == chart.data
    assert posted.pinged.users == [lounge.guests[0].id]
    bot = lounge.runner.bot
    assert bot is not None
    await bot.outbox.settle()
    assert await lounge.store.outbox.delivered(row) == (channel.id, posted.id)

    # A crash after Discord took the post but before the row recorded it: the next try sends the same
    # nonce, and Discord answers with the message it already has.
    await lounge.store.database.execute(
        "UPDATE outbox SET delivered_at = NULL, message_id = NULL WHERE id = ?", (row,)
    )
    bot.outbox.wake()
    await sb.wait_until(lambda: sb.world.nonce_repeats == [posted.id], 5, "the repeated create")
    await bot.outbox.settle()
    assert await lounge.store.outbox.delivered(row) == (channel.id, posted.id)
    assert [m.id for m in sb.messages(channel)] == [posted.id]


async def test_pending_posts_go_out_at_the_next_start(lounge: Lounge) -> None:
    sb, runner = lounge.sb, lounge.runner
    await runner.stop()
    store = await Storage.open(runner.database_path)
    try:
        row = await queue_post(store, lounge.channel.id, "decided while the bot was away")
    finally:
        await store.close()
    await runner.start()
    posted = await sb.wait_for_message(lounge.channel, lambda m: "away" in m.content, timeout=10)
    assert runner.bot is not None
    await runner.bot.outbox.settle()
    assert await lounge.store.outbox.delivered(row) == (lounge.channel.id, posted.id)


async def test_closed_dms_fall_back_to_one_mention_in_the_channel(lounge: Lounge) -> None:
    sb, channel = lounge.sb, lounge.channel
    amy, bob, carol = lounge.guests[:3]
    sb.set_dm_open(amy, False)
    sb.set_dm_open(bob, False)
    async with lounge.store.database.transaction() as tx:
        for member in (amy, bob, carol):
            await direct_message(
                tx, party_id=None, user_id=member.id, message=OutgoingMessage("You're off the waitlist!"),
                kind="promotion", fallback_channel_id=channel.id,
            )
    bot = lounge.runner.bot
    assert bot is not None
    await sb.wait_until(lambda: sb.dms(carol), 5, "carol's DM")
    await bot.outbox.settle()
    [mention] = sb.messages(channel)
    assert sorted(mention.pinged.users) == sorted([amy.id, bob.id])
    assert sorted(mention.content.split("\n")) == sorted(
        f"<@{member.id}> You're off the waitlist!" for member in (amy, bob)
    )
    assert [m.content for m in sb.dms(carol)] == ["You're off the waitlist!"]
    rows = await lounge.store.outbox.rows()
    assert sorted(row["message_id"] for row in rows[:2]) == [mention.id, mention.id]
