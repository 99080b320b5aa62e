"""What the screen shows of a party, read from storage in one go and turned into plain, JSON-ready text.

Every figure is formatted here (the browser only puts strings into place with textContent), so the page
and the Discord counter show money the same way. Names leave as data; escaping is the renderer's job.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime

from rules.fundraising import milestone_cents, next_milestone, progress_percent
from rules.money import format_cents
from rules.predictions import best_predictors
from storage import Storage
from storage.fundraising import CounterFigures
from storage.predictions import Leaderboard

NEWEST_PLEDGES = 6
LATEST_RESULTS = 4
# Long names would push the figures off a TV; the page clips them (by characters, after storage's checks).
NAME_MAX = 60
NOTE_MAX = 80


@dataclass(frozen=True)
class ShownPledgeLine:
    name: str | None  # None: the donor asked to stay anonymous
    amount: str
    note: str | None


@dataclass(frozen=True)
class ShownResult:
    category: str
    winner: str


@dataclass(frozen=True)
class Snapshot:
    name: str
    charity: str | None
    closed: bool
    raised_cents: int
    raised: str
    goal: str | None
    percent: int | None
    # 0..1 of the bar to fill; the percent may pass 100, the bar stops full.
    fill: float
    received: str
    donors: int
    pledges: int
    newest: tuple[ShownPledgeLine, ...]
    results: tuple[ShownResult, ...]
    announced: int
    categories: int
    ratio: str
    milestone: str | None
    # Who leads the predictions game ("amy: 3 of 4 right"); None, and the slot hidden, until someone scores.
    leader: str | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


async def money_figures(store: Storage, party_id: int) -> CounterFigures:
    """The one place the screen reads money, so "raised" follows whatever the ledger says it is."""
    return await store.fundraising.counter_figures(party_id, newest=NEWEST_PLEDGES)


def leader_line(board: Leaderboard) -> str | None:
    """The first-ranked predictors (all of them when tied) and their score, once anyone guessed right."""
    best = best_predictors(board.standings)
    if not best:
        return None
    names = ", ".join(clip(board.names.get(s.user_id, "a guest"), NAME_MAX) for s in best)
    return f"{names}: {best[0].correct} of {board.decided} right"


def milestone_line(raised_cents: int, goal_cents: int | None) -> str | None:
    if goal_cents is None:
        return None
    percent = next_milestone(raised_cents, goal_cents)
    if percent is None:
        return "Goal reached!"
    target = milestone_cents(percent, goal_cents)
    return f"{percent}% at {format_cents(target)}: {format_cents(target - raised_cents)} to go"


async def read_snapshot(store: Storage, party_id: int) -> Snapshot | None:
    """The party's screen as stored now, or None when there is no such party."""
    party = await store.parties.get(party_id)
    if party is None:
        return None
    money = await money_figures(store, party_id)
    tally = await store.results.tally(party_id)
    results = await store.results.live_results(party_id)
    latest = sorted(results, key=lambda r: _newest_first(r.announced_at, r.id))[:LATEST_RESULTS]
    board = await store.predictions.leaderboard(party_id)
    raised = money.money.raised_cents
    goal = party.goal_cents
    return Snapshot(
        name=clip(party.name, NAME_MAX),
        charity=clip(party.charity, NAME_MAX) if party.charity else None,
        closed=not party.is_open,
        raised_cents=raised,
        raised=format_cents(raised),
        goal=format_cents(goal) if goal is not None else None,
        percent=progress_percent(raised, goal) if goal is not None else None,
        fill=min(1.0, max(raised, 0) / goal) if goal else 0.0,
        received=format_cents(money.money.received_cents),
        donors=money.donor_count,
        pledges=money.pledge_count,
        newest=tuple(
            ShownPledgeLine(
                name=clip(p.name, NAME_MAX) if p.name is not None else None,
                amount=format_cents(p.amount_cents),
                note=clip(p.note, NOTE_MAX) if p.note else None,
            )
            for p in money.newest
        ),
        results=tuple(
            ShownResult(category=clip(r.category_name, NAME_MAX), winner=clip(r.winner.name, NAME_MAX))
            for r in latest
        ),
        announced=tally.announced,
        categories=tally.total,
        ratio=tally.ratio_text,
        milestone=milestone_line(raised, goal),
        leader=leader_line(board),
    )


def _newest_first(announced_at: datetime, result_id: int) -> tuple[float, int]:
    return (-announced_at.timestamp(), -result_id)
