"""Winner's dues and what they earn: when dues are settled, the door's verdict, and the bottle's engraving."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from rules.money import format_cents


class DuesStatus(StrEnum):
    OWED = "owed"
    PAID = "paid"
    WAIVED = "waived"
    CANCELLED = "cancelled"


def dues_settled(owed_cents: int, received_cents: int) -> bool:
    """Money received from a winner goes to their dues first; the dues are paid once it covers them."""
    return received_cents >= owed_cents


@dataclass(frozen=True)
class DoorVerdict:
    admitted: bool
    message: str


def door_verdict(
    name: str, *, is_winner: bool, dues: DuesStatus | None, owed_cents: int, charity: str | None
) -> DoorVerdict:
    """Losers get in free; a winner gets in once their dues are paid or waived."""
    if not is_winner:
        return DoorVerdict(True, f"{name} is a loser tonight: in for free. Enjoy the party!")
    if dues in (DuesStatus.PAID, DuesStatus.WAIVED) or owed_cents == 0:
        settled = "waived" if dues is DuesStatus.WAIVED else "paid"
        return DoorVerdict(True, f"{name} is a winner and their dues are {settled}: come on in.")
    to = f" to {charity}" if charity else ""
    return DoorVerdict(
        False,
        f"{name} is a winner and still owes {format_cents(owed_cents)}{to}. "
        "They get in once a host records the payment (/payment record) or waives it (/payment waive).",
    )


def engraving(name: str, categories_won: Sequence[str], party_name: str, charity: str | None) -> str:
    """The text engraved on a winner's bottle."""
    won = ", ".join(categories_won)
    text = f"{name} · Winner, {won} · {party_name}"
    return f"{text} · for {charity}" if charity else text
