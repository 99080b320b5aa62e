"""Every typed refusal has its sentence in ui.wording, and a quoted name stays inert there."""

from __future__ import annotations

import inspect
from types import ModuleType

import pytest

import rules.errors as rule_errors
import storage.errors as storage_errors
from rules import Refusal
from rules.ballot_csv import parse_ballot_csv
from rules.money import parse_amount


def _factless(module: ModuleType) -> list[type[Refusal]]:
    """The module's refusals that carry no facts (their sentence comes from a table)."""
    return [
        cls
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, Refusal)
        and cls.__module__ == module.__name__
        and not inspect.isabstract(cls)
        and len(inspect.signature(cls).parameters) == 0
        and cls not in (rule_errors.RuleRefusal, storage_errors.StorageRefusal, rule_errors.LineProblem)
    ]


FACTLESS = _factless(rule_errors) + _factless(storage_errors)


@pytest.mark.parametrize("error", FACTLESS, ids=lambda c: c.__name__)
def test_every_factless_refusal_has_a_sentence(error: type[Refusal]) -> None:
    text = str(error())
    assert text != error.__name__ and text.strip()


def test_a_refusal_with_facts_reads_as_before() -> None:
    with pytest.raises(Refusal) as refused:
        parse_amount("0", limit_cents=100_00)
    assert str(refused.value) == (
        "The amount has to be more than $0. Use a positive amount up to $100 with at most two decimals, "
        "like 50, $1,000 or 12.50."
    )


def test_a_line_of_a_ballot_file_quotes_the_name_inertly() -> None:
    with pytest.raises(Refusal) as refused:
        parse_ballot_csv(b"category,nominee\nDrama,@everyone\nDrama,@everyone\n")
    text = str(refused.value)
    assert text.startswith("Line 3: ") and text.endswith(" on line 2. Nothing was imported.")
    assert "@everyone" not in text
