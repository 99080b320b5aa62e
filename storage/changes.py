"""The change signal: which parties' stored figures a committed transaction changed, and who listens.

A store marks what it changed inside its transaction (`tx.touch(party_id, Topic.MONEY)`); the feed tells
listeners only after the COMMIT, so a listener that reads back always sees the change, and a rolled-back
transaction tells nobody. The live counter, the invitations and the screen subscribe here instead of
every cog remembering to poke each of them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from enum import StrEnum

log = logging.getLogger(__name__)


class Topic(StrEnum):
    """What kind of figures changed; a listener picks the topics it shows."""

    MONEY = "money"  # pledges, payments, dues, milestones: the counter's figures
    RSVPS = "rsvps"  # answers and the waitlist: the invitation's counts
    RESULTS = "results"  # announcements and undos: tallies, winners
    PARTY = "party"  # the party's own settings, or it was closed or reopened
    BALLOT = "ballot"  # categories and nominees
    PREDICTIONS = "predictions"  # members' picks: the predictions leaderboard
    OUTBOX = "outbox"  # a post or DM was queued: the delivery wakes (party 0 for one of no party)


Listener = Callable[[int, frozenset[Topic]], None]


class ChangeFeed:
    """Synchronous fan-out: listeners must be cheap (mark something dirty), never await."""

    def __init__(self) -> None:
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Calls `listener(party_id, topics)` after each commit touching the party; returns an unsubscribe."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def publish(self, touched: dict[int, set[Topic]]) -> None:
        for party_id, topics in touched.items():
            frozen = frozenset(topics)
            for listener in list(self._listeners):
                try:
                    listener(party_id, frozen)
                except Exception:
                    # A broken listener must not undo a committed change or starve the others.
                    log.exception("A change listener failed for party %s", party_id)

    def publish_now(self, party_id: int, topics: Iterable[Topic]) -> None:
        """For changes that are not a transaction of this process (a resync at start-up)."""
        self.publish({party_id: set(topics)})
