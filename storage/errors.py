"""Why a stored use case said no, as types: the sentences a member reads live in `ui.wording`.

Each error carries the facts the sentence needs (what kind of entry, its status), never the sentence.
They derive from `rules.Refusal` so the one error handler answers them privately like every refusal;
`str()` of one is its wording, filled in when the handler asks for it.
"""

from __future__ import annotations

from rules import Refusal


class StorageRefusal(Refusal):
    """A use case refused; `ui.wording.refusal_text` turns it into the private answer."""

    def __init__(self) -> None:
        super().__init__(type(self).__name__)

    def __str__(self) -> str:
        # Imported here: storage must not depend on ui at import time, only when a sentence is needed.
        from ui.wording import refusal_text

        return refusal_text(self)


class PartyClosed(StorageRefusal):
    """The party takes no more of this kind of change (it is closed, or not the latest closed one)."""


class PartyStillOpen(StorageRefusal):
    """A reopen asked while a party of the guild is open."""


class NothingToReopen(StorageRefusal):
    """No closed party in the guild."""


class EntryNotFound(StorageRefusal):
    """No pledge/payment with that id in this party."""

    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind


class AlreadyVoided(StorageRefusal):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind


class PledgeCancelled(StorageRefusal):
    """The pledge was cancelled by its owner; nothing is left to void or change."""


class NotYourPledge(StorageRefusal):
    pass


class PledgePaid(StorageRefusal):
    """A paid pledge stays as it is: its owner can no longer change or cancel it."""


class NoDues(StorageRefusal):
    """The member owes no winner's dues in this party."""


class DuesNotOwed(StorageRefusal):
    def __init__(self, status: str) -> None:
        super().__init__()
        self.status = status


class NoWaiver(StorageRefusal):
    """The member has no standing waiver to void."""


class AlreadyHost(StorageRefusal):
    pass


class NotNamedHost(StorageRefusal):
    pass


class NomineeNotFound(StorageRefusal):
    pass


class AlreadyLinked(StorageRefusal):
    pass


class OpenPartyExists(StorageRefusal):
    """The guild already has an open party (a second /party create)."""


class PartyFrozen(StorageRefusal):
    """A closed party's settings are kept as they were."""


class AlreadyClosed(StorageRefusal):
    pass


class CategoryNotOnBallot(StorageRefusal):
    pass


class NomineeNotInCategory(StorageRefusal):
    def __init__(self, category: str) -> None:
        super().__init__()
        self.category = category


class AlreadyAnnounced(StorageRefusal):
    def __init__(self, category: str, winner: str) -> None:
        super().__init__()
        self.category = category
        self.winner = winner


class AlreadyApplied(StorageRefusal):
    """The same announcement or correction delivered again."""

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what


class NoResultToUndo(StorageRefusal):
    pass


class BallotFrozen(StorageRefusal):
    """A ballot change asked of a closed (or missing) party."""


class CategoryGone(StorageRefusal):
    """The category was removed (or never was on the ballot)."""


class NomineeGone(StorageRefusal):
    """The nominee was removed (or never was on the ballot)."""


class NomineeListedTwice(StorageRefusal):
    """The same nominee twice in one /category add."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class CategoryNameTaken(StorageRefusal):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


class NomineeNameTaken(StorageRefusal):
    def __init__(self, name: str, category: str) -> None:
        super().__init__()
        self.name = name
        self.category = category


class CategoryHasResult(StorageRefusal):
    """A category with a live result can't be removed."""

    def __init__(self, category: str, winner: str) -> None:
        super().__init__()
        self.category = category
        self.winner = winner


class NomineeWon(StorageRefusal):
    """The category's live winner can't be removed."""

    def __init__(self, nominee: str, category: str) -> None:
        super().__init__()
        self.nominee = nominee
        self.category = category


class RsvpsClosed(StorageRefusal):
    """An RSVP to a closed party."""


class ForeignMenu(StorageRefusal):
    """A predictions menu whose party isn't this guild's (a forged or stale custom_id)."""


class PickGone(StorageRefusal):
    """The category or nominee of a pick left the ballot."""


class ImportNomineeTaken(StorageRefusal):
    """A CSV line names a nominee its category on the ballot already has: the whole import is refused."""

    def __init__(self, line: int, nominee: str, category: str) -> None:
        super().__init__()
        self.line = line
        self.nominee = nominee
        self.category = category
