"""Who gets a place at a party with a capacity: confirming guests, the waitlist, and promotions.

A member's heads are themselves plus their plus-ones. A claim fits when the confirmed heads plus its own
stay within the capacity (a party without one fits everybody). Whenever places may have freed up, the
waitlist is walked in order and every member who fits is promoted: "the first waitlisted member who
fits", so a group of four waiting for a big gap does not hold back a single guest behind them.

A confirmed guest never loses their place to a change they did not ask for: if a host lowers the
capacity below the confirmed heads, they stay; only newcomers wait.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rules.errors import CapacityOutOfRange, NoRoom, PlusOnesOutOfRange

MAX_PLUS_ONES = 5
MAX_CAPACITY = 10_000


def check_capacity(capacity: int) -> int:
    """:raises Refusal: not 1 to MAX_CAPACITY guests (Discord's own limits can be bypassed by a client)."""
    if not 1 <= capacity <= MAX_CAPACITY:
        raise CapacityOutOfRange()
    return capacity


def check_plus_ones(plus_ones: int) -> int:
    """:raises Refusal: not 0 to MAX_PLUS_ONES."""
    if not 0 <= plus_ones <= MAX_PLUS_ONES:
        raise PlusOnesOutOfRange()
    return plus_ones


def heads(plus_ones: int) -> int:
    return 1 + plus_ones


def places_left(capacity: int | None, confirmed_heads: int) -> int | None:
    """Places still free, never below zero; None when the party has no capacity."""
    return None if capacity is None else max(capacity - confirmed_heads, 0)


@dataclass(frozen=True)
class Claim:
    """A member who answered "going", with how many plus-ones they bring."""

    user_id: int
    plus_ones: int

    @property
    def heads(self) -> int:
        return heads(self.plus_ones)


@dataclass(frozen=True)
class Standing:
    """Where a party stands: its capacity, the heads holding a place, and the waitlist in order.

    `held` has the confirmed claims a decision looks at one by one: at least the answering member's when
    they hold a place. Nothing else needs each confirmed guest, so storage reads one sum and that one
    row, and an answer costs the same however many guests are confirmed.
    """

    capacity: int | None
    confirmed_heads: int
    waitlist: Sequence[Claim]
    held: Mapping[int, Claim] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    """The outcome of one member's answer.

    `place` is the member's waitlist place (1 is next in line) when they wait, None otherwise;
    `promoted` are the other members moved off the waitlist, in order; `waitlist` is everyone still
    waiting afterwards, in order, the member included.
    """

    confirmed: bool
    place: int | None
    promoted: tuple[int, ...]
    waitlist: tuple[int, ...]


def decide(standing: Standing, member_id: int, plus_ones: int | None) -> Decision:
    """Applies one member's answer: `plus_ones` when they are going, None for maybe or not going.

    A newcomer who fits is confirmed, otherwise they join the end of the waitlist. A waiting member who
    answers again keeps their place in line. Leaving, or bringing fewer plus-ones, frees places that go
    to the waitlist in order.

    :raises Refusal: a confirmed guest asks for more plus-ones than the places left allow; their place
        is kept as it was rather than traded for a spot on the waitlist.
    """
    capacity = standing.capacity
    before = standing.held.get(member_id)
    confirmed_heads = standing.confirmed_heads - (before.heads if before is not None else 0)
    queue = list(standing.waitlist)
    waiting_at = next((i for i, c in enumerate(queue) if c.user_id == member_id), None)
    if waiting_at is not None:
        del queue[waiting_at]

    member_confirmed = False
    if plus_ones is not None:
        claim = Claim(member_id, plus_ones)
        if before is not None:
            if claim.heads > before.heads and not _fits(capacity, confirmed_heads, claim.heads):
                raise _no_room_for(claim, before, capacity, confirmed_heads)
            member_confirmed = True
            confirmed_heads += claim.heads
        elif waiting_at is not None:
            queue.insert(waiting_at, claim)
        else:
            queue.append(claim)

    promoted, still_waiting = _walk(queue, capacity, confirmed_heads)
    if member_id in promoted:
        promoted.remove(member_id)
        member_confirmed = True
    place = still_waiting.index(member_id) + 1 if member_id in still_waiting else None
    return Decision(
        confirmed=member_confirmed,
        place=place,
        promoted=tuple(promoted),
        waitlist=tuple(still_waiting),
    )


def promotions(standing: Standing) -> tuple[int, ...]:
    """The waitlisted members who fit now, in order: after a host raised the capacity, say."""
    return tuple(_walk(standing.waitlist, standing.capacity, standing.confirmed_heads)[0])


def _walk(queue: Sequence[Claim], capacity: int | None, confirmed_heads: int) -> tuple[list[int], list[int]]:
    """Walks the waitlist in order, promoting everyone who fits; returns (promoted, still waiting)."""
    promoted: list[int] = []
    still_waiting: list[int] = []
    for waiting in queue:
        if _fits(capacity, confirmed_heads, waiting.heads):
            confirmed_heads += waiting.heads
            promoted.append(waiting.user_id)
        else:
            still_waiting.append(waiting.user_id)
    return promoted, still_waiting


def _fits(capacity: int | None, confirmed_heads: int, claim_heads: int) -> bool:
    return capacity is None or confirmed_heads + claim_heads <= capacity


def _no_room_for(claim: Claim, before: Claim, capacity: int | None, others_heads: int) -> NoRoom:
    assert capacity is not None
    free = max(capacity - others_heads - before.heads, 0)
    # The most they can bring: what fits, and never fewer than they already have a place for.
    most = max(capacity - others_heads - 1, before.plus_ones)
    return NoRoom(free, most, claim.plus_ones)
