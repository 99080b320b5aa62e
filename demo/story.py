"""The story's clock: the night is replayed on a date near today, and its moments are what members see.

The scenario is the 2013 Emmys night, but a party must start in the future, and the times members read
(“arrived at 8:34 PM”, the chart's hours) should be the story's, not the minute the demo took. So the
party is set on the first Sunday at least a week away, and while the demo plays, the bot's clock
(`storage.clock`) reads the story's time: each part of the night jumps to its moment, and time then runs
on as it really passes.
"""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from demo import scenario
from storage.clock import jumped

SHOW_STARTS = (17, 0)  # 5 p.m. Pacific, when the telecast began
SUNDAY = 6
# The telecast's three hours, spread over its results.
BETWEEN_RESULTS = timedelta(minutes=7)


def party_day(today: date) -> date:
    """The first Sunday at least a week after `today`: the hosts set up "the week before"."""
    ahead = today + timedelta(days=7)
    return ahead + timedelta(days=(SUNDAY - ahead.weekday()) % 7)


class StoryClock:
    """The night's time: `now()` is the story's moment, moving on in real time between jumps."""

    def __init__(self, today: date | None = None) -> None:
        zone = ZoneInfo(scenario.PARTY["timezone"])
        today = today or datetime.now(zone).date()
        self.zone = zone
        self.starts_at = datetime.combine(party_day(today), datetime.min.time(), zone).replace(
            hour=SHOW_STARTS[0], minute=SHOW_STARTS[1]
        )
        self._moment = self.starts_at - timedelta(days=7)
        self._since = time.monotonic()

    @property
    def starts_typed(self) -> str:
        """The start as a host types it in /party create."""
        return f"{self.starts_at:%Y-%m-%d %H:%M}"

    def now(self) -> datetime:
        return (self._moment + timedelta(seconds=time.monotonic() - self._since)).astimezone(UTC)

    def move_to(self, offset: timedelta) -> None:
        """Jumps to `offset` from the show's start; never backwards, so stored times keep their order."""
        self._moment = max(self.starts_at + offset, self.now())
        self._since = time.monotonic()
        # Whatever waits for a moment (the reminder scheduler) looks again, as it would have at this hour.
        jumped()

    def after_results(self, announced: int) -> None:
        self.move_to(announced * BETWEEN_RESULTS)
