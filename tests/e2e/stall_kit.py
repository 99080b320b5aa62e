"""Another process holding the database: what a backup, a migration or a stuck script does to the bot."""

from __future__ import annotations

import sqlite3
import threading
import time


def hold_write_lock(path: str, seconds: float, holding: threading.Event) -> None:
    """Another process's writer: BEGIN IMMEDIATE held for `seconds` (run it in a thread)."""
    connection = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        holding.set()
        time.sleep(seconds)
        connection.execute("ROLLBACK")
    finally:
        connection.close()
