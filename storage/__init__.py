"""Everything the bot keeps, behind one facade: the only package that speaks SQL.

`Storage.open(path)` opens the single SQLite connection, applies migrations and hands out one store per
area. A server database could replace SQLite behind these same stores.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from storage.arrivals import ArrivalStore
from storage.audit import AuditStore
from storage.ballot import BallotStore
from storage.closing import WrapupFacts, close_party
from storage.database import Database, DatabaseUnavailable
from storage.dues import DuesStore
from storage.fundraising import FundraisingStore
from storage.ledger import LedgerStore
from storage.meta import MetaStore
from storage.outbox import OutboxStore, OutgoingMessage
from storage.parties import Party, PartySettings, PartyStore
from storage.party_messages import PartyMessage, PartyMessageStore
from storage.predictions import PredictionStore
from storage.privacy import PrivacyStore
from storage.reports import ReportStore
from storage.results import ResultStore
from storage.rsvps import RsvpStore
from storage.screens import ScreenStore

__all__ = [
    "ArrivalStore",
    "AuditStore",
    "BallotStore",
    "Database",
    "DatabaseUnavailable",
    "DuesStore",
    "FundraisingStore",
    "LedgerStore",
    "OutboxStore",
    "Party",
    "PartyMessage",
    "PartyMessageStore",
    "PartySettings",
    "PartyStore",
    "PredictionStore",
    "PrivacyStore",
    "ReportStore",
    "ResultStore",
    "RsvpStore",
    "ScreenStore",
    "Storage",
    "WrapupFacts",
]


class Storage:
    def __init__(self, database: Database) -> None:
        self.database = database
        self.meta = MetaStore(database)
        self.parties = PartyStore(database)
        self.party_messages = PartyMessageStore(database)
        self.ballot = BallotStore(database)
        self.rsvps = RsvpStore(database)
        self.results = ResultStore(database)
        self.dues = DuesStore(database)
        self.arrivals = ArrivalStore(database)
        self.reports = ReportStore(database)
        self.fundraising = FundraisingStore(database)
        self.predictions = PredictionStore(database)
        self.ledger = LedgerStore(database)
        self.audit = AuditStore(database)
        self.outbox = OutboxStore(database)
        self.screens = ScreenStore(database)
        self.privacy = PrivacyStore(database)

    @classmethod
    async def open(cls, path: Path | str, *, migrate: bool = True) -> Storage:
        """:raises DatabaseUnavailable: the path cannot be created or written."""
        return cls(await Database.open(path, migrate=migrate))

    async def close_party(
        self,
        party_id: int,
        *,
        channel_id: int,
        compose: Callable[[WrapupFacts], OutgoingMessage],
        by: int | None = None,
    ) -> tuple[Party, int]:
        """Closes the night and queues its wrap-up together (see storage.closing); `by` goes in the log."""
        return await close_party(self, party_id, channel_id=channel_id, compose=compose, by=by)

    async def close(self) -> None:
        await self.database.close()
