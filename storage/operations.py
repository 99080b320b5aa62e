"""Looking after the database file from outside the running bot: checking it, and backing it up.

Both use the standard `sqlite3` module on their own connection, because they run as short commands
(`python bot.py --check`, `make backup`), possibly while the bot has the same file open.

A backup goes through SQLite's online backup API, never a file copy: the database runs in WAL mode, so
the main file alone can be missing committed pages, and a copy taken mid-write can be torn. The backup
copies every page in one step inside one read transaction, which in WAL mode does not block the bot's
writes, so the copy is the database exactly as it was when that transaction began.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from storage.database import list_migrations

BACKUP_SUFFIX = ".db"


class BackupFailed(Exception):
    """The backup could not be made; the message says why, in one sentence."""


def database_problems(path: Path) -> list[str]:
    """What would stop the bot from using the database at `path`, one sentence each; never writes to it.

    A missing file is fine when its folder can be created and written: the bot creates it at start.
    """
    if not path.exists():
        folder = path.parent
        while not folder.exists():
            folder = folder.parent
        if not folder.is_dir():
            return [f"cannot create the database at {path}: {folder} is a file, not a folder."]
        if not os.access(folder, os.W_OK | os.X_OK):
            return [f"cannot create the database at {path}: {folder} is not writable."]
        return []
    if path.is_dir():
        return [f"the database path {path} is a folder; point DATABASE_PATH at a file."]
    if not os.access(path, os.R_OK | os.W_OK):
        return [f"the database at {path} is not readable and writable by this user."]
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True)
    except sqlite3.Error as exc:
        return [f"cannot open the database at {path}: {exc}."]
    try:
        connection.execute("PRAGMA busy_timeout = 5000")
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
        verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        return [f"the file at {path} is not a usable SQLite database ({exc})."]
    finally:
        connection.close()
    problems = []
    if verdict != "ok":
        problems.append(f"the database at {path} is damaged ({verdict}); restore the latest backup.")
    known = len(list_migrations())
    if version > known:
        problems.append(
            f"the database at {path} is at version {version}, newer than this code ({known}): "
            "run the newer code or point DATABASE_PATH elsewhere."
        )
    return problems


def pending_migrations(path: Path) -> int:
    """How many migrations the next start will apply to the database at `path` (0 for a new file)."""
    if not path.is_file():
        return 0
    with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as connection:
        version = int(connection.execute("PRAGMA user_version").fetchone()[0])
    return max(len(list_migrations()) - version, 0)


def backup_target(destination: str | None, default_folder: Path, database: Path) -> Path:
    """Where a backup goes: `destination` if it names a file, else a timestamped file in that folder.

    `destination` names a folder when one exists there or when it ends with a slash; without a
    destination the folder is `default_folder`. The name is `<database stem>-<UTC time>.db`.
    """
    folder = default_folder
    if destination:
        path = Path(destination).expanduser()
        if not (path.is_dir() or destination.endswith(("/", os.sep))):
            return path
        folder = path
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    return folder / f"{database.stem}-{stamp}{BACKUP_SUFFIX}"


def backup_database(source: Path, target: Path) -> Path:
    """Writes a consistent copy of the database at `source` to `target` and returns `target`.

    The copy is written beside the target under a temporary name, checked with `PRAGMA quick_check`
    (the full `integrity_check` also cross-checks every index, twenty times slower on a big file, and
    a page-for-page copy has the source's indexes), switched to a self-contained rollback journal, and
    only then renamed into place, so a backup file that exists is always whole.

    :raises BackupFailed: the source is missing or unreadable, or the target cannot be written.
    """
    if not source.is_file():
        raise BackupFailed(f"there is no database at {source} to back up (check DATABASE_PATH).")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupFailed(f"cannot create the folder {target.parent}: {exc.strerror or exc}.") from exc
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)) as src:
            src.execute("PRAGMA busy_timeout = 5000")
            with closing(sqlite3.connect(partial)) as copy:
                # pages=-1: every page in one step, so the bot's writes never restart the copy.
                src.backup(copy, pages=-1)
                verdict = copy.execute("PRAGMA quick_check").fetchone()[0]
                if verdict != "ok":
                    raise BackupFailed(f"the copy failed its integrity check ({verdict}).")
                copy.execute("PRAGMA journal_mode = DELETE")
        os.replace(partial, target)
    except (sqlite3.Error, OSError) as exc:
        raise BackupFailed(f"the backup to {target} failed: {exc}.") from exc
    finally:
        partial.unlink(missing_ok=True)
    return target

