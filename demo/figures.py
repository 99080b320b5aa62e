"""The night's figures read back from the SQLite file after the bot stopped, and from the bot's wrap-up.

The database is opened read-only with the standard library, and every figure is counted here with its
own SQL, not with the bot's code: the demo checks the bot, it does not take its word. The same figures
are read from the wrap-up message the bot posted, and the two are compared.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

# A person is a linked member wherever they are nominated, or else an unlinked name (as the bot keys it).
_PERSON = "CASE WHEN n.member_id IS NOT NULL THEN 'm:' || n.member_id ELSE 'n:' || n.name_key END"


@dataclass(frozen=True)
class Leader:
    """A name on the passed-over board: how often and in how many categories they lost tonight."""

    name: str
    times: int
    categories: int


@dataclass(frozen=True)
class NightFigures:
    """The night as the database holds it; money in cents."""

    party: str
    raised_cents: int
    received_cents: int
    donors: int
    goal_cents: int | None
    categories: int
    announced: int
    winners: int
    losers: int
    dues: dict[str, int]
    arrivals: int
    going_heads: int
    leaders: tuple[Leader, ...]

    @property
    def ratio(self) -> float:
        """Losers per winner."""
        return self.losers / self.winners if self.winners else 0.0


@dataclass(frozen=True)
class PostedFigures:
    """The same figures as the bot's wrap-up message states them."""

    raised_cents: int
    received_cents: int
    donors: int
    announced: int
    categories: int
    winners: int
    losers: int


def money_text(cents: int) -> str:
    """"$20,000", or "$12.50" when there are cents."""
    dollars, rest = divmod(cents, 100)
    return f"${dollars:,}" if rest == 0 else f"${dollars:,}.{rest:02d}"


def dues_text(figures: NightFigures) -> str:
    """"5 paid, 1 waived, 1 owed": the winners' dues by how they stand."""
    return ", ".join(f"{count} {status}" for status, count in sorted(figures.dues.items())) or "none"


def cents_of(text: str) -> int:
    """"$1,912.50" in cents."""
    dollars, _, rest = text.lstrip("$").replace(",", "").partition(".")
    return int(dollars) * 100 + int((rest + "00")[:2])


def _scalar(db: sqlite3.Connection, sql: str, params: tuple[Any, ...] | dict[str, Any]) -> int:
    row = db.execute(sql, params).fetchone()
    return int(row[0] or 0)


# Raised: live pledges, winners' dues not waived, and what a member paid beyond both (an extra gift).
RAISED_SQL = (
    "SELECT sum(pledged + dues + max(received - pledged - dues, 0)) FROM ("
    " SELECT user_id, sum(pledged) AS pledged, sum(dues) AS dues, sum(received) AS received FROM ("
    "  SELECT user_id, amount_cents AS pledged, 0 AS dues, 0 AS received FROM pledges"
    "  WHERE party_id = :p AND cancelled_at IS NULL AND voided_at IS NULL"
    "  UNION ALL SELECT user_id, 0, amount_cents, 0 FROM dues"
    "  WHERE party_id = :p AND status IN ('owed', 'paid')"
    "  UNION ALL SELECT user_id, 0, 0, amount_cents FROM payments WHERE party_id = :p AND voided_at IS NULL"
    " ) GROUP BY user_id)"
)


def read_figures(database: Path) -> NightFigures:
    """The figures of the guild's latest party, from the database file opened read-only."""
    db = sqlite3.connect(f"{database.resolve().as_uri()}?mode=ro", uri=True)
    try:
        party = db.execute("SELECT id, name, goal_cents FROM parties ORDER BY id DESC LIMIT 1").fetchone()
        if party is None:
            raise ValueError(f"{database} holds no party")
        party_id, name, goal = party
        one = (party_id,)
        live = "SELECT category_id, nominee_id FROM results WHERE party_id = ? AND undone_at IS NULL"
        people = (
            f"SELECT n.id AS nominee_id, {_PERSON} AS who FROM nominees n "
            f"JOIN ({live}) l ON l.category_id = n.category_id"
        )
        winners = f"SELECT p.who FROM ({people}) p JOIN ({live}) l ON l.nominee_id = p.nominee_id"
        dues = dict(
            db.execute("SELECT status, count(*) FROM dues WHERE party_id = ? GROUP BY status", one).fetchall()
        )
        leaders = db.execute(
            f"SELECT min(n.name), count(*) AS times, count(DISTINCT c.name_key) AS categories "
            "FROM results r JOIN categories c ON c.id = r.category_id "
            "JOIN nominees n ON n.category_id = r.category_id AND n.id != r.nominee_id "
            f"WHERE r.party_id = ? AND r.undone_at IS NULL GROUP BY {_PERSON} "
            "ORDER BY times DESC, categories DESC, min(n.name) LIMIT 3",
            one,
        ).fetchall()
        return NightFigures(
            party=name,
            raised_cents=_scalar(db, RAISED_SQL, {"p": party_id}),
            received_cents=_scalar(
                db, "SELECT sum(amount_cents) FROM payments WHERE party_id = ? AND voided_at IS NULL", one
            ),
            donors=_scalar(
                db,
                "SELECT count(DISTINCT user_id) FROM pledges WHERE party_id = ? AND cancelled_at IS NULL "
                "AND voided_at IS NULL",
                one,
            ),
            goal_cents=goal,
            categories=_scalar(db, "SELECT count(*) FROM categories WHERE party_id = ?", one),
            announced=_scalar(db, f"SELECT count(*) FROM ({live})", one),
            winners=_scalar(db, f"SELECT count(DISTINCT who) FROM ({winners})", (party_id, party_id)),
            losers=_scalar(
                db,
                f"SELECT count(DISTINCT who) FROM ({people}) WHERE who NOT IN ({winners})",
                (party_id, party_id, party_id),
            ),
            dues={str(status): int(count) for status, count in dues.items()},
            arrivals=_scalar(db, "SELECT count(*) FROM arrivals WHERE party_id = ?", one),
            going_heads=_scalar(
                db,
                "SELECT sum(1 + plus_ones) FROM rsvps "
                "WHERE party_id = ? AND status = 'going' AND waitlist_seq IS NULL",
                one,
            ),
            leaders=tuple(Leader(str(n), int(t), int(c)) for n, t, c in leaders),
        )
    finally:
        db.close()


_RAISED = re.compile(r"\*\*(?P<raised>\$[\d,.]+)\*\* raised")
_RECEIVED = re.compile(r"Received (?P<received>\$[\d,.]+) \(.*\n(?P<donors>\d+) donors?")
_TALLY = re.compile(
    r"(?P<announced>\d+) of (?P<categories>\d+) categories announced · (?P<winners>\d+) winners? · "
    r"(?P<losers>\d+) losers?"
)


def posted_figures(embed: dict[str, Any]) -> PostedFigures:
    """The figures in the wrap-up embed's description.

    :raises ValueError: the description does not state them the way the wrap-up does.
    """
    description = str(embed.get("description") or "")
    found: dict[str, str] = {}
    for pattern in (_RAISED, _RECEIVED, _TALLY):
        match = pattern.search(description)
        if match is None:
            raise ValueError(f"the wrap-up does not say {pattern.pattern!r}: {description!r}")
        found.update(match.groupdict())
    return PostedFigures(
        raised_cents=cents_of(found["raised"]),
        received_cents=cents_of(found["received"]),
        donors=int(found["donors"]),
        announced=int(found["announced"]),
        categories=int(found["categories"]),
        winners=int(found["winners"]),
        losers=int(found["losers"]),
    )


def disagreements(stored: NightFigures, posted: PostedFigures) -> list[str]:
    """Each figure where the bot's wrap-up and the database differ, as "name: posted X, stored Y"."""
    found = []
    for item in fields(PostedFigures):
        said, kept = getattr(posted, item.name), getattr(stored, item.name)
        if said != kept:
            found.append(f"{item.name}: the wrap-up says {said}, the database {kept}")
    return found
