"""How far through the night the demo is: its parts, each weighted by how long it feels, and their steps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from demo.story import StoryClock
from demo.transcript import Console


@dataclass(frozen=True)
class Part:
    when: str
    what: str
    weight: float
    # When it happens, from the show's start: the story's clock jumps there as the part begins.
    offset: timedelta


PARTS = (
    Part("The week before", "the hosts set the party up", 8, timedelta(days=-7, hours=2)),
    Part("The days before", "friends RSVP", 14, timedelta(days=-3, hours=2)),
    Part("Sunday 4:00 p.m.", "the reminders go out", 4, timedelta(hours=-1)),
    Part("Sunday 5:00 p.m.", "the show: results, pledges and dues", 60, timedelta(0)),
    Part("8:30 p.m.", "the door at Soho House", 10, timedelta(hours=3, minutes=30)),
    Part("1:30 a.m.", "closing time", 8, timedelta(hours=8, minutes=30)),
)


class Progress:
    """Counts the steps of the current part and shows the whole night's progress on the console."""

    def __init__(self, console: Console, clock: StoryClock, parts: tuple[Part, ...] = PARTS) -> None:
        self.console = console
        self.clock = clock
        self.parts = parts
        self._index = -1
        self._steps = 1
        self._done = 0

    def begin(self, index: int, steps: int) -> Part:
        """Starts part `index`, made of `steps` steps."""
        self._index, self._steps, self._done = index, max(steps, 1), 0
        self.clock.move_to(self.parts[index].offset)
        self._show()
        return self.parts[index]

    def step(self) -> None:
        self._done = min(self._done + 1, self._steps)
        self._show()

    @property
    def fraction(self) -> float:
        total = sum(part.weight for part in self.parts)
        before = sum(part.weight for part in self.parts[: self._index])
        current = self.parts[self._index].weight * self._done / self._steps if self._index >= 0 else 0.0
        return (before + current) / total

    def _show(self) -> None:
        part = self.parts[self._index]
        self.console.progress(self.fraction, part.when, f"{part.what} ({self._done}/{self._steps})")
