"""`python bot.py` as a user runs it: clear one-line failures, no token in logs, clean stop, kill -9."""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import sys
from pathlib import Path

import aiohttp

from offline.events import EventStream
from offline.runner import PROJECT_DIR, BotProcess
from sandbox import MANAGE_GUILD, DiscordSandbox

SETTINGS = ("DISCORD_TOKEN", "DATABASE_PATH", "LOG_LEVEL", "DEV_GUILD_ID", "DISCORD_API_BASE",
            "DISCORD_GATEWAY_URL")


async def run_bot(env: dict[str, str], timeout: float = 20.0) -> tuple[int, str]:
    full_env = {**os.environ, **dict.fromkeys(SETTINGS, ""), **env}
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(PROJECT_DIR / "bot.py"), cwd=PROJECT_DIR, env=full_env,
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
