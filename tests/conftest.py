"""Shared fixtures: a local Discord (the sandbox), a populated guild, and the real bot connected to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from offline.runner import InProcessBot
from sandbox import MANAGE_GUILD, Channel, DiscordSandbox, Guild, Member, Role
from storage import Storage


@dataclass
class Lounge:
    """The world a test drives: a guild with a host, guests and channels, and the bot running in it."""

    sb: DiscordSandbox
    guild: Guild
    channel: Channel
    announcements: Channel
    host_role: Role
    host: Member
    guests: list[Member]
    runner: InProcessBot
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def store(self) -> Storage:
        assert self.runner.store is not None, "the bot is not running"
        return self.runner.store


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Storage]:
    """A fresh, migrated database file, for the storage tests."""
    store = await Storage.open(tmp_path / "lounge.db")
    yield store
    await store.close()


@pytest.fixture
async def sandbox() -> AsyncIterator[DiscordSandbox]:
    async with DiscordSandbox() as sb:
        yield sb


@pytest.fixture
async def lounge(sandbox: DiscordSandbox, tmp_path: Path) -> AsyncIterator[Lounge]:
    guild = sandbox.add_guild("Losers Lounge")
    channel = sandbox.add_channel(guild, "watch-party")
    announcements = sandbox.add_channel(guild, "results")
    host_role = sandbox.add_role(guild, "Party hosts")
    host = sandbox.add_member(guild, "tina", permissions=MANAGE_GUILD)
    guests = [sandbox.add_member(guild, name) for name in ("amy", "bob", "carol", "dev")]
    runner = InProcessBot(sandbox, tmp_path / "lounge.db")
    await runner.start()
    try:
        yield Lounge(sandbox, guild, channel, announcements, host_role, host, guests, runner)
    finally:
        await runner.stop()


async def eventually(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 5.0) -> None:
    """Waits for an async condition (a database read) with a deadline."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)
