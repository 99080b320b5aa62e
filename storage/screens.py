"""The secret links to parties' live screens: making one, replacing it, and finding a party by its token.

Whoever holds the link can watch the party's screen, so the token is the only key: 24 random bytes
(192 bits) from `secrets`, never derived from anything guessable. A reset replaces it and touches the
party (Topic.PARTY), so pages open on the old link are closed by the screen's next snapshot.
"""

from __future__ import annotations

import secrets

from storage.changes import Topic
from storage.clock import to_text, utc_now
from storage.database import Database

TOKEN_BYTES = 24


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class ScreenStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def link(self, party_id: int) -> str:
        """The party's screen token, made on first use."""
        async with self._db.transaction() as tx:
            token = await tx.fetch_value("SELECT token FROM screen_links WHERE party_id = ?", (party_id,))
            if token is None:
                token = new_token()
                await tx.execute(
                    "INSERT INTO screen_links (party_id, token, created_at) VALUES (?, ?, ?)",
                    (party_id, token, to_text(utc_now())),
                )
        return str(token)

    async def reset(self, party_id: int) -> str:
        """A new token for the party; the old one stops working in the same commit."""
        token = new_token()
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO screen_links (party_id, token, created_at) VALUES (?, ?, ?) "
                "ON CONFLICT (party_id) DO UPDATE SET token = excluded.token, "
                "created_at = excluded.created_at",
                (party_id, token, to_text(utc_now())),
            )
            tx.touch(party_id, Topic.PARTY)
        return token

    async def party_of(self, token: str) -> int | None:
        """The party a token opens, or None for an unknown or replaced token."""
        value = await self._db.fetch_value("SELECT party_id FROM screen_links WHERE token = ?", (token,))
        return None if value is None else int(value)

    async def token_of(self, party_id: int) -> str | None:
        value = await self._db.fetch_value("SELECT token FROM screen_links WHERE party_id = ?", (party_id,))
        return None if value is None else str(value)
