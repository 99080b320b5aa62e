"""Why a rule said no, as types: the sentences a member reads live in `ui.wording`.

Rules sit at the bottom of the dependency flow and never import `ui`; instead `ui.wording` hands its
sentence function to `use_wording` when it is imported, and `str()` of an error asks it then. Each
error carries the facts its sentence needs (what was typed, the limit), never the sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Literal

from rules.refusal import Refusal

TimeField = Literal["start", "end"]

_wording: Callable[[RuleRefusal], str] | None = None


def use_wording(wording: Callable[[RuleRefusal], str]) -> None:
    """Installs the one function that turns a rule's refusal into its sentence (`ui.wording`'s)."""
    global _wording
    _wording = wording


class RuleRefusal(Refusal):
    """A rule refused the input; `ui.wording.refusal_text` turns it into the private answer."""

    def __init__(self) -> None:
        super().__init__(type(self).__name__)

    def __str__(self) -> str:
        # Without the wording installed (a script using rules alone) the type's name still says why.
        return self.message if _wording is None else _wording(self)


# -- names and notes (rules.text) ----------------------------------------------------------------------

class EmptyName(RuleRefusal):
    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what


class NameTooLong(RuleRefusal):
    def __init__(self, what: str, length: int, max_length: int) -> None:
        super().__init__()
        self.what = what
        self.length = length
        self.max_length = max_length


class NoteTooLong(RuleRefusal):
    def __init__(self, length: int, max_length: int) -> None:
        super().__init__()
        self.length = length
        self.max_length = max_length


# -- amounts (rules.money) -----------------------------------------------------------------------------

class AmountRefusal(RuleRefusal):
    """A typed amount refused; every sentence says what is accepted, up to `limit_cents`."""

    def __init__(self, limit_cents: int) -> None:
        super().__init__()
        self.limit_cents = limit_cents


class NoAmount(AmountRefusal):
    pass


class NotAnAmount(AmountRefusal):
    def __init__(self, typed: str, limit_cents: int) -> None:
        super().__init__(limit_cents)
        self.typed = typed


class ZeroAmount(AmountRefusal):
    pass


class AmountOverLimit(AmountRefusal):
    """Over the limit; `cents` is None when the typed number is too long to have been read."""

    def __init__(self, cents: int | None, limit_cents: int) -> None:
        super().__init__(limit_cents)
        self.cents = cents


# -- places (rules.admission) --------------------------------------------------------------------------

class CapacityOutOfRange(RuleRefusal):
    pass


class PlusOnesOutOfRange(RuleRefusal):
    pass


class NoRoom(RuleRefusal):
    """A confirmed guest asked for more plus-ones than fit; their place stays as it was."""

    def __init__(self, free: int, most: int, asked: int) -> None:
        super().__init__()
        self.free = free
        self.most = most
        self.asked = asked


# -- times (rules.times, rules.schedule) ---------------------------------------------------------------

class UnknownTimezone(RuleRefusal):
    def __init__(self, typed: str) -> None:
        super().__init__()
        self.typed = typed


class SkippedTime(RuleRefusal):
    """A wall-clock time the clocks skip when they spring forward."""

    def __init__(self, local: datetime, zone: str) -> None:
        super().__init__()
        self.local = local
        self.zone = zone


class TimeTypo(RuleRefusal):
    """A typed start or end (`field`) that can't be read; the sentence shows that field's form."""

    def __init__(self, typed: str, field: TimeField) -> None:
        super().__init__()
        self.typed = typed
        self.field = field


class NotARealTime(TimeTypo):
    pass


class NotARealDate(TimeTypo):
    pass


class NotATime(TimeTypo):
    """Neither form: not a start (or end) time at all."""


class YearOutOfRange(RuleRefusal):
    def __init__(self, typed: str, first_year: int, last_year: int) -> None:
        super().__init__()
        self.typed = typed
        self.first_year = first_year
        self.last_year = last_year


class EndNotAfterStart(RuleRefusal):
    def __init__(self, typed: str, start_local: datetime) -> None:
        super().__init__()
        self.typed = typed
        self.start_local = start_local


class EndWithoutStart(RuleRefusal):
    pass


class StartPassed(RuleRefusal):
    """A start already in the past; `meant` is the local start the host probably meant, if any."""

    def __init__(self, typed: str, zone: str, meant: datetime | None) -> None:
        super().__init__()
        self.typed = typed
        self.zone = zone
        self.meant = meant


# -- reminders (rules.reminders) ------------------------------------------------------------------------

class UnreadableReminder(RuleRefusal):
    def __init__(self, typed: str) -> None:
        super().__init__()
        self.typed = typed


class ReminderAtStart(RuleRefusal):
    pass


class ReminderTooEarly(RuleRefusal):
    """More than `max_days` before the start."""

    def __init__(self, typed: str, max_days: int) -> None:
        super().__init__()
        self.typed = typed
        self.max_days = max_days


class TooManyReminders(RuleRefusal):
    def __init__(self, most: int) -> None:
        super().__init__()
        self.most = most


# -- predictions (rules.predictions) -------------------------------------------------------------------

class PredictionsClosed(RuleRefusal):
    """A pick for a closed party: its predictions are kept as they were."""


class PredictionsOff(RuleRefusal):
    pass


class NotAGuest(RuleRefusal):
    """Only the party's guests (and hosts) play."""


class CategoryDecided(RuleRefusal):
    """A pick in a category already announced."""

    def __init__(self, category: str, winner: str) -> None:
        super().__init__()
        self.category = category
        self.winner = winner


class PredictionsLocked(RuleRefusal):
    pass


class UnreadableLock(RuleRefusal):
    """A `predictions_lock` that is neither a moment, "now" nor "off"."""


# -- the ballot file and the nominees list (rules.ballot_csv) --------------------------------------------

class ImportLineRefused(RuleRefusal):
    """A whole /category import refused because of `problem` on one line (the header is line 1)."""

    def __init__(self, line: int, problem: Refusal) -> None:
        super().__init__()
        self.line = line
        self.problem = problem


class LineProblem(RuleRefusal):
    """What is wrong on a line of a ballot file; said after "Line N:"."""


class FileTooBig(LineProblem):
    def __init__(self, size_bytes: int, max_bytes: int) -> None:
        super().__init__()
        self.size_bytes = size_bytes
        self.max_bytes = max_bytes


class NotUtf8(LineProblem):
    pass


class NoHeader(LineProblem):
    pass


class UnknownColumn(LineProblem):
    def __init__(self, typed: str) -> None:
        super().__init__()
        self.typed = typed


class ColumnTwice(LineProblem):
    def __init__(self, column: str) -> None:
        super().__init__()
        self.column = column


class MissingColumn(LineProblem):
    def __init__(self, column: str) -> None:
        super().__init__()
        self.column = column


class TooManyValues(LineProblem):
    def __init__(self, values: int, columns: int) -> None:
        super().__init__()
        self.values = values
        self.columns = columns


class TooManyNominees(LineProblem):
    def __init__(self, most: int) -> None:
        super().__init__()
        self.most = most


class NomineeTwiceInFile(LineProblem):
    def __init__(self, nominee: str, category: str, first_line: int) -> None:
        super().__init__()
        self.nominee = nominee
        self.category = category
        self.first_line = first_line


class NotCsv(LineProblem):
    """The csv module's own complaint, quoted."""

    def __init__(self, detail: str) -> None:
        super().__init__()
        self.detail = detail


class EmptyFile(LineProblem):
    pass


class NoNominees(LineProblem):
    pass


class NotAServerMember(LineProblem):
    """A member_id the server doesn't have (checked by the cog, which can ask Discord)."""

    def __init__(self, member_id: int) -> None:
        super().__init__()
        self.member_id = member_id


class BadMemberId(RuleRefusal):
    def __init__(self, typed: str) -> None:
        super().__init__()
        self.typed = typed


class RoleNominee(RuleRefusal):
    """A role mention in the `nominees` list."""
