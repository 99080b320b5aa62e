"""Ballot files and the `nominees` list: every bad file refused with its line, header counted as line 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from rules import Refusal
from rules.ballot_csv import (
    MAX_ROWS,
    BallotRow,
    MentionedMember,
    NamedNominee,
    parse_ballot_csv,
    parse_member_id,
    split_nominees,
)

EMMYS = Path(__file__).resolve().parents[2] / "demo" / "ballots" / "emmys-65.csv"
HEADER = "category,nominee,member_id\n"


def refusal_of(data: bytes) -> str:
    with pytest.raises(Refusal) as caught:
        parse_ballot_csv(data)
    message = str(caught.value)
    assert message.endswith("Nothing was imported.")
    return message


def test_the_emmys_ballot_reads_as_26_categories_in_file_order() -> None:
    rows = parse_ballot_csv(EMMYS.read_bytes())
    categories = list(dict.fromkeys(row.category for row in rows))
    assert len(categories) == 26
    assert categories[0] == "Outstanding Comedy Series"
    assert rows[0] == BallotRow(2, "Outstanding Comedy Series", "30 Rock")
    assert "Sofía Vergara" in {row.nominee for row in rows}
    # A quoted category keeps its comma.
    assert "Outstanding Directing for a Miniseries, Movie or Dramatic Special" in categories
    assert all(row.member_id is None for row in rows)


def test_names_are_cleaned_member_ids_read_and_blank_lines_skipped() -> None:
    data = (
        "\ufeffCategory , NOMINEE,member_id\r\n"
        "  Outstanding   Drama Series ,Breaking\u200b Bad,123456789012345678\r\n"
        "\r\n"
        'Outstanding Drama Series,"Mad Men, the show",<@42>\r\n'
    ).encode()
    assert parse_ballot_csv(data) == [
        BallotRow(2, "Outstanding Drama Series", "Breaking Bad", (123456789012345678,)),
        BallotRow(4, "Outstanding Drama Series", "Mad Men, the show", (42,)),
    ]


def test_columns_may_come_in_any_order_and_member_id_may_be_left_out() -> None:
    rows = parse_ballot_csv(b"nominee,category\nHomeland,Drama\n")
    assert rows == [BallotRow(2, "Drama", "Homeland")]


def test_a_quoted_name_over_several_lines_counts_lines_from_where_the_next_row_starts() -> None:
    data = f'{HEADER}"Drama\nSeries",Mad Men,\nDrama Series,,\n'.encode()
    assert "Line 4:" in refusal_of(data)


@pytest.mark.parametrize(
    ("data", "line", "hint"),
    [
        (b"category,nominee,votes\nDrama,Homeland,\n", 1, "unknown column"),
        (b"category,category,nominee\n", 1, "appears twice"),
        (b"category,member_id\nDrama,1\n", 1, "no “nominee” column"),
        (b"", 1, "empty"),
        (b"\nDrama,Homeland,\n", 1, "header"),
        (HEADER.encode(), 2, "no nominees"),
        (f"{HEADER}Drama,Homeland,\n,Mad Men,\n".encode(), 3, "category name can't be empty"),
        (f"{HEADER}Drama,Homeland,\nDrama,\u200b ,\n".encode(), 3, "nominee name can't be empty"),
        (f"{HEADER}Drama,Homeland,\nComedy,Girls,\nDRAMA, homeland ,\n".encode(), 4, "on line 2"),
        (f"{HEADER}Drama,{'x' * 101},\n".encode(), 2, "too long: 101 characters"),
        (f"{HEADER}{'D' * 2000},Homeland,\n".encode(), 2, "too long: 2,000 characters"),
        (f"{HEADER}Drama,Homeland,\nDrama,Mad Men,abc\n".encode(), 3, "isn't a Discord member id"),
        (f"{HEADER}Drama,Homeland,{'9' * 25}\n".encode(), 2, "isn't a Discord member id"),
        (f"{HEADER}Drama,Homeland,,extra\n".encode(), 2, "4 values"),
        (f'{HEADER}Drama,"Home"land,\n'.encode(), 2, "valid CSV"),
        (HEADER.encode() + b"Drama,Homeland,\nComedy,Girls,\nDrama,Caf\xe9,\n", 4, "UTF-8"),
        (HEADER.encode() + b"Drama,Homeland,\r\nDrama,Caf\xe9\r\n", 3, "UTF-8"),
    ],
)
def test_a_bad_file_is_refused_naming_its_line(data: bytes, line: int, hint: str) -> None:
    message = refusal_of(data)
    assert message.startswith(f"Line {line}:"), message
    assert hint in message, message


def test_more_than_5000_nominees_is_refused_at_the_5001st() -> None:
    rows = "".join(f"Category {n // 10},Nominee {n},\n" for n in range(MAX_ROWS))
    assert len(parse_ballot_csv(f"{HEADER}{rows}".encode())) == MAX_ROWS
    message = refusal_of(f"{HEADER}{rows}One more,Nominee,\n".encode())
    assert message.startswith("Line 5,002:")
    assert "more than 5,000" in message


def test_more_than_1_mib_is_refused_naming_the_line_that_passes_it() -> None:
    line = "Category,Nominee " + "x" * 81 + ",\n"
    assert len(line) == 100
    data = (HEADER + line * 11000).encode()
    assert len(data) > 1024 * 1024
    passing_line = (1024 * 1024 - len(HEADER)) // len(line) + 2
    message = refusal_of(data)
    assert message.startswith(f"Line {passing_line:,}:")
    assert "1 MiB" in message


def test_member_ids_accept_digits_and_mentions_and_nothing_else() -> None:
    assert parse_member_id("") is None
    assert parse_member_id(" 80351110224678912 ") == 80351110224678912
    assert parse_member_id("<@!80351110224678912>") == 80351110224678912
    for bad in ("0", "-5", "1e9", "@amy", "<@&5>", "١٢٣"):
        with pytest.raises(Refusal):
            parse_member_id(bad)


def test_the_nominees_option_splits_names_and_mentions() -> None:
    assert split_nominees(None) == []
    assert split_nominees(" Breaking Bad ,, <@123>, <@!456> ,Mad  Men,") == [
        NamedNominee("Breaking Bad"),
        MentionedMember(123),
        MentionedMember(456),
        NamedNominee("Mad Men"),
    ]
    with pytest.raises(Refusal, match="role"):
        split_nominees("<@&999>")
    with pytest.raises(Refusal, match="too long"):
        split_nominees("x" * 2000)
