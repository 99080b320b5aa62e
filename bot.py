"""Entry point: `python bot.py` (or `make run`). Owns the settings, logging, database and bot lifetimes.

Every way a start can fail for a reason the user can fix (no token, a token Discord rejects, a database
path that cannot be written) ends with one line on stderr saying what to do, and exit code 2.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys

import aiohttp
import discord

from lounge.client import LoungeBot, use_discord_endpoints
from lounge.logs import configure_logging
from lounge.settings import Secret, Settings, SettingsError, load_settings, log_level_number
from storage import DatabaseUnavailable, Storage
from web.server import ScreenUnavailable

log = logging.getLogger("lounge")

EXIT_SETUP_PROBLEM = 2


class StartFailed(Exception):
    """A start-up failure the user can fix; the message is the one line they read."""


def fail(message: str) -> int:
    print(f"losers-lounge: {message}", file=sys.stderr)
    return EXIT_SETUP_PROBLEM


async def run(settings: Settings, token: Secret) -> None:
    try:
        store = await Storage.open(settings.database_path, migrate=False)
    except DatabaseUnavailable as exc:
        raise StartFailed(f"{exc}. Set DATABASE_PATH to a file in a folder you can write.") from None
    try:
        bot = LoungeBot(store, dev_guild_id=settings.dev_guild_id, web=settings.web)
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, lambda: asyncio.ensure_future(bot.close()))
        async with bot:
            await bot.start(token.reveal())
    except discord.LoginFailure:
        raise StartFailed(
            "Discord rejected DISCORD_TOKEN. Copy a fresh token from the Developer Portal "
            "(your application → Bot → Reset Token) into .env."
        ) from None
    except discord.PrivilegedIntentsRequired:
        raise StartFailed("Discord refused an intent this bot asked for; see README.md, Intents.") from None
    except DatabaseUnavailable as exc:
        raise StartFailed(f"{exc}. Set DATABASE_PATH to a file in a folder you can write.") from None
    except ScreenUnavailable as exc:
        raise StartFailed(str(exc)) from None
    except (aiohttp.ClientConnectionError, discord.GatewayNotFound) as exc:
        raise StartFailed(
            f"could not reach Discord at {discord.http.Route.BASE} ({type(exc).__name__}). "
            "Check the network connection, or DISCORD_API_BASE if you set it."
        ) from None
    finally:
        await store.close()
    log.info("Stopped cleanly")


def main() -> int:
    try:
        settings = load_settings()
        token = settings.require_token()
    except SettingsError as exc:
        return fail(str(exc))
    configure_logging(log_level_number(settings), secrets=[token.reveal()])
    use_discord_endpoints(settings.api_base, settings.gateway_url)
    try:
        asyncio.run(run(settings, token))
    except StartFailed as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
