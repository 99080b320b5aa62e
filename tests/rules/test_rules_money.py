import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import Refusal
from rules.money import MAX_PLEDGE_CENTS, format_cents, parse_amount


@pytest.mark.parametrize(
    ("text", "cents"),
    [
        ("50", 5_000),
        ("$1,000", 100_000),
        ("1000", 100_000),
        ("12.50", 1_250),
        ("12.5", 1_250),
        ("$ 50", 5_000),
        ("  $20,000  ", 2_000_000),
        ("1,000,000", 100_000_000),
        ("$1,000,000.00", 100_000_000),
        (".5", 50),
        (".05", 5),
        ("0.01", 1),
        ("007", 700),
    ],
)
def test_accepted_amounts(text, cents):
    assert parse_amount(text) == cents


def test_dollar_sign_and_commas_mean_the_same():
    assert parse_amount("$1,000") == parse_amount("1000")


@pytest.mark.parametrize(
    "text",
    [
        "-5",
        "0",
        "0.00",
        "$0",
        "1e9",
        "abc",
        "10.001",
        "",
        "   ",
        "inf",
        "nan",
        "$",
        "1.",
        ".",
        "1,00",
        "10,00.5",
        "1,0000",
        ",100",
        "0,100",
        "1 000",
        "+5",
        "5$",
        "$$5",
        "12.50.1",
        "١٢٣",
        "１２３",
        "5 dollars",
        "0x10",
        "1_000",
        "10000000.01",
        "1,000,001",
        "9" * 5000,
    ],
)
def test_refused_amounts(text):
    with pytest.raises(Refusal):
        parse_amount(text)


def test_refusal_says_what_is_accepted():
    with pytest.raises(Refusal) as caught:
        parse_amount("abc")
    assert str(caught.value) == (
        "“abc” isn't an amount. Use a positive amount up to $1,000,000 with at most two decimals, "
        "like 50, $1,000 or 12.50."
    )


@pytest.mark.parametrize("text", ["-5", "0", "1e9", "10.001"])
def test_every_refusal_names_the_accepted_form(text):
    with pytest.raises(Refusal, match="at most two decimals"):
        parse_amount(text)


def test_over_the_limit_names_the_maximum():
    with pytest.raises(Refusal, match=r"\$1,000,000\.$"):
        parse_amount("1,000,000.01")


def test_custom_limit():
    assert parse_amount("500", limit_cents=50_000) == 50_000
    with pytest.raises(Refusal, match=r"\$500"):
        parse_amount("500.01", limit_cents=50_000)


def test_long_input_is_truncated_and_cannot_ping():
    with pytest.raises(Refusal) as caught:
        parse_amount("@everyone " + "x" * 2_000)
    message = str(caught.value)
    assert len(message) < 200
    assert "@everyone" not in message


@pytest.mark.parametrize(
    ("cents", "shown"),
    [
        (2_000_000, "$20,000"),
        (1_250, "$12.50"),
        (5, "$0.05"),
        (0, "$0"),
        (100_000_000, "$1,000,000"),
        (-500, "-$5"),
        (-1_250, "-$12.50"),
    ],
)
def test_format_cents(cents, shown):
    assert format_cents(cents) == shown


@given(st.integers(min_value=1, max_value=MAX_PLEDGE_CENTS))
def test_format_then_parse_round_trips(cents):
    assert parse_amount(format_cents(cents)) == cents


@given(st.text())
def test_parse_only_refuses_and_stays_in_range(text):
    try:
        cents = parse_amount(text)
    except Refusal as refusal:
        assert str(refusal)
    else:
        assert 1 <= cents <= MAX_PLEDGE_CENTS


@given(st.from_regex(r"\A\$?[0-9,]{0,14}(\.[0-9]{0,3})?\Z"))
def test_parse_of_amount_like_text_only_refuses_and_stays_in_range(text):
    try:
        cents = parse_amount(text)
    except Refusal:
        return
    assert 1 <= cents <= MAX_PLEDGE_CENTS
