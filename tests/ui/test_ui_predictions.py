"""The predictions game's rendering, from plain data: ballot pages within Discord's limits, the lines."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from rules.predictions import Guesses, Standing
from storage import Party
from storage.ballot import BallotCategory, Category, Nominee
from storage.predictions import Leaderboard
from ui.custom_ids import BALLOT_PAGE_TEMPLATE, PICK_TEMPLATE
from ui.limits import CUSTOM_ID_MAX
from ui.predictions import (
    CATEGORIES_PER_PAGE,
    ballot_page,
    best_predictors_line,
    guessed_line,
    leaderboard_pages,
)

NOW = datetime(2026, 9, 20, tzinfo=UTC)
PARTY = Party(
    id=7,
    guild_id=1,
    name="Losers Lounge",
    venue=None,
    starts_at=None,
    ends_at=None,
    timezone="UTC",
    charity=None,
    winner_donation_cents=100_000,
    goal_cents=None,
    capacity=None,
    host_role_id=None,
    announce_channel_id=None,
    created_by=1,
    created_at=NOW,
    closed_at=None,
)


def entry(category_id: int, nominees: int) -> BallotCategory:
    return BallotCategory(
        Category(category_id, PARTY.id, f"Category {category_id}", category_id),
        tuple(Nominee(category_id * 1000 + n, category_id, f"Nominee {n}", None, n) for n in range(nominees)),
    )


def test_a_page_holds_four_menus_and_the_buttons_within_five_rows() -> None:
    ballot = [entry(c, 5) for c in range(1, 27)]
    embed, view = ballot_page(PARTY, ballot, {1: 1002}, page=1)
    assert view is not None
    rows = view.to_components()
    assert len(rows) == CATEGORIES_PER_PAGE + 1 <= 5
    menus = [c for row in rows for c in row["components"] if c["type"] == 3]
    assert [m["placeholder"] for m in menus] == [f"Category {c}" for c in range(5, 9)]
    assert all(re.fullmatch(PICK_TEMPLATE, m["custom_id"]) for m in menus)
    buttons = [c for c in rows[-1]["components"]]
    assert [b["custom_id"] for b in buttons] == ["predict-page:7:0:prev", "predict-page:7:2:next"]
    assert all(re.fullmatch(BALLOT_PAGE_TEMPLATE, b["custom_id"]) for b in buttons)
    assert embed.footer.text == "Page 2 of 7"
    assert "You've picked 1 of 26 open categories" in (embed.description or "")


def test_the_current_pick_is_the_menus_default_and_a_page_past_the_end_shows_the_last() -> None:
    ballot = [entry(c, 3) for c in range(1, 6)]
    embed, view = ballot_page(PARTY, ballot, {5: 5002}, page=99)
    assert view is not None and embed.footer.text == "Page 2 of 2"
    menu = view.to_components()[0]["components"][0]
    assert [o["label"] for o in menu["options"] if o.get("default")] == ["Nominee 2"]
    assert embed.fields[0].value == "Your pick: **Nominee 2**"


def test_a_category_of_more_than_25_nominees_keeps_the_pick_in_its_menu_and_says_so() -> None:
    big = entry(1, 30)
    embed, view = ballot_page(PARTY, [big], {1: 1029}, page=0)
    assert view is not None
    menu = view.to_components()[0]["components"][0]
    assert len(menu["options"]) == 25 and menu["options"][-1]["label"] == "Nominee 29"
    assert "lists 25 of its 30 nominees" in (embed.fields[0].value or "")
    assert len(view.to_components()) == 1  # one page: no buttons


def test_custom_ids_stay_within_discords_limit_for_the_largest_ids() -> None:
    huge = (1 << 63) - 1
    party = Party(**{**PARTY.__dict__, "id": huge})
    _, view = ballot_page(
        party,
        [BallotCategory(Category(huge, huge, "X", 0), (Nominee(huge, huge, "Y", None, 0),))] * 5,
        {},
        999,
    )
    assert view is not None
    ids = [c["custom_id"] for row in view.to_components() for c in row["components"]]
    assert max(len(i) for i in ids) <= CUSTOM_ID_MAX


def test_nothing_left_to_predict_has_no_menus() -> None:
    embed, view = ballot_page(PARTY, [], {}, 0)
    assert view is None and "Every category has been announced" in (embed.description or "")


def test_the_guessed_line_names_few_and_counts_many_and_defuses_names() -> None:
    assert guessed_line(None, "Tony Hale") is None
    assert guessed_line(Guesses(0, ()), "Tony Hale") is None
    assert guessed_line(Guesses(31, tuple(range(7))), "Tony Hale") == "7 of 31 guessed Tony Hale"
    assert guessed_line(Guesses(3, (11, 12)), "Tony Hale") == "2 of 3 guessed Tony Hale: <@11>, <@12>"
    assert guessed_line(Guesses(4, ()), "Tony Hale") == "0 of 4 guessed Tony Hale"
    line = guessed_line(Guesses(1, ()), "@everyone *bold*")
    assert line is not None and "@everyone" not in line and "\\*bold\\*" in line


def test_the_leaderboard_pages_and_the_toast() -> None:
    board = [Standing(n + 1, 100 + n, max(0, 26 - n), 26, NOW) for n in range(45)]
    pages = leaderboard_pages(PARTY, Leaderboard(board, 26, {}))
    assert len(pages) == 3
    first = (pages[0].description or "").splitlines()
    assert first[2:5] == ["🥇 <@100>: 26 of 26", "🥈 <@101>: 25 of 26", "🥉 <@102>: 24 of 26"]
    assert "4. <@103>: 23 of 26" in first
    assert best_predictors_line([], 26) is None
    assert best_predictors_line(board[:2], 26) == "<@100>, <@101> with 26 of 26 right"
