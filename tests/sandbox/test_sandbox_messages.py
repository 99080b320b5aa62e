"""Channel messages: rate limits, mentions, validation, DMs, history, pins, edits and deletes."""

from __future__ import annotations

import asyncio

import discord
import pytest
from discord.http import Route

from sandbox import DiscordSandbox


async def test_seven_quick_sends_hit_429s_and_discordpy_retries(sb: DiscordSandbox, setup, bot):
    channel = bot.get_channel(setup.chan.id)
    sent = await asyncio.gather(*(channel.send(f"msg {i}") for i in range(7)))
    assert len(sent) == 7
    stored = sb.messages(setup.chan)
    assert sorted(m.content for m in stored) == [f"msg {i}" for i in range(7)]
    assert sb.rate_limited, "the shared channel budget should have produced 429s"
    assert {r.scope for r in sb.rate_limited} == {"shared"}
    assert all(r.route == "/channels/{channel_id}/messages" for r in sb.rate_limited)
    assert sb.max_writes_in_window(setup.chan, 5.0) <= 5
    assert len(sb.writes(setup.chan)) == 7


async def test_create_and_edit_report_different_buckets(sb: DiscordSandbox, setup, bot):
    sb.rate_limits_enabled = False
    channel = bot.get_channel(setup.chan.id)
    message = await channel.send("v1")
    await message.edit(content="v2")
    buckets = {r.route for r in sb.requests if r.route.startswith("/channels/")}
    assert buckets == {"/channels/{channel_id}/messages", "/channels/{channel_id}/messages/{message_id}"}
    stored = sb.message(message.id)
    assert stored.content == "v2" and [e.payload["content"] for e in stored.edits] == ["v2"]
    assert len(sb.writes(setup.chan)) == 2
    await message.delete()
    assert stored.deleted and stored.deleted_at is not None


async def test_allowed_mentions_none_pings_nobody(sb: DiscordSandbox, setup, bot):
    channel = bot.get_channel(setup.chan.id)
    quiet = await channel.send(
        f"@everyone {setup.amy.mention} <@&{setup.hosts.id}>", allowed_mentions=discord.AllowedMentions.none()
    )
    loud = await channel.send(f"@everyone {setup.amy.mention}")
    assert not sb.message(quiet.id).pinged.any
    assert sb.message(quiet.id).allowed_mentions == {"parse": []}
    assert sb.message(loud.id).pinged.everyone and sb.message(loud.id).pinged.users == [setup.amy.id]
    users_only = await channel.send(
        f"@everyone {setup.amy.mention}", allowed_mentions=discord.AllowedMentions(everyone=False, users=True)
    )
    assert sb.message(users_only.id).pinged.users == [setup.amy.id]
    assert not sb.message(users_only.id).pinged.everyone


async def test_discord_limits_are_enforced(sb: DiscordSandbox, setup, bot):
    channel = bot.get_channel(setup.chan.id)
    with pytest.raises(discord.HTTPException) as info:
        await channel.send("x" * 2001)
    assert info.value.code == 50035
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=setup.chan.id)
    with pytest.raises(discord.HTTPException) as info:
        await bot.http.request(route, json={"content": ""})
    assert info.value.code == 50006
    button = {"type": 2, "style": 1, "label": "b", "custom_id": "c"}
    rows = [{"type": 1, "components": [dict(button, custom_id=f"c{i}")]} for i in range(6)]
    with pytest.raises(discord.HTTPException) as info:
        await bot.http.request(route, json={"content": "rows", "components": rows})
    assert info.value.code == 50035
    with pytest.raises(discord.HTTPException) as info:
        await channel.send(embed=discord.Embed(title="t" * 257))
    assert info.value.code == 50035
    assert sb.messages(setup.chan) == []


async def test_dm_to_a_member_who_refuses_dms_is_50007(sb: DiscordSandbox, setup, bot):
    guild = bot.get_guild(setup.guild.id)
    with pytest.raises(discord.Forbidden) as info:
        await guild.get_member(setup.amy.id).send("hello")
    assert info.value.code == 50007
    await guild.get_member(setup.host.id).send("hello host")
    assert [m.content for m in sb.dms(setup.host)] == ["hello host"]


async def test_history_pins_and_user_messages(sb: DiscordSandbox, setup, bot):
    received: list[str] = []

    async def on_message(message: discord.Message) -> None:
        received.append(message.content)

    bot.add_listener(on_message)
    said = sb.say(setup.amy, setup.chan, "hi bot")
    await sb.wait_until(lambda: "hi bot" in received, 5)
    channel = bot.get_channel(setup.chan.id)
    for i in range(3):
        await channel.send(f"m{i}")
    history = [m.content async for m in channel.history(limit=10)]
    assert history == ["m2", "m1", "m0", "hi bot"]
    older = [
        m.content async for m in channel.history(limit=10, before=discord.Object(said.id + 1), after=None)
    ]
    assert older == ["hi bot"]
    fetched = await channel.fetch_message(said.id)
    await fetched.pin()
    assert sb.message(said.id).pinned
    assert [m.content async for m in channel.pins()] == ["hi bot"]
    found = await sb.wait_for_message(setup.chan, lambda m: m.content == "m1")
    assert found.author.id == sb.bot_user_id


async def test_attachments_are_stored_and_served(sb: DiscordSandbox, setup, bot):
    import io

    channel = bot.get_channel(setup.chan.id)
    sent = await channel.send("export", file=discord.File(io.BytesIO(b"a,b\n1,2\n"), filename="guests.csv"))
    stored = sb.message(sent.id).attachments
    assert [(a.filename, a.data) for a in stored] == [("guests.csv", b"a,b\n1,2\n")]
    assert await sent.attachments[0].read() == b"a,b\n1,2\n"


async def test_editing_a_message_older_than_an_hour_is_capped_with_30046(sb: DiscordSandbox, setup, bot):
    channel = bot.get_channel(setup.chan.id)
    message = await channel.send("counter")
    sb.age_message(message.id, 3700)
    for i in range(3):
        await message.edit(content=f"counter {i}")
    with pytest.raises(discord.HTTPException) as info:
        await message.edit(content="one too many")
    assert info.value.code == 30046
    assert sb.message(message.id).content == "counter 2"
