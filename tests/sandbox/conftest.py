"""Fixtures: a fresh sandbox with one guild, and a real discord.py bot logged into it."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

import discord
import pytest
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route
from sandbox_botkit import SandboxTestBot

from sandbox import MANAGE_GUILD, Channel, DiscordSandbox, Guild, Member, Role


@dataclass
class Setup:
    guild: Guild
    chan: Channel
    other: Channel
    hosts: Role
    host: Member
    amy: Member


@pytest.fixture
async def sb():
    async with DiscordSandbox(rate_limits=True) as sandbox:
        yield sandbox


@pytest.fixture
def setup(sb: DiscordSandbox) -> Setup:
    guild = sb.add_guild("Losers Lounge")
    chan = sb.add_channel(guild, "party")
    other = sb.add_channel(guild, "general")
    hosts = sb.add_role(guild, "Hosts")
    host = sb.add_member(guild, "tina", permissions=MANAGE_GUILD, roles=[hosts])
    amy = sb.add_member(guild, "amy", dm_open=False)
    return Setup(guild, chan, other, hosts, host, amy)


@pytest.fixture
def pointed(sb: DiscordSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point discord.py at the sandbox the way the bot does from DISCORD_API_BASE / DISCORD_GATEWAY_URL."""
    monkeypatch.setattr(Route, "BASE", sb.api_base)
    monkeypatch.setattr(DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(sb.gateway_url))


@pytest.fixture
async def bot(sb: DiscordSandbox, setup: Setup, pointed: None):
    client = SandboxTestBot()
    task = asyncio.create_task(client.start(sb.token))
    await sb.wait_until_ready(timeout=10)
    await sb.wait_for_commands(timeout=10)
    yield client
    await client.close()
    with contextlib.suppress(asyncio.CancelledError, discord.DiscordException):
        await asyncio.wait_for(task, 5)
    assert sb.server_errors == []
