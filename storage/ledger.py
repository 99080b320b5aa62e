"""The night's ledger in storage: money figures, payments, waivers and voids, each with its audit line.

The figures every screen shows are read by `money_figures` and `member_money` (the model is
`rules.ledger`); keep those reads here so one place says how the money is counted. Corrections never
delete: a void marks the row with who, when and why, and every total leaves it out.

A void tells the member concerned in a DM, queued through the outbox in the void's own transaction.

Money may move on the open party, and on the guild's most recently closed party while none is open, so
dues are settled after the night (`require_money_party`). Every change claims its interaction, so a
redelivered one changes nothing and gets back what the first delivery stored.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from rules.dues import DuesStatus
from rules.ledger import Application, MemberMoney, MoneyFigures, apply_payment, party_figures
from storage.audit import Action, record
from storage.changes import Topic
from storage.clock import from_text, to_text, utc_now
from storage.database import Database, Transaction, Work
from storage.dues import Dues, active_dues, refresh_bottle
from storage.errors import (
    AlreadyVoided,
    DuesNotOwed,
    EntryNotFound,
    NoDues,
    NoWaiver,
    PartyClosed,
    PledgeCancelled,
)
from storage.interactions import claim_interaction
from storage.outbox import OutgoingMessage, direct_message, post_in_channel

CHOICES_MAX = 25
# What a host can void, and where it is kept: a fixed table name per kind, never user input.
_VOIDABLE = {"pledge": ("pledges", Action.PLEDGE_VOID), "payment": ("payments", Action.PAYMENT_VOID)}


@dataclass(frozen=True)
class Payment:
    id: int
    party_id: int
    user_id: int
    amount_cents: int
    note: str | None
    recorded_by: int
    recorded_at: datetime
    voided_at: datetime | None
    void_reason: str | None


@dataclass(frozen=True)
class PaymentReceipt:
    """The stored payment, how it was applied, and where the member stands after it."""

    payment: Payment
    new: bool
    applied: Application
    member: MemberMoney
    dues: Dues | None


@dataclass(frozen=True)
class VoidedEntry:
    """What a void changed: the entry (a pledge or payment id, with its member and amount) and who it was."""

    entry_id: int
    party_id: int
    user_id: int
    amount_cents: int
    reason: str
    new: bool
    member: MemberMoney
    dues: Dues | None


@dataclass(frozen=True)
class VoidNotice:
    """What the member concerned is told, privately, about a void: built into a DM by the caller."""

    kind: str  # "pledge", "payment" or "waiver"
    user_id: int
    amount_cents: int
    party_name: str
    reason: str | None


ComposeVoidNotice = Callable[[VoidNotice], OutgoingMessage]


@dataclass(frozen=True)
class SinceClose:
    """Where a closed party's money stands after a late payment, waiver or void."""

    party_name: str
    money: MoneyFigures


@dataclass(frozen=True)
class LateNotice:
    """Where and how to tell the room that a closed party's money moved: the wrap-up's channel."""

    channel_id: int
    compose: Callable[[SinceClose], OutgoingMessage]


@dataclass(frozen=True)
class Waiver:
    id: int
    user_id: int
    amount_cents: int
    new: bool


@dataclass(frozen=True)
class EntryChoice:
    """A pledge or payment offered by autocomplete: newest first."""

    id: int
    user_id: int
    name: str
    amount_cents: int
    anonymous: bool


def _payment(row: sqlite3.Row) -> Payment:
    return Payment(
        id=row["id"],
        party_id=row["party_id"],
        user_id=row["user_id"],
        amount_cents=row["amount_cents"],
        note=row["note"],
        recorded_by=row["recorded_by"],
        recorded_at=from_text(row["recorded_at"]),  # type: ignore[arg-type]
        voided_at=from_text(row["voided_at"]),
        void_reason=row["void_reason"],
    )


# -- the figures: the one place that says how money is counted --------------------------------------

# The members whose money needs counting one by one: those with dues not waived, or live payments. The
# per-member sums come from member_money, kept by the triggers of migration 0005.
_COUNTED_MEMBERS = (
    "SELECT u.user_id, coalesce(m.pledged_cents, 0), "
    "  (SELECT coalesce(sum(d.amount_cents), 0) FROM dues AS d WHERE d.party_id = :party "
    "   AND d.user_id = u.user_id AND d.status IN ('owed', 'paid')), coalesce(m.received_cents, 0) "
    "FROM (SELECT user_id FROM member_money WHERE party_id = :party AND received_cents != 0 "
    "      UNION SELECT user_id FROM dues WHERE party_id = :party AND status IN ('owed', 'paid')) AS u "
    "LEFT JOIN member_money AS m ON m.party_id = :party AND m.user_id = u.user_id"
)


def money_figures_in(work: Work, party_id: int, pledged_cents: int | None = None) -> MoneyFigures:
    """The party's raised / received / outstanding, counted the one way (`rules.ledger`).

    Members with no dues and no payment add only their pledges, which party_money already sums;
    `pledged_cents` is that sum when the caller has read it.
    """
    if pledged_cents is None:
        pledged_cents = int(
            work.fetch_value("SELECT pledged_cents FROM party_money WHERE party_id = ?", (party_id,)) or 0
        )
    rows = work.fetch_all(_COUNTED_MEMBERS, {"party": party_id})
    members = [MemberMoney(pledged=row[1], dues=row[2], received=row[3]) for row in rows]
    others = MemberMoney(pledged=pledged_cents - sum(m.pledged for m in members), dues=0, received=0)
    return party_figures([*members, others])


def member_money_in(work: Work, party_id: int, user_id: int) -> MemberMoney:
    row = work.fetch_one(
        "SELECT coalesce((SELECT pledged_cents FROM member_money "
        "                 WHERE party_id = :party AND user_id = :user), 0), "
        "  (SELECT coalesce(sum(amount_cents), 0) FROM dues WHERE party_id = :party AND user_id = :user "
        "   AND status IN ('owed', 'paid')), "
        "  coalesce((SELECT received_cents FROM member_money "
        "            WHERE party_id = :party AND user_id = :user), 0)",
        {"party": party_id, "user": user_id},
    )
    assert row is not None
    return MemberMoney(row[0], row[1], row[2])


async def money_figures(tx: Transaction, party_id: int) -> MoneyFigures:
    """`money_figures_in` inside the caller's transaction (the read joins it)."""
    return await tx.database.read(lambda work: money_figures_in(work, party_id))


async def member_money(tx: Transaction, party_id: int, user_id: int) -> MemberMoney:
    return await tx.database.read(lambda work: member_money_in(work, party_id, user_id))


# -- shared steps inside a caller's transaction ------------------------------------------------------

async def require_money_party(tx: Transaction, party_id: int) -> None:
    """Money moves on an open party, or on the guild's latest closed party while none is open.

    :raises PartyClosed: otherwise.
    """
    row = await tx.fetch_one(
        "SELECT p.closed_at, (SELECT count(*) FROM parties o WHERE o.guild_id = p.guild_id "
        "AND o.id != p.id AND (o.closed_at IS NULL OR o.id > p.id)) AS newer FROM parties p WHERE p.id = ?",
        (party_id,),
    )
    if row is None or (row["closed_at"] is not None and row["newer"]):
        raise PartyClosed()


async def resettle_dues(tx: Transaction, party_id: int, user_id: int) -> Dues | None:
    """Dues that are owed or paid follow the member's live payments, both ways; the bottle follows them."""
    dues = await active_dues(tx, party_id, user_id)
    if dues is None or dues.status not in (DuesStatus.OWED, DuesStatus.PAID):
        return dues
    member = await member_money(tx, party_id, user_id)
    covered = member.received >= dues.amount_cents
    if covered != (dues.status is DuesStatus.PAID):
        await tx.execute(
            "UPDATE dues SET status = ?, settled_at = ?, settled_by = NULL WHERE id = ?",
            ("paid" if covered else "owed", to_text(utc_now()) if covered else None, dues.id),
        )
        await refresh_bottle(tx, party_id, user_id)
    return await active_dues(tx, party_id, user_id)


async def _tell(
    tx: Transaction, party_id: int, compose: ComposeVoidNotice, kind: str, user_id: int, amount: int,
    reason: str | None,
) -> None:
    """Queues the member's DM in the void's own transaction. No fallback channel: a void is private,
    so a member whose DMs are closed is not named in public instead."""
    name = await tx.fetch_value("SELECT name FROM parties WHERE id = ?", (party_id,))
    message = compose(VoidNotice(kind, user_id, amount, str(name), reason))
    await direct_message(
        tx, party_id=party_id, user_id=user_id, message=message, kind=f"{kind} void notice",
        fallback_channel_id=None,
    )


async def _settled_since(tx: Transaction, party_id: int, late: LateNotice | None) -> None:
    """On a closed party, queues a short "since the wrap-up" line with the figures as they now stand,
    so the wrap-up's money lines stay true; an open party's counter already shows them."""
    if late is None:
        return
    party = await tx.fetch_one("SELECT name, closed_at FROM parties WHERE id = ?", (party_id,))
    if party is None or party["closed_at"] is None:
        return
    message = late.compose(SinceClose(party["name"], await money_figures(tx, party_id)))
    await post_in_channel(
        tx, party_id=party_id, channel_id=late.channel_id, message=message, kind="since close"
    )


class LedgerStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def figures(self, party_id: int) -> MoneyFigures:
        async with self._db.transaction() as tx:
            return await money_figures(tx, party_id)

    async def member(self, party_id: int, user_id: int) -> MemberMoney:
        async with self._db.transaction() as tx:
            return await member_money(tx, party_id, user_id)

    async def record_payment(
        self,
        party_id: int,
        user_id: int,
        amount_cents: int,
        *,
        note: str | None,
        recorded_by: int,
        interaction_id: int,
        late: LateNotice | None = None,
    ) -> PaymentReceipt:
        """Records money received from a member, once per interaction: dues first, then pledges, then a gift.

        :raises PartyClosed: the party takes no more money.
        """
        async with self._db.transaction() as tx:
            new = await claim_interaction(tx, interaction_id, "payment")
            if new:
                await require_money_party(tx, party_id)
                before = await member_money(tx, party_id, user_id)
                payment_id = await tx.execute(
                    "INSERT INTO payments (party_id, user_id, amount_cents, note, recorded_by, recorded_at, "
                    "interaction_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (party_id, user_id, amount_cents, note, recorded_by, to_text(utc_now()), interaction_id),
                )
                await resettle_dues(tx, party_id, user_id)
                await record(
                    tx, party_id, recorded_by, Action.PAYMENT, subject_id=user_id, amount_cents=amount_cents,
                    ref_id=payment_id, detail=note,
                )
                await _settled_since(tx, party_id, late)
                tx.touch(party_id, Topic.MONEY)
            row = await tx.fetch_one("SELECT * FROM payments WHERE interaction_id = ?", (interaction_id,))
            if row is None:
                raise RuntimeError(f"interaction {interaction_id} was applied, but not as a payment")
            payment = _payment(row)
            after = await member_money(tx, payment.party_id, payment.user_id)
            if new:
                applied = apply_payment(before, amount_cents)
            else:
                # A redelivery: how it was applied is worked out again from what came before it.
                earlier = await tx.fetch_value(
                    "SELECT coalesce(sum(amount_cents), 0) FROM payments WHERE party_id = ? AND user_id = ? "
                    "AND voided_at IS NULL AND id < ?",
                    (payment.party_id, payment.user_id, payment.id),
                )
                applied = apply_payment(
                    MemberMoney(after.pledged, after.dues, int(earlier)), payment.amount_cents
                )
            dues = await active_dues(tx, payment.party_id, payment.user_id)
        return PaymentReceipt(payment, new, applied, after, dues)

    async def waive(
        self, party_id: int, user_id: int, host_id: int, interaction_id: int, late: LateNotice | None = None
    ) -> Waiver:
        """Waives the member's owed dues, keeping a waiver row that a host can void later.

        :raises NoDues: the member owes no winner's dues. :raises DuesNotOwed: they are paid or waived.
        :raises PartyClosed: the party takes no more money.
        """
        async with self._db.transaction() as tx:
            if not await claim_interaction(tx, interaction_id, "waiver"):
                row = await tx.fetch_one(
                    "SELECT * FROM waivers WHERE party_id = ? AND user_id = ? ORDER BY id DESC LIMIT 1",
                    (party_id, user_id),
                )
                if row is None:
                    raise RuntimeError(f"interaction {interaction_id} was applied, but not as a waiver")
                return Waiver(row["id"], user_id, row["amount_cents"], new=False)
            await require_money_party(tx, party_id)
            dues = await active_dues(tx, party_id, user_id)
            if dues is None:
                raise NoDues()
            if dues.status is not DuesStatus.OWED:
                raise DuesNotOwed(dues.status.value)
            now = to_text(utc_now())
            await tx.execute(
                "UPDATE dues SET status = 'waived', settled_at = ?, settled_by = ? WHERE id = ?",
                (now, host_id, dues.id),
            )
            waiver_id = await tx.execute(
                "INSERT INTO waivers (party_id, dues_id, user_id, amount_cents, waived_by, waived_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (party_id, dues.id, user_id, dues.amount_cents, host_id, now),
            )
            await record(
                tx, party_id, host_id, Action.WAIVER, subject_id=user_id, amount_cents=dues.amount_cents,
                ref_id=waiver_id,
            )
            await _settled_since(tx, party_id, late)
            tx.touch(party_id, Topic.MONEY)
        return Waiver(waiver_id, user_id, dues.amount_cents, new=True)

    async def void_pledge(
        self, party_id: int, pledge_id: int, host_id: int, reason: str, interaction_id: int,
        compose: ComposeVoidNotice,
        late: LateNotice | None = None,
    ) -> VoidedEntry:
        """Voids someone's pledge: it stays, marked, and leaves every total and the donor wall.

        :raises EntryNotFound: no such pledge in the party. :raises AlreadyVoided: voided before.
        :raises PledgeCancelled: its owner cancelled it. :raises PartyClosed: no money moves there.
        """
        return await self._void_entry(
            "pledge", party_id, pledge_id, host_id, reason, interaction_id, compose, late
        )

    async def void_payment(
        self, party_id: int, payment_id: int, host_id: int, reason: str, interaction_id: int,
        compose: ComposeVoidNotice,
        late: LateNotice | None = None,
    ) -> VoidedEntry:
        """Voids a payment entered by mistake; dues it settled are owed again unless others cover them.

        :raises EntryNotFound: no such payment in the party. :raises AlreadyVoided: voided before.
        :raises PartyClosed: no money moves there.
        """
        return await self._void_entry(
            "payment", party_id, payment_id, host_id, reason, interaction_id, compose, late
        )

    async def _void_entry(
        self, kind: Literal["pledge", "payment"], party_id: int, entry_id: int, host_id: int, reason: str,
        interaction_id: int, compose: ComposeVoidNotice, late: LateNotice | None,
    ) -> VoidedEntry:
        """A pledge or payment marked void (kept, left out of every total), logged, and its owner told."""
        table, action = _VOIDABLE[kind]
        async with self._db.transaction() as tx:
            row = await tx.fetch_one(
                f"SELECT * FROM {table} WHERE id = ? AND party_id = ?", (entry_id, party_id)
            )
            if row is None:
                raise EntryNotFound(kind)
            new = await claim_interaction(tx, interaction_id, f"{kind} void")
            if new:
                await require_money_party(tx, party_id)
                if row["voided_at"] is not None:
                    raise AlreadyVoided(kind)
                if kind == "pledge" and row["cancelled_at"] is not None:
                    raise PledgeCancelled()
                await tx.execute(
                    f"UPDATE {table} SET voided_at = ?, voided_by = ?, void_reason = ? WHERE id = ?",
                    (to_text(utc_now()), host_id, reason, entry_id),
                )
                if kind == "payment":
                    # Dues it settled are owed again, unless the member's other payments cover them.
                    await resettle_dues(tx, party_id, row["user_id"])
                await record(
                    tx, party_id, host_id, action, subject_id=row["user_id"],
                    amount_cents=row["amount_cents"], ref_id=entry_id, reason=reason,
                )
                await _tell(tx, party_id, compose, kind, row["user_id"], row["amount_cents"], reason)
                await _settled_since(tx, party_id, late)
                tx.touch(party_id, Topic.MONEY)
            stored = await tx.fetch_value(f"SELECT void_reason FROM {table} WHERE id = ?", (entry_id,))
            return VoidedEntry(
                entry_id, party_id, row["user_id"], row["amount_cents"], stored or reason, new,
                await member_money(tx, party_id, row["user_id"]),
                await active_dues(tx, party_id, row["user_id"]),
            )

    async def void_waiver(
        self, party_id: int, user_id: int, host_id: int, reason: str | None, interaction_id: int,
        compose: ComposeVoidNotice,
        late: LateNotice | None = None,
    ) -> VoidedEntry:
        """The member owes their winner's dues again (paid at once if their payments already cover them).

        :raises NoWaiver: they have no standing waiver. :raises PartyClosed: no money moves there.
        """
        async with self._db.transaction() as tx:
            new = await claim_interaction(tx, interaction_id, "waiver void")
            if new:
                await require_money_party(tx, party_id)
                dues = await active_dues(tx, party_id, user_id)
                waiver = await tx.fetch_one(
                    "SELECT * FROM waivers WHERE party_id = ? AND user_id = ? AND voided_at IS NULL "
                    "ORDER BY id DESC LIMIT 1",
                    (party_id, user_id),
                )
                if dues is None or dues.status is not DuesStatus.WAIVED or waiver is None:
                    raise NoWaiver()
                await tx.execute(
                    "UPDATE waivers SET voided_at = ?, voided_by = ?, void_reason = ? WHERE id = ?",
                    (to_text(utc_now()), host_id, reason, waiver["id"]),
                )
                # Owed first; resettling turns it paid if the member's payments already cover it.
                await tx.execute(
                    "UPDATE dues SET status = 'owed', settled_at = NULL, settled_by = NULL WHERE id = ?",
                    (dues.id,),
                )
                await resettle_dues(tx, party_id, user_id)
                await record(
                    tx, party_id, host_id, Action.WAIVER_VOID, subject_id=user_id,
                    amount_cents=waiver["amount_cents"], ref_id=waiver["id"], reason=reason,
                )
                await _tell(tx, party_id, compose, "waiver", user_id, waiver["amount_cents"], reason)
                await _settled_since(tx, party_id, late)
                tx.touch(party_id, Topic.MONEY)
            waiver = await tx.fetch_one(
                "SELECT * FROM waivers WHERE party_id = ? AND user_id = ? AND voided_at IS NOT NULL "
                "ORDER BY voided_at DESC LIMIT 1",
                (party_id, user_id),
            )
            if waiver is None:
                raise RuntimeError(f"interaction {interaction_id} was applied, but not as a waiver void")
            return VoidedEntry(
                waiver["id"], party_id, user_id, waiver["amount_cents"], waiver["void_reason"] or "", new,
                await member_money(tx, party_id, user_id), await active_dues(tx, party_id, user_id),
            )

    async def pledge_choices(self, party_id: int, *, name: str, cents: int | None) -> list[EntryChoice]:
        """Live pledges of the party, newest first, whose donor's name contains `name` or of `cents`."""
        rows = await self._db.fetch_all(
            "SELECT id, user_id, display_name, amount_cents, anonymous FROM pledges NOT INDEXED "
            "WHERE party_id = ? AND cancelled_at IS NULL AND voided_at IS NULL "
            "AND (instr(lower(display_name), lower(?)) > 0 OR amount_cents = ?) ORDER BY id DESC LIMIT ?",
            (party_id, name, cents if cents is not None else -1, CHOICES_MAX),
        )
        return [EntryChoice(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]

    async def payment_choices(self, party_id: int, *, name: str, cents: int | None) -> list[EntryChoice]:
        """Live payments of the party, newest first, from a member named like `name` or of `cents`."""
        rows = await self._db.fetch_all(
            "SELECT p.id, p.user_id, coalesce(("
            "  SELECT display_name FROM rsvps r WHERE r.party_id = p.party_id AND r.user_id = p.user_id), ("
            "  SELECT display_name FROM pledges g WHERE g.party_id = p.party_id AND g.user_id = p.user_id "
            "  ORDER BY g.id DESC LIMIT 1), '') AS name, p.amount_cents "
            "FROM payments p WHERE p.party_id = ? AND p.voided_at IS NULL "
            "AND (instr(lower(name), lower(?)) > 0 OR p.amount_cents = ?) ORDER BY p.id DESC LIMIT ?",
            (party_id, name, cents if cents is not None else -1, CHOICES_MAX),
        )
        return [EntryChoice(r[0], r[1], r[2], r[3], False) for r in rows]
