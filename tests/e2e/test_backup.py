"""`make backup` (`python bot.py --backup`) while the bot takes a burst of pledges: a whole, current copy."""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import sys
from pathlib import Path

from conftest import Lounge

from offline.runner import PROJECT_DIR
from storage import Storage


async def test_a_backup_during_a_pledge_burst_holds_every_confirmed_pledge(
    lounge: Lounge, tmp_path: Path
) -> None:
    sb = lounge.sb
    r = await sb.slash(lounge.host, lounge.channel, "party create", name="Backed-up night", goal="$20,000")
    assert r.error is None
    confirmed: list[int] = []
    stop = asyncio.Event()

    async def pledge_until_stopped(member: object) -> None:
        while not stop.is_set():
            reply = await sb.slash(member, lounge.channel, "pledge", amount="5")
            assert reply.error is None and "recorded" in reply.content, reply.content
            confirmed.append(reply.interaction_id)

    burst = [asyncio.create_task(pledge_until_stopped(member)) for member in lounge.guests]
    await sb.wait_until(lambda: len(confirmed) >= 20, 30, "20 confirmed pledges")

    before_backup = set(confirmed)
    folder = tmp_path / "backups"
    folder.mkdir()
    env = {**os.environ, "DATABASE_PATH": str(lounge.runner.database_path), "BACKUP_TO": str(folder)}
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(PROJECT_DIR / "bot.py"), "--backup", cwd=PROJECT_DIR, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    after_backup = len(confirmed)
    stop.set()
    await asyncio.gather(*burst)

    assert process.returncode == 0, output.decode()
    [copy] = folder.iterdir()
    # The database's name and a UTC timestamp, so backups sort by time and never overwrite each other.
    assert re.fullmatch(r"lounge-\d{8}-\d{6}\.db", copy.name)
    assert output.decode().strip() == f"losers-lounge: backed up {lounge.runner.database_path} to {copy}"
    assert after_backup > len(before_backup), "the burst should still be running while the backup ran"
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # One self-contained file: no WAL beside it to lose when the file alone is copied elsewhere.
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        saved = {row[0] for row in db.execute("SELECT interaction_id FROM pledges")}
    assert before_backup <= saved
    assert saved <= set(confirmed)  # nothing in the copy that the bot did not confirm

    # Restoring is pointing the bot at the copy: it opens and reads as the live database did.
    restored = await Storage.open(copy)
    try:
        party = await restored.parties.latest_party(lounge.guild.id)
        assert party is not None and party.name == "Backed-up night"
    finally:
        await restored.close()


async def test_a_backup_of_a_missing_database_is_one_clear_line(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_PATH": str(tmp_path / "nothing.db"), "BACKUP_TO": ""}
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(PROJECT_DIR / "bot.py"), "--backup", str(tmp_path / "copy.db"), cwd=PROJECT_DIR,
        env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 2
    assert output.decode().strip() == (
        f"losers-lounge: there is no database at {tmp_path / 'nothing.db'} to back up (check DATABASE_PATH)."
    )
    assert not (tmp_path / "copy.db").exists()


async def test_make_backup_writes_a_timestamped_copy_and_says_where(tmp_path: Path) -> None:
    database = tmp_path / "lounge.db"
    store = await Storage.open(database)
    await store.close()
    folder = tmp_path / "copies"
    env = {**os.environ, "DATABASE_PATH": str(database), "BACKUP_TO": f"{folder}{os.sep}"}
    env.pop("MAKEFLAGS", None)
    process = await asyncio.create_subprocess_exec(
        "make", "--no-print-directory", "backup", cwd=PROJECT_DIR, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, output.decode()
    [line] = output.decode().splitlines()
    assert re.fullmatch(rf"losers-lounge: backed up {re.escape(str(database))} to {re.escape(str(folder))}/"
                        r"lounge-\d{8}-\d{6}\.db", line)
