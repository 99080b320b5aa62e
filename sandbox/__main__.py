"""Run the sandbox standalone: ``python -m sandbox [--port N] [--no-rate-limits]``.

Creates one guild with a channel and two members, prints the environment variables that point a bot at
it, and serves until interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib

from . import MANAGE_GUILD, DiscordSandbox


async def serve(port: int, rate_limits: bool, guild_name: str, token: str | None) -> None:
    async with DiscordSandbox(port=port, rate_limits=rate_limits, token=token) as sb:
        guild = sb.add_guild(guild_name)
        general = sb.add_channel(guild, "general")
        party = sb.add_channel(guild, "party")
        host = sb.add_member(guild, "host", permissions=MANAGE_GUILD)
        guest = sb.add_member(guild, "guest")
        print(f"Discord sandbox listening on {sb.base_url}", flush=True)
        print(f"guild {guild.id}  #general {general.id}  #party {party.id}", flush=True)
        print(f"members: host {host.id} (Manage Server), guest {guest.id}", flush=True)
        for key, value in sb.env.items():
            print(f"export {key}={value}", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    parser.add_argument("--port", type=int, default=8799, help="port on 127.0.0.1 (0 = any free port)")
    parser.add_argument("--no-rate-limits", action="store_true", help="serve without rate limits")
    parser.add_argument("--guild", default="Losers Lounge", help="name of the guild to create")
    parser.add_argument("--token", default=None, help="bot token to accept (default: a random one)")
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(args.port, not args.no_rate_limits, args.guild, args.token))


if __name__ == "__main__":
    main()
