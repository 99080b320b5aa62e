"""Login, READY/GUILD_CREATE, command sync, gateway drops and bad tokens, as a discord.py bot sees them."""

from __future__ import annotations

import aiohttp
import discord
import pytest
from sandbox_botkit import SandboxTestBot

from sandbox import DiscordSandbox


async def test_ready_and_guild_create_fill_the_cache(sb: DiscordSandbox, setup, bot):
    guild = await sb.wait_until(lambda: bot.get_guild(setup.guild.id), 5)
    assert guild.name == "Losers Lounge"
    assert guild.chunked
    assert {m.name for m in guild.members} == {"Sandbox Bot", "tina", "amy"}
    assert guild.me is not None and guild.me.guild_permissions.administrator
    assert guild.get_channel(setup.chan.id).name == "party"
    assert guild.get_role(setup.hosts.id).name == "Hosts"
    tina = guild.get_member(setup.host.id)
    assert tina.guild_permissions.manage_guild
    assert guild.get_role(setup.hosts.id) in tina.roles
    assert bot.user.id == sb.bot_user_id
    assert bot.application_id == sb.application_id
    assert bot.shard_count == 1
    stats = sb.gateway_connections
    assert (stats.connections, stats.identifies, stats.resumes) == (1, 1, 0)


async def test_command_sync_is_recorded_with_discord_fields(sb: DiscordSandbox, bot):
    puts = [s for s in sb.command_syncs if s.method == "PUT"]
    assert len(puts) == 1
    assert puts[0].guild_id is None and puts[0].count == 3
    commands = {c["name"]: c for c in sb.commands()}
    assert set(commands) == {"party", "result", "ping"}
    party = commands["party"]
    assert party["application_id"] == str(sb.application_id)
    assert party["id"].isdigit() and party["version"].isdigit()
    assert {o["name"] for o in party["options"]} >= {"create", "show", "invite"}
    fetched = await bot.tree.fetch_commands()
    assert {c.name for c in fetched} == {"party", "result", "ping"}


async def test_things_added_after_ready_reach_the_bot(sb: DiscordSandbox, setup, bot):
    newbie = sb.add_member(setup.guild, "newbie")
    annex = sb.add_channel(setup.guild, "annex")
    guild = bot.get_guild(setup.guild.id)
    await sb.wait_until(lambda: guild.get_member(newbie.id) and guild.get_channel(annex.id), 5)


async def test_gateway_drop_resumes_and_replays_missed_events(sb: DiscordSandbox, setup, bot):
    await sb.drop_gateway(resumable=True)
    late = sb.add_member(setup.guild, "late")  # dispatched while the bot is disconnected
    await sb.wait_until(lambda: sb.gateway_connections.resumes == 1, 10, "a RESUME")
    guild = bot.get_guild(setup.guild.id)
    await sb.wait_until(lambda: guild.get_member(late.id), 5, "the missed GUILD_MEMBER_ADD")
    reply = await sb.slash(setup.amy, setup.chan, "ping")
    assert reply.error is None and reply.content == "pong"
    assert sb.gateway_connections.identifies == 1


async def test_unresumable_drop_gets_op9_then_a_fresh_identify(sb: DiscordSandbox, setup, bot):
    await sb.drop_gateway(resumable=False)
    await sb.wait_until(lambda: sb.gateway_connections.identifies == 2, 10, "a second IDENTIFY")
    assert sb.gateway_connections.invalid_sessions == 1
    await sb.wait_until_ready()
    reply = await sb.slash(setup.amy, setup.chan, "ping")
    assert reply.content == "pong"


async def test_op7_reconnect_resumes(sb: DiscordSandbox, setup, bot):
    await sb.request_reconnect()
    await sb.wait_until(lambda: sb.gateway_connections.resumes == 1, 10, "a RESUME after op 7")
    assert (await sb.slash(setup.amy, setup.chan, "ping")).content == "pong"


async def test_wrong_token_is_a_login_failure(sb: DiscordSandbox, setup, pointed):
    client = SandboxTestBot()
    with pytest.raises(discord.LoginFailure):
        await client.login("not-the-token")
    await client.close()
    assert sb.requests[-1].status == 401


async def test_identify_with_wrong_token_closes_4004(sb: DiscordSandbox):
    async with aiohttp.ClientSession() as session, session.ws_connect(sb.gateway_url) as ws:
        hello = await ws.receive_json()
        assert hello["op"] == 10 and hello["d"]["heartbeat_interval"] == 41250
        await ws.send_json({"op": 1, "d": None})
        assert (await ws.receive_json())["op"] == 11
        await ws.send_json({"op": 2, "d": {"token": "bad", "properties": {}, "intents": 0}})
        msg = await ws.receive()
        assert msg.type == aiohttp.WSMsgType.CLOSE and msg.data == 4004


async def test_unknown_route_is_recorded(sb: DiscordSandbox, setup, bot):
    route = discord.http.Route("GET", "/guilds/{guild_id}/bans", guild_id=setup.guild.id)
    with pytest.raises(discord.NotFound) as info:
        await bot.http.request(route)
    assert info.value.text == "404: Not Found"
    assert [(u.method, u.path) for u in sb.unknown_routes] == [
        ("GET", f"/api/v10/guilds/{setup.guild.id}/bans")
    ]


async def test_guild_commands_are_found_first_and_carry_guild_id(sb: DiscordSandbox, setup, bot):
    guild = discord.Object(setup.guild.id)
    bot.tree.copy_global_to(guild=guild)
    await bot.tree.sync(guild=guild)
    sync = sb.command_syncs[-1]
    assert (sync.method, sync.guild_id, sync.count) == ("PUT", setup.guild.id, 3)
    assert all(c["guild_id"] == str(setup.guild.id) for c in sb.commands(setup.guild))
    reply = await sb.slash(setup.amy, setup.chan, "ping")
    assert reply.content == "pong"
    sent = sb.interactions[-1].payload["data"]
    assert sent["guild_id"] == str(setup.guild.id)
    assert sent["id"] == next(c["id"] for c in sb.commands(setup.guild) if c["name"] == "ping")
