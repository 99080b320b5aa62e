"""`python bot.py` as a user runs it: clear one-line failures, no token in logs, clean stop, kill -9."""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import sys
from pathlib import Path

import aiohttp

from lounge import VERSION
from lounge.client import BOT_PERMISSIONS
from offline.events import EventStream
from offline.runner import PROJECT_DIR, BotProcess
from sandbox import MANAGE_GUILD, DiscordSandbox
from storage.database import list_migrations

SETTINGS = ("DISCORD_TOKEN", "DATABASE_PATH", "LOG_LEVEL", "DEV_GUILD_ID", "DISCORD_API_BASE",
            "DISCORD_GATEWAY_URL", "BACKUP_TO")


async def run_bot(env: dict[str, str], *flags: str, timeout: float = 20.0) -> tuple[int, str]:
    full_env = {**os.environ, **dict.fromkeys(SETTINGS, ""), **env}
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(PROJECT_DIR / "bot.py"), *flags, cwd=PROJECT_DIR, env=full_env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout)
    return process.returncode, output.decode()


def assert_one_clear_line(output: str, *expected: str) -> None:
    lines = output.strip().splitlines()
    assert len(lines) == 1, output
    assert lines[0].startswith("losers-lounge: ")
    for text in expected:
        assert text in lines[0]
    assert "Traceback" not in output


async def test_missing_token_says_exactly_what_to_do(tmp_path: Path) -> None:
    code, output = await run_bot({"DATABASE_PATH": str(tmp_path / "x.db")})
    assert code == 2
    assert_one_clear_line(output, "DISCORD_TOKEN is not set", ".env", "make demo")
    assert not (tmp_path / "x.db").exists()


async def test_a_rejected_token_is_one_line_that_never_shows_the_token(
    sandbox: DiscordSandbox, tmp_path: Path
) -> None:
    wrong = "MTIzNDU2Nzg5.wrong.token-that-must-not-leak"
    code, output = await run_bot({
        "DISCORD_TOKEN": wrong, "DISCORD_API_BASE": sandbox.api_base,
        "DISCORD_GATEWAY_URL": sandbox.gateway_url, "DATABASE_PATH": str(tmp_path / "x.db"),
    })
    assert code == 2
    assert "Discord rejected DISCORD_TOKEN" in output
    assert wrong not in output and "Traceback" not in output


async def test_an_unwritable_database_path_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    code, output = await run_bot({"DISCORD_TOKEN": "any.token.here", "DATABASE_PATH": str(blocker / "db")})
    assert code == 2
    assert_one_clear_line(output, "cannot open the database", "not-a-folder", "DATABASE_PATH")


async def test_debug_logs_never_contain_the_token_and_sigterm_stops_cleanly(
    sandbox: DiscordSandbox, tmp_path: Path
) -> None:
    guild = sandbox.add_guild("Lounge")
    channel = sandbox.add_channel(guild, "party")
    host = sandbox.add_member(guild, "tina", permissions=MANAGE_GUILD)
    bot = BotProcess(sandbox, tmp_path / "lounge.db", tmp_path / "bot.log", extra_env={"LOG_LEVEL": "DEBUG"})
    await bot.start()
    # The one line a host looks for: who, where, and the invite with our id, scopes and permissions.
    await sandbox.wait_until(lambda: " Ready as " in bot.log_text(), 10, "the ready line")
    ready = next(line for line in bot.log_text().splitlines() if " Ready as " in line)
    assert " INFO " in ready
    assert f"Ready as {sandbox.world.bot_user.username}" in ready
    assert " in 1 server. Invite: https://discord.com/oauth2/authorize?" in ready
    assert f"client_id={sandbox.application_id}" in ready
    assert "scope=bot+applications.commands" in ready
    assert f"permissions={BOT_PERMISSIONS.value}" in ready
    r = await sandbox.slash(host, channel, "party create", name="Debug night")
    assert r.content.startswith("The party is open.")
    assert await bot.stop() == 0

    log = bot.log_text()
    assert "DEBUG" in log  # the test means something only if debug lines were written
    assert sandbox.token not in log
    assert "Stopped cleanly" in log
    with sqlite3.connect(tmp_path / "lounge.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT name FROM parties").fetchall() == [("Debug night",)]


async def test_what_was_confirmed_survives_kill_9(sandbox: DiscordSandbox, tmp_path: Path) -> None:
    guild = sandbox.add_guild("Lounge")
    channel = sandbox.add_channel(guild, "party")
    host = sandbox.add_member(guild, "tina", permissions=MANAGE_GUILD)
    bot = BotProcess(sandbox, tmp_path / "lounge.db", tmp_path / "bot.log")
    await bot.start()
    r = await sandbox.slash(host, channel, "party create", name="Crash-proof")
    assert r.content.startswith("The party is open.")
    await bot.kill()

    await bot.start()
    r = await sandbox.slash(host, channel, "party show")
    assert r.embeds[0]["title"] == "Crash-proof"
    assert len(sandbox.command_syncs) == 1  # the restart found its sync hash and did not sync again
    await bot.stop()


async def test_an_unreachable_api_is_one_line(tmp_path: Path) -> None:
    # A port nothing listens on: bind one, note it, close it.
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    code, output = await run_bot({
        "DISCORD_TOKEN": "any.token.here", "DATABASE_PATH": str(tmp_path / "x.db"),
        "DISCORD_API_BASE": f"http://127.0.0.1:{port}/api/v10",
    })
    assert code == 2
    assert "could not reach Discord" in output and "Traceback" not in output


async def test_help_lists_every_setting_and_flag_and_version_prints_it(tmp_path: Path) -> None:
    code, output = await run_bot({}, "--help")
    assert code == 0
    for text in (*SETTINGS, "--check", "--version", "--backup"):
        assert text in output
    assert "DISCORD_TOKEN is not set" not in output

    code, output = await run_bot({}, "--version")
    assert (code, output.strip()) == (0, f"losers-lounge {VERSION}")
    pyproject = (PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{VERSION}"' in pyproject


async def test_check_says_all_is_well_without_touching_discord(tmp_path: Path) -> None:
    # An API address nothing listens on: a check that connected would fail.
    database = tmp_path / "data" / "lounge.db"
    code, output = await run_bot({
        "DISCORD_TOKEN": "any.token.here", "DATABASE_PATH": str(database),
        "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10",
    }, "--check")
    assert code == 0, output
    assert output.strip().splitlines() == [
        f"losers-lounge: settings look right; database {database} is usable."
    ]
    assert not database.exists()  # a check writes nothing

    # An older database is usable, and the check says the next start will migrate it.
    database.parent.mkdir()
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA user_version = 1")
    code, output = await run_bot({"DISCORD_TOKEN": "a.b.c", "DATABASE_PATH": str(database)}, "--check")
    assert code == 0
    pending = len(list_migrations()) - 1
    assert output.strip().endswith(
        f"is usable. The next start applies {pending} migration(s): `make backup` first."
    )


async def test_check_lists_every_problem_one_line_each(tmp_path: Path) -> None:
    database = tmp_path / "lounge.db"
    with sqlite3.connect(database) as db:
        db.execute("PRAGMA user_version = 999")
    code, output = await run_bot({
        "LOG_LEVEL": "loud", "DEV_GUILD_ID": "my-server", "DATABASE_PATH": str(database),
    }, "--check")
    assert code == 2
    lines = output.strip().splitlines()
    assert len(lines) == 4, output
    assert all(line.startswith("losers-lounge: ") for line in lines)
    assert "LOG_LEVEL must be one of" in lines[0]
    assert "DEV_GUILD_ID must be a server id" in lines[1]
    assert "DISCORD_TOKEN is not set" in lines[2]
    assert "version 999, newer than this code" in lines[3]

    code, output = await run_bot({"DISCORD_TOKEN": "1234567890123456789", "DATABASE_PATH": ""}, "--check")
    assert code == 2
    assert_one_clear_line(output, "DISCORD_TOKEN is not a bot token", "not the application id")

    database.write_bytes(b"this is not a database" * 100)
    code, output = await run_bot({"DISCORD_TOKEN": "a.b.c", "DATABASE_PATH": str(database)}, "--check")
    assert code == 2
    assert_one_clear_line(output, "is not a usable SQLite database")


async def test_make_run_without_a_token_shows_only_the_bots_line(tmp_path: Path) -> None:
    env = {**os.environ, **dict.fromkeys(SETTINGS, ""), "DATABASE_PATH": str(tmp_path / "x.db")}
    env.pop("MAKEFLAGS", None)
    process = await asyncio.create_subprocess_exec(
        "make", "--no-print-directory", "run", cwd=PROJECT_DIR, env=env,
        stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode != 0
    assert_one_clear_line(output.decode(), "DISCORD_TOKEN is not set")


async def test_the_bot_process_serves_the_screen_on_its_own_event_loop(
    sandbox: DiscordSandbox, tmp_path: Path
) -> None:
    """bot.py runs uvloop where it is installed, whose transports are not asyncio's classes: the screen's
    event stream must still deliver (it once dropped every viewer under uvloop)."""
    guild = sandbox.add_guild("Lounge")
    channel = sandbox.add_channel(guild, "party")
    host = sandbox.add_member(guild, "tina", permissions=MANAGE_GUILD)
    bot = BotProcess(sandbox, tmp_path / "lounge.db", tmp_path / "bot.log")
    await bot.start()
    try:
        assert (await sandbox.slash(host, channel, "party create", name="Screen night")).content.startswith(
            "The party is open."
        )
        r = await sandbox.slash(host, channel, "pledge", amount="12.50")
        assert r.content.startswith("Thank you")
        r = await sandbox.slash(host, channel, "party screen")
        link = re.search(r"<(http://127\.0\.0\.1:[0-9]+/screen/[A-Za-z0-9_-]+)>", r.content)
        assert link is not None, r.content
        events = link.group(1) + "/events"
        async with aiohttp.ClientSession() as session, EventStream(session, events) as stream:
            snapshot = await stream.next(timeout=10.0)
        assert snapshot["pledges"] == 1
    finally:
        await bot.stop()
