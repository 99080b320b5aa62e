"""Dues settle from payments; the door lets losers in free and winners once settled; bottles engrave wins."""

from __future__ import annotations

from rules.dues import DuesStatus, door_verdict, dues_settled, engraving


def test_dues_are_settled_once_payments_cover_them() -> None:
    assert not dues_settled(100_000, 99_999)
    assert dues_settled(100_000, 100_000)
    assert dues_settled(100_000, 150_000)


def test_the_door_lets_losers_in_free() -> None:
    verdict = door_verdict("Amy", is_winner=False, dues=None, owed_cents=0, charity="WOF")
    assert verdict.admitted and "in for free" in verdict.message


def test_the_door_holds_a_winner_until_dues_are_paid_or_waived() -> None:
    owed = door_verdict("Bob", is_winner=True, dues=DuesStatus.OWED, owed_cents=100_000, charity="WOF")
    assert not owed.admitted
    assert "still owes $1,000 to WOF" in owed.message
    paid = door_verdict("Bob", is_winner=True, dues=DuesStatus.PAID, owed_cents=100_000, charity="WOF")
    waived = door_verdict("Bob", is_winner=True, dues=DuesStatus.WAIVED, owed_cents=100_000, charity=None)
    assert paid.admitted and "paid" in paid.message
    assert waived.admitted and "waived" in waived.message


def test_the_engraving_names_the_winner_their_categories_the_party_and_the_charity() -> None:
    text = engraving("Bob", ["Drama Series", "Lead Actor"], "Losers Lounge", "Worldwide Orphans Foundation")
    assert text == "Bob · Winner, Drama Series, Lead Actor · Losers Lounge · for Worldwide Orphans Foundation"
