"""The export's CSV files: UTF-8 with a header row, one record a row, amounts in dollars.

Written with a byte-order mark so spreadsheets read the UTF-8 names right, and with cells that start like
a formula (=, +, -, @) prefixed by an apostrophe so a guest's note can never run as one.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import datetime

from rules.ledger import MoneyFigures
from storage.audit import LogEntry
from storage.predictions import PredictionRow
from storage.reports import GuestRow, MoneyRow, ResultRow

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def dollars(cents: int) -> str:
    return f"{cents / 100:.2f}"


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def guests_csv(rows: Sequence[GuestRow]) -> bytes:
    return _csv(
        ["member_id", "name", "answer", "plus_ones", "waitlist_place", "winner", "arrived_at_utc", "note"],
        (
            [r.user_id, r.name, r.status, r.plus_ones, r.waitlist_place, r.winner, r.arrived_at, r.note]
            for r in rows
        ),
    )


def money_csv(rows: Sequence[MoneyRow]) -> bytes:
    return _csv(
        ["kind", "id", "at_utc", "member_id", "name", "amount_usd", "anonymous", "status", "note",
         "voided_at_utc", "voided_by", "void_reason"],
        (
            [r.kind, r.ref_id, r.at, r.user_id, r.name, dollars(r.amount_cents), r.anonymous, r.status,
             r.note, r.voided_at, r.voided_by, r.void_reason]
            for r in rows
        ),
    )


def totals_csv(money: MoneyFigures) -> bytes:
    """The night's figures as the counter and the wrap-up show them, one figure a row."""
    return _csv(
        ["figure", "amount_usd"],
        [
            ["raised", dollars(money.raised_cents)],
            ["pledged", dollars(money.pledged_cents)],
            ["winners_dues", dollars(money.dues_cents)],
            ["received", dollars(money.received_cents)],
            ["received_dues", dollars(money.received_dues_cents)],
            ["received_pledges", dollars(money.received_pledges_cents)],
            ["outstanding", dollars(money.outstanding_cents)],
        ],
    )


def log_csv(entries: Sequence[LogEntry]) -> bytes:
    """The audit trail, newest first, as /party log shows it."""
    return _csv(
        ["at_utc", "actor_id", "action", "member_id", "amount_usd", "ref_id", "detail", "reason"],
        (
            [e.at, e.actor_id, e.action.value, e.subject_id,
             None if e.amount_cents is None else dollars(e.amount_cents), e.ref_id, e.detail, e.reason]
            for e in entries
        ),
    )


def results_csv(rows: Sequence[ResultRow]) -> bytes:
    return _csv(
        ["category", "winner", "winner_member_id", "announced_at_utc", "undone_at_utc", "undo_reason"],
        (
            [r.category, r.winner, r.winner_member_id, r.announced_at, r.undone_at, r.undo_reason]
            for r in rows
        ),
    )


def predictions_csv(rows: Sequence[PredictionRow]) -> bytes:
    """Every pick with how it turned out: `correct` is empty while its category is undecided."""
    return _csv(
        ["category", "member_id", "name", "pick", "picked_at_utc", "winner", "correct"],
        ([r.category, r.user_id, r.name, r.pick, r.picked_at, r.winner, r.correct] for r in rows),
    )
