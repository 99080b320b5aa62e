"""The night's money model: what was raised, what was received (dues and pledges apart), what is outstanding.

One model for every place that shows money (the counter, the card, the wrap-up, the export, milestones):

- *raised* = live pledges + winners' dues that are not waived (owed or paid) + extra gifts;
- *received* = live payments, split into what went to dues and what went to pledges;
- *outstanding* = raised − received, never negative.

A member's payments settle their dues first, then their pledges oldest first; whatever is left over is an
extra gift, a pledge of its own (so it is raised and received at once). Money paid before a win therefore
counts toward the dues the win brings. A pledge is "paid" only when the money left covers it whole; the
first pledge not covered stops the walk, so payments never skip ahead to a smaller, newer pledge.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MemberMoney:
    """One member's money in a party, all in cents: what they owe and what they paid."""

    pledged: int
    dues: int
    received: int

    @property
    def to_dues(self) -> int:
        return min(self.received, self.dues)

    @property
    def extra_gift(self) -> int:
        """Paid beyond their dues and pledges: a gift of its own."""
        return max(self.received - self.dues - self.pledged, 0)

    @property
    def to_pledges(self) -> int:
        """Received money that went to pledges (extra gifts included)."""
        return self.received - self.to_dues


@dataclass(frozen=True)
class MoneyFigures:
    """A party's money, in cents. `pledged_cents` counts live pledges plus extra gifts."""

    pledged_cents: int
    dues_cents: int
    received_dues_cents: int
    received_pledges_cents: int

    @property
    def raised_cents(self) -> int:
        return self.pledged_cents + self.dues_cents

    @property
    def received_cents(self) -> int:
        return self.received_dues_cents + self.received_pledges_cents

    @property
    def outstanding_cents(self) -> int:
        return self.raised_cents - self.received_cents


def party_figures(members: Iterable[MemberMoney]) -> MoneyFigures:
    """Adds up every member's money the one way the whole bot counts it."""
    pledged = dues = to_dues = to_pledges = 0
    for member in members:
        pledged += member.pledged + member.extra_gift
        dues += member.dues
        to_dues += member.to_dues
        to_pledges += member.to_pledges
    return MoneyFigures(pledged, dues, to_dues, to_pledges)


@dataclass(frozen=True)
class Application:
    """How one new payment was applied: to dues, to pledges, and any extra gift (cents)."""

    to_dues: int
    to_pledges: int
    extra_gift: int


def apply_payment(before: MemberMoney, amount_cents: int) -> Application:
    """Where `amount_cents` paid by a member who stood at `before` goes: dues, then pledges, then a gift."""
    after = MemberMoney(before.pledged, before.dues, before.received + amount_cents)
    to_dues = after.to_dues - before.to_dues
    extra = after.extra_gift - before.extra_gift
    return Application(to_dues, amount_cents - to_dues - extra, extra)


def paid_pledges(pledges: Sequence[tuple[int, int]], received_cents: int, dues_cents: int = 0) -> set[int]:
    """Ids of the pledges that the member's received money pays.

    `pledges` are (id, amount in cents) of the member's live pledges, oldest first; `dues_cents` is
    what they owe as a winner (not waived), which is paid before any pledge.
    """
    left = received_cents - dues_cents
    paid: set[int] = set()
    for pledge_id, amount in pledges:
        if amount > left:
            break
        paid.add(pledge_id)
        left -= amount
    return paid


def paid_newest(
    newest: Sequence[tuple[int, int]], older_cents: int, received_cents: int, dues_cents: int = 0
) -> set[int]:
    """`paid_pledges` for the member's newest live pledges alone, given the total of the older live ones.

    `newest` are (id, amount in cents), oldest first; `older_cents` is what the member's live pledges
    before them add up to. The walk pays dues, then the older pledges, and reaches the newest only if
    the money covers every older one; amounts are never negative, so covering their total covers each
    of them on the way. The answer therefore needs the older pledges' total, never the pledges.
    """
    left = received_cents - dues_cents - older_cents
    return paid_pledges(newest, left) if left >= 0 else set()
