"""Winners against losers, and the leaderboard's wording."""

from __future__ import annotations

from rules.tallies import AnnouncedCategory, passed_over_text, person_key, tally


def category(winner: str, *others: str) -> AnnouncedCategory:
    return AnnouncedCategory(frozenset({winner}), frozenset({winner, *others}))


def test_the_emmys_night_ratio_reads_losers_outnumber_winners() -> None:
    night = [category(f"w{i}", *(f"l{i}-{j}" for j in range(4))) for i in range(5)]
    result = tally(night, total_categories=26)
    assert (result.announced, result.total, result.winners, result.losers) == (5, 26, 5, 20)
    assert result.ratio_text == "losers outnumber winners 4 to 1"
    assert (
        result.summary
        == "5 of 26 categories announced · 5 winners · 20 losers · losers outnumber winners 4 to 1"
        " · people counted once each"
    )


def test_a_winner_passed_over_elsewhere_counts_once_as_a_winner() -> None:
    night = [category("amy", "bob", "carol"), category("bob", "amy", "dev")]
    result = tally(night, total_categories=2)
    assert (result.winners, result.losers) == (2, 2)  # carol and dev; amy and bob each won something
    assert result.ratio_text == "losers outnumber winners 1 to 1"


def test_ratio_wording_at_the_edges() -> None:
    assert tally([], 26).ratio_text == "no winners yet"
    assert tally([category("solo")], 1).ratio_text == "no losers yet"
    odd = tally([category("a", "x"), category("b"), category("c")], 3)
    assert odd.ratio_text == "winners outnumber losers 3 to 1"
    assert (
        tally([category("a", *"xyzuvwt"), category("b")], 2).ratio_text == "losers outnumber winners 3.5 to 1"
    )


def test_people_are_matched_by_member_or_by_name_ignoring_case_and_spaces() -> None:
    assert person_key(42, "Anyone") == "m:42"
    assert person_key(None, "Jon Hamm") == person_key(None, "  jon   hamm ") == person_key(None, "JONHAMM")
    assert person_key(None, "Jon Hamm") != person_key(None, "Jon Ham")


def test_passed_over_wording_is_singular_and_plural() -> None:
    assert passed_over_text(20, 7) == "passed over 20 times in 7 categories"
    assert passed_over_text(1, 1) == "passed over 1 time in 1 category"
