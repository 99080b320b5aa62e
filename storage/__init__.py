"""Everything the bot keeps, behind one facade: the only package that speaks SQL.

`Storage.open(path)` opens the single SQLite connection, applies migrations and hands out one store per
area. A server database could replace SQLite behind these same stores.
"""

from __future__ import annotations

from pathlib import Path

from storage.database import Database, DatabaseUnavailable
from storage.meta import MetaStore
from storage.parties import Party, PartySettings, PartyStore

__all__ = ["Database", "DatabaseUnavailable", "Party", "PartySettings", "PartyStore", "Storage"]


class Storage:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.meta = MetaStore(database)
        self.parties = PartyStore(database)

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True) -> Storage:
        """:raises DatabaseUnavailable: the path cannot be created or written."""
        return cls(await Database.open(path, migrate=migrate))

    async def close(self) -> None:
        await self.database.close()
