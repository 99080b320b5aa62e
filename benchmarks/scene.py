"""The benchmark's world: a guild of members in the sandbox, the bot as its own process, an open party with
its invitation and live counter, and read-only looks into the bot's database and the counter message.

The bot runs as `python bot.py` (a `BotProcess`) so that it and the sandbox each get a core of their own:
in one process they would share one event loop and every figure would measure both at once.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from offline.runner import BotProcess
from sandbox import MANAGE_GUILD, Channel, DiscordSandbox, Guild, Member, Message

GOAL = "$20,000"
STOP_TIMEOUT = 30.0


class BenchError(Exception):
    """The scene could not be set up as the benchmark needs; the message says which step failed."""


@dataclass
class Scene:
    sb: DiscordSandbox
    guild: Guild
    channel: Channel
    announcements: Channel
    host: Member
    members: list[Member]
    bot: BotProcess
    database: Path
    party_id: int = 0
    invitation: Message | None = None
    # Each member's open /predict ballot (message id), for the predictions phase.
    ballots: dict[int, int] = dataclasses.field(default_factory=dict)

    def query(self, sql: str, params: Iterable[object] = ()) -> list[tuple]:
        """A read of the bot's database from this process (WAL lets it read while the bot writes)."""
        with sqlite3.connect(self.database, timeout=10) as connection:
            return connection.execute(sql, tuple(params)).fetchall()

    def stored_total(self) -> int:
        return int(self.query(
            "SELECT COALESCE(SUM(amount_cents), 0) FROM pledges WHERE party_id = ? AND cancelled_at IS NULL",
            (self.party_id,),
        )[0][0])

    def counter_message(self) -> Message:
        rows = self.query(
            "SELECT message_id FROM party_messages WHERE party_id = ? AND kind = 'counter' "
            "AND retired_at IS NULL",
            (self.party_id,),
        )
        if not rows:
            raise BenchError("the bot has no live counter")
        return self.sb.world.messages[rows[0][0]]

    async def stop_bot(self) -> None:
        """SIGTERM, as a service manager would; kill -9 if a backlog still keeps the bot busy after that."""
        process = self.bot.process
        if process is None or process.returncode is not None:
            return
        try:
            await self.bot.stop(timeout=STOP_TIMEOUT)
        except TimeoutError:
            print(f"  the bot was still busy {STOP_TIMEOUT:g} s after SIGTERM; killing it", file=sys.stderr)
            await self.bot.kill()

    def bot_cpu_seconds(self) -> float:
        """CPU time the bot process has used so far, every thread counted (from /proc)."""
        process = self.bot.process
        if process is None or process.returncode is not None:
            return 0.0
        stat = Path(f"/proc/{process.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def bot_memory_mb(self) -> tuple[float, float]:
        """The bot process's resident memory now and at its peak, in MB (from /proc)."""
        process = self.bot.process
        if process is None or process.returncode is not None:
            return 0.0, 0.0
        status = Path(f"/proc/{process.pid}/status").read_text()
        values = {}
        for line in status.splitlines():
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024
        return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


async def build(
    sb: DiscordSandbox, folder: Path, member_count: int, extra_env: dict[str, str] | None = None
) -> Scene:
    """Creates the guild and its members, starts the bot process and opens the party."""
    guild = sb.add_guild("Losers Lounge")
    channel = sb.add_channel(guild, "watch-party")
    announcements = sb.add_channel(guild, "announcements")
    host = sb.add_member(guild, "tina", permissions=MANAGE_GUILD)
    members = [sb.add_member(guild, f"guest{n:03d}") for n in range(member_count)]
    database = folder / "lounge.db"
    bot = BotProcess(sb, database, folder / "bot.log", extra_env=extra_env)
    scene = Scene(sb, guild, channel, announcements, host, members, bot, database)
    await bot.start()
    await sb.wait_for_commands(timeout=20)
    await _open_party(scene)
    return scene


async def _open_party(scene: Scene) -> None:
    sb = scene.sb
    r = await sb.slash(
        scene.host, scene.channel, "party create", name="Losers Lounge",
        charity="Worldwide Orphans Foundation", goal=GOAL, announce_channel=scene.announcements,
    )
    if r.error or not r.content.startswith("The party is open"):
        raise BenchError(f"/party create failed: {r.error or r.content}")
    scene.party_id = scene.query(
        "SELECT id FROM parties WHERE guild_id = ? AND closed_at IS NULL", (scene.guild.id,)
    )[0][0]
    # The invitation goes to #announcements and the counter stays in #watch-party: each channel has its
    # own write budget (5 per 5 s), as a host would lay a party out.
    r = await sb.slash(scene.host, scene.channel, "party invite", options={"channel": scene.announcements})
    if r.error or "Invitation posted" not in r.content:
        raise BenchError(f"/party invite failed: {r.error or r.content}")
    scene.invitation = next(
        m for m in sb.messages(scene.announcements, ephemeral=False) if m.components
    )
    r = await sb.slash(scene.host, scene.channel, "party counter")
    if r.error or "Counter posted" not in r.content:
        raise BenchError(f"/party counter failed: {r.error or r.content}")


def pledged_shown(message: Message | dict) -> str | None:
    """The "Pledged" figure of a counter embed (a message, or an edit's request body)."""
    embeds = message.embeds if isinstance(message, Message) else message.get("embeds") or []
    for embed in embeds:
        for field in embed.get("fields") or []:
            if field.get("name") == "Pledged":
                return field.get("value")
    return None


def now() -> float:
    return time.monotonic()
