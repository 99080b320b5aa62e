"""The ballot as hosts type or upload it: the CSV file of /category import and the `nominees` list.

A ballot file is UTF-8 CSV (a byte-order mark is fine) whose first line is the header
`category,nominee,member_id`; the columns may come in any order and `member_id` may be left out or
empty. Each later line names one nominee of one category; a category named on several lines collects
their nominees in file order, and blank lines are skipped. The whole file is checked before anything is
stored: the first problem refuses it, naming its line with the header counted as line 1.

The `nominees` option of /category add is a comma-separated list of names and member mentions.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from rules.errors import (
    BadMemberId,
    ColumnTwice,
    EmptyFile,
    FileTooBig,
    ImportLineRefused,
    MissingColumn,
    NoHeader,
    NomineeTwiceInFile,
    NoNominees,
    NotCsv,
    NotUtf8,
    RoleNominee,
    TooManyNominees,
    TooManyValues,
    UnknownColumn,
)
from rules.refusal import Refusal
from rules.text import clean_name, name_key

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
NAME_MAX = 100
COLUMNS = ("category", "nominee", "member_id")
REQUIRED_COLUMNS = ("category", "nominee")

HEADER_EXAMPLE = "category,nominee,member_id"

# Discord ids are 64-bit snowflakes; anything longer cannot be one (and would overflow SQLite).
_MEMBER_ID = re.compile(r"(?:<@!?)?([0-9]{1,19})>?", re.ASCII)
_MENTION = re.compile(r"<@!?([0-9]{1,19})>", re.ASCII)
_ROLE_MENTION = re.compile(r"<@&[0-9]+>", re.ASCII)
_SNOWFLAKE_MAX = 2**63 - 1


@dataclass(frozen=True)
class BallotRow:
    """One checked nominee line: names cleaned, `member_ids` plausible Discord ids (several: co-nominees)."""

    line: int
    category: str
    nominee: str
    member_ids: tuple[int, ...] = ()

    @property
    def member_id(self) -> int | None:
        """The first linked member, or None."""
        return self.member_ids[0] if self.member_ids else None


@dataclass(frozen=True)
class NamedNominee:
    name: str


@dataclass(frozen=True)
class MentionedMember:
    member_id: int


NomineeEntry = NamedNominee | MentionedMember


def _line_at(data: bytes, offset: int) -> int:
    """The 1-based line holding byte `offset`; \\n, \\r\\n and a lone \\r end lines, as for csv."""
    before = data[:offset]
    lines = before.splitlines()
    return len(lines) + (0 if lines and not before.endswith((b"\n", b"\r")) else 1)


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportLineRefused(_line_at(data, MAX_BYTES), FileTooBig(len(data), MAX_BYTES))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportLineRefused(_line_at(data, exc.start), NotUtf8()) from None


def _read_header(record: list[str]) -> dict[str, int]:
    names = [field.strip().casefold() for field in record]
    if not any(names):
        raise ImportLineRefused(1, NoHeader())
    positions: dict[str, int] = {}
    for index, name in enumerate(names):
        if name not in COLUMNS:
            raise ImportLineRefused(1, UnknownColumn(record[index]))
        if name in positions:
            raise ImportLineRefused(1, ColumnTwice(name))
        positions[name] = index
    missing = [name for name in REQUIRED_COLUMNS if name not in positions]
    if missing:
        raise ImportLineRefused(1, MissingColumn(missing[0]))
    return positions


def parse_member_id(text: str) -> int | None:
    """A member id as typed in a file: digits, or a mention like <@123>; empty means not linked."""
    stripped = text.strip()
    if not stripped:
        return None
    found = _MEMBER_ID.fullmatch(stripped)
    if found is None or int(found.group(1)) == 0 or int(found.group(1)) > _SNOWFLAKE_MAX:
        raise BadMemberId(stripped)
    return int(found.group(1))


def _read_row(line: int, record: list[str], columns: dict[str, int]) -> BallotRow:
    if len(record) > len(columns):
        raise ImportLineRefused(line, TooManyValues(len(record), len(columns)))
    values = {name: record[index] if index < len(record) else "" for name, index in columns.items()}
    try:
        category = clean_name(values["category"], what="category name", max_length=NAME_MAX)
        nominee = clean_name(values["nominee"], what="nominee name", max_length=NAME_MAX)
        # Co-nominees ("Tina Fey & Tracey Wigfield") list several ids separated by ";".
        member_ids = tuple(
            dict.fromkeys(
                member_id
                for part in values.get("member_id", "").split(";")
                if (member_id := parse_member_id(part)) is not None
            )
        )
    except Refusal as refusal:
        raise ImportLineRefused(line, refusal) from None
    return BallotRow(line=line, category=category, nominee=nominee, member_ids=member_ids)


def parse_ballot_csv(data: bytes) -> list[BallotRow]:
    """Every nominee line of the file, checked; :raises Refusal: naming the first bad line."""
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[BallotRow] = []
    first_seen: dict[tuple[str, str], int] = {}
    columns: dict[str, int] | None = None
    line = 1
    try:
        for record in reader:
            if columns is None:
                columns = _read_header(record)
            elif any(field.strip() for field in record):
                if len(rows) == MAX_ROWS:
                    raise ImportLineRefused(line, TooManyNominees(MAX_ROWS))
                row = _read_row(line, record, columns)
                pair = (name_key(row.category), name_key(row.nominee))
                if pair in first_seen:
                    twice = NomineeTwiceInFile(row.nominee, row.category, first_seen[pair])
                    raise ImportLineRefused(line, twice)
                first_seen[pair] = line
                rows.append(row)
            # A quoted field may span lines: the next record starts after the last line this one used.
            line = reader.line_num + 1
    except csv.Error as exc:
        raise ImportLineRefused(line, NotCsv(str(exc))) from None
    if columns is None:
        raise ImportLineRefused(1, EmptyFile())
    if not rows:
        raise ImportLineRefused(2, NoNominees())
    return rows


def split_nominees(text: str | None) -> list[NomineeEntry]:
    """The `nominees` option read as names and member mentions; empty items (",,") are skipped.

    :raises Refusal: a name is too long, or an item is a role mention.
    """
    if text is None:
        return []
    entries: list[NomineeEntry] = []
    for item in text.split(","):
        stripped = item.strip()
        if not stripped:
            continue
        mention = _MENTION.fullmatch(stripped)
        if mention is not None:
            entries.append(MentionedMember(int(mention.group(1))))
        elif _ROLE_MENTION.fullmatch(stripped):
            raise RoleNominee()
        else:
            entries.append(NamedNominee(clean_name(stripped, what="nominee name", max_length=NAME_MAX)))
    return entries
