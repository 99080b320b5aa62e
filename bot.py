"""Entry point: `python bot.py` (or `make run`). Owns the settings, logging, database and bot lifetimes.

Every way a start can fail for a reason the user can fix (no token, a token Discord rejects, a database
path that cannot be written) ends with one line on stderr saying what to do, and exit code 2.
`--check` and `--backup` (what `make backup` runs) work on the settings and the database file without
connecting to Discord; `--help` lists the settings and flags.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys

import aiohttp
import discord

try:
    import uvloop
except ImportError:  # requirements.txt installs it wherever it builds (not on Windows)
    uvloop = None

from lounge import VERSION, heap
from lounge.client import LoungeBot, use_discord_endpoints
from lounge.logs import configure_logging
from lounge.settings import (
    PROJECT_DIR,
    SETTINGS_HELP,
    Secret,
    Settings,
    SettingsError,
    load_settings,
    log_level_number,
    read_settings,
)
from storage import DatabaseUnavailable, Storage
from storage.operations import (
    BackupFailed,
    backup_database,
    backup_target,
    database_problems,
    pending_migrations,
)
from web.server import ScreenUnavailable

log = logging.getLogger("lounge")

EXIT_SETUP_PROBLEM = 2
BACKUP_FOLDER = PROJECT_DIR / "backups"


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


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    settings = "\n".join(f"  {name:<21} {meaning}" for name, meaning in SETTINGS_HELP)
    parser = argparse.ArgumentParser(
        prog="bot.py",
        description="Losers Lounge: a Discord bot for an awards-night watch party. With no flag, it starts.",
        epilog=(
            "settings (from the environment, or from .env in the project folder; the environment wins):\n"
            f"{settings}"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"losers-lounge {VERSION}")
    action = parser.add_mutually_exclusive_group()
    action.add_argument(
        "--check", action="store_true",
        help="check the settings and the database without connecting to Discord; "
        "exit 0 if all is well, 2 if not",
    )
    action.add_argument(
        "--backup", nargs="?", const="", metavar="TARGET",
        help="write a consistent copy of the database (safe while the bot runs) to TARGET, a file or a "
        "folder; default BACKUP_TO, else backups/",
    )
    return parser.parse_args(argv)


def check() -> int:
    """One line per problem on stderr and exit 2, or one line saying all is well and exit 0."""
    settings, problems = read_settings()
    if settings.token is None:
        try:
            settings.require_token()
        except SettingsError as exc:
            problems.append(str(exc))
    problems += database_problems(settings.database_path)
    for problem in problems:
        fail(problem)
    if problems:
        return EXIT_SETUP_PROBLEM
    pending = pending_migrations(settings.database_path)
    upgrade = f" The next start applies {pending} migration(s): `make backup` first." if pending else ""
    print(f"losers-lounge: settings look right; database {settings.database_path} is usable.{upgrade}")
    return 0


def backup(target: str) -> int:
    settings, _ = read_settings()  # only the paths matter here; --check reports the rest
    destination = target or settings.backup_to
    try:
        written = backup_database(
            settings.database_path, backup_target(destination, BACKUP_FOLDER, settings.database_path)
        )
    except BackupFailed as exc:
        return fail(str(exc))
    print(f"losers-lounge: backed up {settings.database_path} to {written}")
    return 0


def start() -> int:
    try:
        settings = load_settings()
        token = settings.require_token()
    except SettingsError as exc:
        return fail(str(exc))
    configure_logging(log_level_number(settings), secrets=[token.reveal()])
    use_discord_endpoints(settings.api_base, settings.gateway_url)
    heap.settle()
    try:
        # uvloop's event loop: interactions, HTTP replies and aiosqlite's hand-backs all cost less of the one
        # core the bot runs on (BENCHMARKS.md, "Faster plumbing").
        with asyncio.Runner(loop_factory=uvloop.new_event_loop if uvloop else None) as runner:
            runner.run(run(settings, token))
    except StartFailed as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        pass
    return 0


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    if arguments.check:
        return check()
    if arguments.backup is not None:
        return backup(arguments.backup)
    return start()


if __name__ == "__main__":
    sys.exit(main())
