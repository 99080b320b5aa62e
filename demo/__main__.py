"""Plays a short party with the real bot against the local Discord-compatible sandbox, printing the chat.

The script drives the bot only through the sandbox's interaction API, the way Discord would.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
from pathlib import Path

from offline.runner import InProcessBot
from sandbox import MANAGE_GUILD, DiscordSandbox, InteractionReply


def show(who: str, command: str, reply: InteractionReply) -> None:
    print(f"\n{who} › /{command}")
    if reply.error:
        print(f"  (no answer: {reply.error})")
        return
    private = " (only they see this)" if reply.ephemeral else ""
    if reply.content:
        print(f"  Losers Lounge{private}: {reply.content}")
    for embed in reply.embeds:
        print(f"  ┃ {embed.get('title', '')}")
        if embed.get("description"):
            print(f"  ┃ {embed['description']}")
        for field in embed.get("fields", []):
            value = field["value"].replace("\n", " · ")
            print(f"  ┃ {field['name']}: {value}")


async def play(database: Path) -> None:
    async with DiscordSandbox() as sb:
        guild = sb.add_guild("Losers Lounge")
        channel = sb.add_channel(guild, "watch-party")
        host = sb.add_member(guild, "tina", permissions=MANAGE_GUILD)
        amy = sb.add_member(guild, "amy")
        runner = InProcessBot(sb, database)
        await runner.start()
        try:
            options = {
                "name": "Losers Lounge", "venue": "Soho House", "starts": "2013-09-22 20:00",
                "ends": "01:30", "timezone": "America/Los_Angeles",
                "charity": "Worldwide Orphans Foundation", "goal": "$20,000",
            }
            show("tina", "party create", await sb.slash(host, channel, "party create", **options))
            show("amy", "party create", await sb.slash(amy, channel, "party create", name="Amy's party"))
            show("amy", "party show", await sb.slash(amy, channel, "party show"))
        finally:
            await runner.stop()
    print(f"\nThe night's database: {database}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--output", type=Path, default=None, help="folder for the database (default: a temp folder)"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    output = args.output or Path(tempfile.mkdtemp(prefix="losers-lounge-demo-"))
    output.mkdir(parents=True, exist_ok=True)
    asyncio.run(play(output / "lounge.db"))


if __name__ == "__main__":
    main()
