"""Pledges and milestones: what members promise, and the counter's and the donor wall's reads.

Every change runs in one transaction together with `claim_interaction`, so a redelivered interaction
changes nothing and gets back what the first delivery stored. Reads that combine several figures (the
live counter's, the donor wall's, a member's own pledges) take one snapshot, so a total never disagrees
with the list beside it. Payments, waivers and voids are the ledger's (`storage.ledger`), which also
counts the money (`money_figures`).

What the tables leave to this module: a pledge is "paid" when the member's live payments cover it after
their winner's dues and their older pledges (`rules.ledger.paid_newest`, from the member's totals in
member_money, so a member's list reads only the pledges it shows), so there is no paid flag to keep in
step; a pledge is
live while neither cancelled nor voided; and anonymity is applied here, before figures leave storage, so
no renderer can show an anonymous donor's name.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from rules.ledger import MoneyFigures, paid_newest
from storage.audit import Action, record
from storage.changes import Topic
from storage.clock import from_text, to_text, utc_now
from storage.database import Database, Transaction, Work
from storage.errors import NotYourPledge, PartyClosed, PledgeCancelled, PledgePaid
from storage.interactions import claim_interaction, claim_interaction_in
from storage.ledger import member_money_in, money_figures_in
from storage.outbox import OutgoingMessage, post_in_channel


@dataclass(frozen=True)
class Pledge:
    id: int
    party_id: int
    user_id: int
    display_name: str
    amount_cents: int
    anonymous: bool
    note: str | None
    created_at: datetime
    cancelled_at: datetime | None
    voided_at: datetime | None = None

    @property
    def is_cancelled(self) -> bool:
        """Cancelled by its owner or voided by a host: either way it counts for nothing."""
        return self.cancelled_at is not None or self.voided_at is not None


@dataclass(frozen=True)
class PledgeReceipt:
    """The stored pledge; `new` is False when the interaction had already been applied."""

    pledge: Pledge
    new: bool


@dataclass(frozen=True)
class ShownPledge:
    """A pledge as the room may see it: `name` is None when the donor asked to stay anonymous."""

    name: str | None
    amount_cents: int
    note: str | None
    created_at: datetime


@dataclass(frozen=True)
class CounterFigures:
    """The counter's figures: the money model's totals, and the pledges behind them."""

    money: MoneyFigures
    donor_count: int
    pledge_count: int
    newest: tuple[ShownPledge, ...]


@dataclass(frozen=True)
class WallEntry:
    """One line of the donor wall: a member's named pledges, or (name None) their anonymous ones."""

    name: str | None
    total_cents: int


@dataclass(frozen=True)
class DonorWall:
    entries: tuple[WallEntry, ...]
    # Lines left off the wall because only the top ones are shown.
    more_entries: int
    money: MoneyFigures
    donor_count: int


@dataclass(frozen=True)
class OwnPledge:
    """One of the caller's pledges: `number` counts their pledges in this party from 1, cancelled included."""

    pledge: Pledge
    number: int
    paid: bool

    @property
    def cancellable(self) -> bool:
        return not self.paid and not self.pledge.is_cancelled


@dataclass(frozen=True)
class OwnPledges:
    """The caller's newest pledges, oldest first, and what the list leaves out."""

    shown: tuple[OwnPledge, ...]
    # Older pledges (cancelled included) not in `shown`.
    older: int
    # All their live pledges add up to this.
    live_cents: int


def _pledge(row: sqlite3.Row) -> Pledge:
    return Pledge(
        id=row["id"],
        party_id=row["party_id"],
        user_id=row["user_id"],
        display_name=row["display_name"],
        amount_cents=row["amount_cents"],
        anonymous=bool(row["anonymous"]),
        note=row["note"],
        created_at=from_text(row["created_at"]),  # type: ignore[arg-type]
        cancelled_at=from_text(row["cancelled_at"]),
        voided_at=from_text(row["voided_at"]),
    )


async def _require_open(tx: Transaction, party_id: int) -> None:
    closed_at = await tx.fetch_one("SELECT closed_at FROM parties WHERE id = ?", (party_id,))
    if closed_at is None or closed_at[0] is not None:
        raise PartyClosed()


def _is_paid(work: Work, pledge: sqlite3.Row) -> bool:
    """Whether the member's live payments pay this live pledge (dues first, then oldest first).

    The older live pledges' total is the member's (member_money) less this one and the newer ones, so
    the read stops at the pledges made after it.
    """
    party_id, user_id = pledge["party_id"], pledge["user_id"]
    newer = work.fetch_value(
        "SELECT coalesce(sum(amount_cents), 0) FROM pledges INDEXED BY pledges_by_member "
        "WHERE party_id = ? AND user_id = ? AND id > ? AND cancelled_at IS NULL AND voided_at IS NULL",
        (party_id, user_id, pledge["id"]),
    )
    member = member_money_in(work, party_id, user_id)
    older = member.pledged - int(newer or 0) - pledge["amount_cents"]
    paid = paid_newest([(pledge["id"], pledge["amount_cents"])], older, member.received, member.dues)
    return pledge["id"] in paid


def _member_pledges(work: Work, party_id: int, user_id: int, newest: int) -> OwnPledges:
    # The newest rows from the end of pledges_by_member, and the count of its entries for the numbers:
    # neither reads the older rows themselves.
    rows = work.fetch_all(
        "SELECT * FROM pledges INDEXED BY pledges_by_member WHERE party_id = ? AND user_id = ? "
        "ORDER BY id DESC LIMIT ?",
        (party_id, user_id, newest),
    )
    rows.reverse()
    total = int(work.fetch_value(
        "SELECT count(*) FROM pledges INDEXED BY pledges_by_member WHERE party_id = ? AND user_id = ?",
        (party_id, user_id),
    ) or 0)
    # Waived or cancelled dues take nothing from what the member paid.
    member = member_money_in(work, party_id, user_id)
    live = [(row["id"], row["amount_cents"]) for row in rows
            if row["cancelled_at"] is None and row["voided_at"] is None]
    older_live = member.pledged - sum(amount for _, amount in live)
    paid = paid_newest(live, older_live, member.received, member.dues)
    first = total - len(rows) + 1
    shown = tuple(
        OwnPledge(_pledge(row), number, row["id"] in paid) for number, row in enumerate(rows, start=first)
    )
    return OwnPledges(shown, older=total - len(rows), live_cents=member.pledged)


class FundraisingStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def add_pledge(
        self,
        party_id: int,
        user_id: int,
        display_name: str,
        amount_cents: int,
        *,
        anonymous: bool,
        note: str | None,
        interaction_id: int,
    ) -> PledgeReceipt:
        """Stores a pledge once per interaction; a redelivery gets the original pledge back.

        :raises PartyClosed: the party is closed.
        """
        def add(work: Work) -> PledgeReceipt:
            if not claim_interaction_in(work, interaction_id, "pledge"):
                row = work.fetch_one("SELECT * FROM pledges WHERE interaction_id = ?", (interaction_id,))
                if row is None:
                    raise RuntimeError(f"interaction {interaction_id} was applied, but not as a pledge")
                return PledgeReceipt(_pledge(row), new=False)
            # One statement checks the party is open, inserts and hands back the row; the aggregates'
            # triggers (migration 0005) run inside it.
            row = work.fetch_one(
                "INSERT INTO pledges (party_id, user_id, display_name, amount_cents, anonymous, note, "
                "created_at, interaction_id) SELECT ?, ?, ?, ?, ?, ?, ?, ? "
                "WHERE EXISTS (SELECT 1 FROM parties WHERE id = ? AND closed_at IS NULL) RETURNING *",
                (party_id, user_id, display_name, amount_cents, int(anonymous), note,
                 to_text(utc_now()), interaction_id, party_id),
            )
            if row is None:
                raise PartyClosed()
            work.touch(party_id, Topic.MONEY)
            return PledgeReceipt(_pledge(row), new=True)

        # Pledges come in bursts: run() writes the whole transaction in one trip to the database thread
        # and commits the pledges that arrived meanwhile together with it.
        return await self._db.run(add)

    async def cancel_pledge(self, pledge_id: int, user_id: int, *, interaction_id: int) -> Pledge:
        """Cancels the member's own unpaid pledge; a redelivery changes nothing and gets it back.

        :raises NotYourPledge, PartyClosed, PledgeCancelled, PledgePaid: see `_own_unpaid`.
        """
        async with self._db.transaction() as tx:
            row = await self._own_unpaid(tx, pledge_id, user_id, interaction_id, "pledge_cancel")
            if row is not None:
                await tx.execute(
                    "UPDATE pledges SET cancelled_at = ? WHERE id = ?", (to_text(utc_now()), pledge_id)
                )
                await record(
                    tx, row["party_id"], user_id, Action.PLEDGE_CANCEL, subject_id=user_id,
                    amount_cents=row["amount_cents"], ref_id=pledge_id,
                )
                tx.touch(row["party_id"], Topic.MONEY)
            return await self._get(tx, pledge_id)

    async def edit_pledge(
        self, pledge_id: int, user_id: int, *, amount_cents: int, note: str | None, interaction_id: int
    ) -> Pledge:
        """The member changes the amount and note of their own unpaid pledge; the log keeps what it was.

        :raises NotYourPledge, PartyClosed, PledgeCancelled, PledgePaid: see `_own_unpaid`.
        """
        async with self._db.transaction() as tx:
            row = await self._own_unpaid(tx, pledge_id, user_id, interaction_id, "pledge_edit")
            if row is not None:
                await tx.execute(
                    "UPDATE pledges SET amount_cents = ?, note = ? WHERE id = ?",
                    (amount_cents, note, pledge_id),
                )
                await record(
                    tx, row["party_id"], user_id, Action.PLEDGE_EDIT, subject_id=user_id,
                    amount_cents=amount_cents, ref_id=pledge_id,
                    detail=f"was {row['amount_cents']} cents",
                )
                tx.touch(row["party_id"], Topic.MONEY)
            return await self._get(tx, pledge_id)

    async def get(self, pledge_id: int) -> Pledge | None:
        row = await self._db.fetch_one("SELECT * FROM pledges WHERE id = ?", (pledge_id,))
        return None if row is None else _pledge(row)

    @staticmethod
    async def _get(tx: Transaction, pledge_id: int) -> Pledge:
        row = await tx.fetch_one("SELECT * FROM pledges WHERE id = ?", (pledge_id,))
        assert row is not None
        return _pledge(row)

    @staticmethod
    async def _own_unpaid(
        tx: Transaction, pledge_id: int, user_id: int, interaction_id: int, kind: str
    ) -> sqlite3.Row | None:
        """The member's own live, unpaid pledge of an open party, or None when the interaction was applied.

        :raises NotYourPledge: not theirs (custom_ids are not secret).
        :raises PartyClosed: pledges are frozen.
        :raises PledgeCancelled: cancelled or voided already. :raises PledgePaid: their payments cover it.
        """
        row = await tx.fetch_one("SELECT * FROM pledges WHERE id = ?", (pledge_id,))
        if row is None or row["user_id"] != user_id:
            raise NotYourPledge()
        if not await claim_interaction(tx, interaction_id, kind):
            return None
        await _require_open(tx, row["party_id"])
        if row["cancelled_at"] is not None or row["voided_at"] is not None:
            raise PledgeCancelled()
        # read() joins this transaction: one trip for the reads.
        if await tx.database.read(lambda work: _is_paid(work, row)):
            raise PledgePaid()
        return row

    async def counter_figures(self, party_id: int, newest: int = 5) -> CounterFigures:
        """Everything the live counter shows, read in one snapshot."""
        return await self._db.read(lambda work: _counter_figures(work, party_id, newest))

    async def member_pledges(self, party_id: int, user_id: int, *, newest: int) -> OwnPledges:
        """The member's `newest` pledges in this party, oldest first, each marked paid or not."""
        # One trip and one snapshot; bounded by what is shown, not by the member's pledges.
        return await self._db.read(lambda work: _member_pledges(work, party_id, user_id, newest))

    async def wall_and_own(
        self, party_id: int, user_id: int, *, newest: int, top: int = 15
    ) -> tuple[DonorWall, OwnPledges]:
        """The donor wall and the member's `newest` pledges, as /pledges shows them: one trip, one snapshot.

        The wall has the `top` biggest donors first (ties: who pledged first), a member's anonymous
        pledges kept apart.
        """
        return await self._db.read(
            lambda work: (_donor_wall(work, party_id, top), _member_pledges(work, party_id, user_id, newest))
        )

    async def claim_milestones(
        self,
        party_id: int,
        percents: Iterable[int],
        *,
        channel_id: int | None = None,
        compose: Callable[[list[int]], OutgoingMessage] | None = None,
    ) -> list[int]:
        """Marks milestones announced; returns only those no one had claimed before, so each is told once.

        With `compose`, the ones claimed here are told in one message queued in `channel_id` in the same
        transaction: a crash loses none and a restart tells none twice.
        """
        claimed = []
        async with self._db.transaction() as tx:
            for percent in percents:
                await tx.execute(
                    "INSERT INTO milestones (party_id, percent, announced_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (party_id, percent) DO NOTHING",
                    (party_id, percent, to_text(utc_now())),
                )
                if await tx.fetch_value("SELECT changes()") == 1:
                    claimed.append(percent)
            if claimed and compose is not None and channel_id is not None:
                await post_in_channel(
                    tx, party_id=party_id, channel_id=channel_id, message=compose(claimed), kind="milestone"
                )
        return claimed


# The reads below take the same time at 100 pledges as at 100,000: the totals are rows kept by the
# triggers of migration 0005, and the lists stop after the lines they show.


def _totals(work: Work, party_id: int) -> tuple[int, int, int, int, int]:
    """Pledged, received, donors, pledges and wall lines; every party has its row (trigger and backfill)."""
    row = work.fetch_one(
        "SELECT pledged_cents, received_cents, donor_count, pledge_count, line_count FROM party_money "
        "WHERE party_id = ?",
        (party_id,),
    )
    return (0, 0, 0, 0, 0) if row is None else (row[0], row[1], row[2], row[3], row[4])


def _counter_figures(work: Work, party_id: int, newest: int) -> CounterFigures:
    totals = _totals(work, party_id)
    # Newest first from the end of pledges_live_newest, stopping after `newest` rows.
    rows = work.fetch_all(
        "SELECT * FROM pledges INDEXED BY pledges_live_newest "
        "WHERE party_id = ? AND cancelled_at IS NULL AND voided_at IS NULL ORDER BY id DESC LIMIT ?",
        (party_id, newest),
    )
    shown = tuple(
        ShownPledge(
            name=None if row["anonymous"] else row["display_name"],
            amount_cents=row["amount_cents"],
            note=row["note"],
            created_at=from_text(row["created_at"]),  # type: ignore[arg-type]
        )
        for row in rows
    )
    return CounterFigures(
        money=money_figures_in(work, party_id, totals[0]), donor_count=totals[2], pledge_count=totals[3],
        newest=shown,
    )


def _donor_wall(work: Work, party_id: int, top: int) -> DonorWall:
    totals = _totals(work, party_id)
    # The top lines straight from wall_lines_ranked, in order; the name is the member's newest pledge's.
    rows = work.fetch_all(
        "SELECT w.anonymous, w.total_cents, m.display_name FROM wall_lines AS w INDEXED BY wall_lines_ranked "
        "JOIN member_money AS m ON m.party_id = w.party_id AND m.user_id = w.user_id "
        "WHERE w.party_id = ? ORDER BY w.total_cents DESC, w.first_pledge_id LIMIT ?",
        (party_id, top),
    )
    entries = tuple(
        WallEntry(name=None if row["anonymous"] else row["display_name"], total_cents=row["total_cents"])
        for row in rows
    )
    return DonorWall(
        entries=entries, more_entries=totals[4] - len(entries),
        money=money_figures_in(work, party_id, totals[0]), donor_count=totals[2],
    )
