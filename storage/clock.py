"""How storage writes and reads moments: aware UTC datetimes in, ISO-8601 UTC text in the database."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_text(moment: datetime | None) -> str | None:
    """ISO text in UTC; naive datetimes are refused because their zone would be a guess."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        raise ValueError("storage only takes aware datetimes")
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def from_text(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)
