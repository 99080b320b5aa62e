"""What the outbox relies on from Discord: an idempotent create by nonce, and channel permissions that
refuse the bot's writes (50001, 50013) until a host restores them, with the gateway events that say so."""

from __future__ import annotations

import io

import discord
import pytest

from sandbox import DiscordSandbox
from sandbox.permissions import ATTACH_FILES, DEFAULT_EVERYONE, SEND_MESSAGES, VIEW_CHANNEL


async def test_a_repeated_nonce_returns_the_earlier_message(sb: DiscordSandbox, setup, bot):
    channel = bot.get_channel(setup.chan.id)
    first = await channel.send("Drama: Breaking Bad", nonce="o1t123")
    again = await channel.send("Drama: Breaking Bad", nonce="o1t123")
    other = await channel.send("Comedy: Modern Family", nonce="o2t123")
    assert again.id == first.id and other.id != first.id
    assert [m.content for m in sb.messages(setup.chan)] == ["Drama: Breaking Bad", "Comedy: Modern Family"]
    assert sb.world.nonce_repeats == [first.id]
    # The same nonce in another channel is another message; outside the window too.
    elsewhere = await bot.get_channel(setup.other.id).send("Drama: Breaking Bad", nonce="o1t123")
    assert elsewhere.id != first.id
    sb.world.nonce_window = 0.0
    late = await channel.send("Drama: Breaking Bad", nonce="o1t123")
    assert late.id != first.id


async def test_channel_overwrites_refuse_the_bot_until_restored(sb: DiscordSandbox, setup, bot):
    updates: list[str] = []

    async def channel_updated(before: object, after: object) -> None:
        updates.append("channel")

    async def role_updated(before: object, after: object) -> None:
        updates.append("role")

    bot.add_listener(channel_updated, "on_guild_channel_update")
    bot.add_listener(role_updated, "on_guild_role_update")
    role = sb.bot_role(setup.guild)
    # Administrator ignores overwrites, as on Discord: an ordinary role first.
    sb.set_role_permissions(role, DEFAULT_EVERYONE)
    sb.set_channel_permissions(setup.chan, role, deny=SEND_MESSAGES)
    await sb.wait_until(lambda: updates == ["role", "channel"], 5, "both updates to reach the bot")
    channel = bot.get_channel(setup.chan.id)
    assert not channel.permissions_for(channel.guild.me).send_messages
    with pytest.raises(discord.Forbidden) as refused:
        await channel.send("hello")
    assert refused.value.code == 50013
    assert sb.messages(setup.chan) == []
    # Another channel is unaffected; hiding a channel is "Missing Access".
    await bot.get_channel(setup.other.id).send("fine here")
    sb.set_channel_permissions(setup.chan, setup.guild, deny=VIEW_CHANNEL)
    with pytest.raises(discord.Forbidden) as hidden:
        await channel.send("hello")
    assert hidden.value.code == 50001
    sb.set_channel_permissions(setup.chan, setup.guild)
    sb.set_channel_permissions(setup.chan, role, deny=ATTACH_FILES)
    await channel.send("text is fine")
    with pytest.raises(discord.Forbidden):
        await channel.send("chart", file=discord.File(io.BytesIO(b"png"), filename="chart.png"))
    sb.set_channel_permissions(setup.chan, role)
    await sb.wait_until(lambda: updates.count("channel") == 4, 5, "the restore to reach the bot")
    await channel.send("hello again")
    assert [m.content for m in sb.messages(setup.chan)] == ["text is fine", "hello again"]

