"""Closing the night: the party is frozen and its wrap-up queued in one transaction.

The wrap-up's facts are read inside the closing transaction (the stores' reads join it), so what the
room is shown is exactly what was frozen, and a crash leaves either an open party or a closed one with
its wrap-up waiting in the outbox, never a closed party without one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rules.tallies import Tally
from storage.dues import Bottle, Dues
from storage.fundraising import CounterFigures
from storage.outbox import OutgoingMessage, post_in_channel
from storage.parties import Party
from storage.predictions import Leaderboard
from storage.reports import MoneyEvent
from storage.results import Result

if TYPE_CHECKING:
    from storage import Storage

WRAPUP = "wrap-up"


@dataclass(frozen=True)
class WrapupFacts:
    party: Party
    figures: CounterFigures
    tally: Tally
    results: list[Result]
    bottles: list[Bottle]
    outstanding: list[Dues]
    timeline: list[MoneyEvent]
    predictions: Leaderboard


async def close_party(
    store: Storage,
    party_id: int,
    *,
    channel_id: int,
    compose: Callable[[WrapupFacts], OutgoingMessage],
    by: int | None = None,
) -> tuple[Party, int]:
    """Closes the party and queues its wrap-up in `channel_id`; returns the party and the outbox row.

    :raises Refusal: it was already closed.
    """
    async with store.database.transaction() as tx:
        party = await store.parties.close(party_id, by=by)
        facts = WrapupFacts(
            party,
            await store.fundraising.counter_figures(party_id),
            await store.results.tally(party_id),
            await store.results.live_results(party_id),
            await store.dues.bottles(party_id),
            await store.dues.outstanding(party_id),
            await store.reports.money_timeline(party_id),
            await store.predictions.leaderboard(party_id),
        )
        row_id = await post_in_channel(
            tx, party_id=party_id, channel_id=channel_id, message=compose(facts), kind=WRAPUP
        )
    return party, row_id
