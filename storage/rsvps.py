"""RSVPs: each member's answer, plus-ones, note, and the waitlist in order.

`answer()` is the one way an RSVP changes. It reads the party's standing, lets `rules.admission`
decide who holds a place and who waits, writes the member's row and every promotion, and claims the
interaction id, all in one transaction: two members taking the last place at once get one place and one
waitlist spot, and a redelivered interaction changes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, NamedTuple

from rules.admission import Claim, Standing, decide, promotions
from storage.changes import Topic
from storage.clock import from_text, to_text, utc_now
from storage.database import Database, Work
from storage.errors import RsvpsClosed
from storage.interactions import claim_interaction_in
from storage.outbox import OutgoingMessage, direct_message_in
from storage.results import winner_ids_in

# Builds the private notice to a member who got a place (ui code, given by the caller).
PromotionNotice = Callable[["Rsvp"], OutgoingMessage]

Status = Literal["going", "maybe", "not_going"]


class _Place:
    """Where an answer stands: what `Rsvp` and `Guest` both tell from their status and waitlist number."""

    __slots__ = ()
    status: Status
    waitlist_seq: int | None

    @property
    def waiting(self) -> bool:
        return self.waitlist_seq is not None

    @property
    def confirmed(self) -> bool:
        """Going and holding a place (not on the waitlist)."""
        return self.status == "going" and self.waitlist_seq is None


@dataclass(frozen=True)
class Rsvp(_Place):
    party_id: int
    user_id: int
    display_name: str
    status: Status
    plus_ones: int
    note: str | None
    waitlist_seq: int | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class RsvpOutcome:
    """What an answer did. `applied` is False for an interaction already applied before (nothing
    changed, and `rsvp` is the member's answer as it stands); `place` is their waitlist place."""

    applied: bool
    rsvp: Rsvp
    previous: Rsvp | None
    place: int | None
    promoted: tuple[Rsvp, ...]


@dataclass(frozen=True)
class RsvpCounts:
    """Members per answer; `going_heads` counts the confirmed guests with their plus-ones."""

    going: int
    going_heads: int
    maybe: int
    waitlisted: int
    not_going: int


class Guest(NamedTuple):
    """One line of the guest list: an answer without its history (what /guests shows of it).

    A named tuple rather than a frozen dataclass: /guests makes one per answer on every call, and a
    tuple is made from its row at a fifth of the cost.
    """

    user_id: int
    display_name: str
    status: Status
    plus_ones: int
    note: str | None
    waitlist_seq: int | None

    waiting = _Place.waiting
    confirmed = _Place.confirmed


@dataclass(frozen=True)
class GuestList:
    """Every answer by section: going by name, the waitlist in order, maybe and not going by name."""

    going: tuple[Guest, ...]
    waitlist: tuple[Guest, ...]
    maybe: tuple[Guest, ...]
    not_going: tuple[Guest, ...]
    # Members holding a live result, whom the list marks: read in the same snapshot as the answers.
    winner_ids: frozenset[int]

    @property
    def empty(self) -> bool:
        return not (self.going or self.waitlist or self.maybe or self.not_going)


def _row(row: sqlite3.Row) -> Rsvp:
    values = dict(row)
    values["created_at"] = from_text(values["created_at"])
    values["updated_at"] = from_text(values["updated_at"])
    return Rsvp(**values)


class RsvpStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    async def answer(
        self,
        party_id: int,
        user_id: int,
        *,
        display_name: str,
        status: Status,
        interaction_id: int,
        plus_ones: int | None = None,
        note: str | None = None,
        clear_note: bool = False,
        notice: PromotionNotice | None = None,
        fallback_channel_id: int | None = None,
    ) -> RsvpOutcome:
        """Records the member's answer. `plus_ones` and `note` left as None keep what they had before
        (0 and no note for a first answer); `clear_note` removes the note. Members the answer moves off
        the waitlist are sent `notice` through the outbox in the same transaction (see `_tell_in`);
        `notice` runs on the database thread, so it only builds the message.

        :raises RsvpsClosed: the party is closed.
        :raises Refusal: a confirmed guest asks for more plus-ones than fit.
        """
        def answer_in(work: Work) -> RsvpOutcome:
            now = to_text(utc_now())
            party = work.fetch_one("SELECT capacity, closed_at FROM parties WHERE id = ?", (party_id,))
            if party is None or party["closed_at"] is not None:
                raise RsvpsClosed()
            previous = _get_in(work, party_id, user_id)
            if not claim_interaction_in(work, interaction_id, "rsvp"):
                assert previous is not None, "an applied RSVP interaction always leaves its row"
                return RsvpOutcome(False, previous, None, _place_in(work, previous), ())

            kept_plus_ones = previous.plus_ones if previous else 0
            new_plus_ones = kept_plus_ones if plus_ones is None else plus_ones
            kept_note = previous.note if previous else None
            new_note = None if clear_note else (kept_note if note is None else note)

            standing = _standing_in(work, party_id, party["capacity"], previous)
            decision = decide(standing, user_id, new_plus_ones if status == "going" else None)

            waitlist_seq: int | None = None
            if decision.place is not None:
                waitlist_seq = previous.waitlist_seq if previous and previous.waiting else None
                if waitlist_seq is None:
                    waitlist_seq = work.fetch_value(
                        "SELECT coalesce(max(waitlist_seq), 0) + 1 FROM rsvps WHERE party_id = ?",
                        (party_id,),
                    )
            work.execute(
                _UPSERT,
                (party_id, user_id, display_name, status, new_plus_ones, new_note, waitlist_seq, now, now),
            )
            promoted = _confirm_in(work, party_id, decision.promoted, now)
            _tell_in(work, party_id, promoted, notice, fallback_channel_id)
            work.touch(party_id, Topic.RSVPS)
            rsvp = _get_in(work, party_id, user_id)
            assert rsvp is not None
            return RsvpOutcome(True, rsvp, previous, decision.place, promoted)

        # Clicks come in bursts during a show: run() writes the whole answer in one trip to the database
        # thread and commits it with whatever else arrived meanwhile, instead of holding the writers' lock
        # for a dozen trips.
        return await self._db.run(answer_in)

    async def promote_waitlisted(
        self, party_id: int, *, notice: PromotionNotice | None = None, fallback_channel_id: int | None = None
    ) -> tuple[Rsvp, ...]:
        """Confirms every waitlisted member who fits now (after a capacity change), in order, and queues
        their `notice` with it."""
        def promote_in(work: Work) -> tuple[Rsvp, ...]:
            now = to_text(utc_now())
            party = work.fetch_one("SELECT capacity, closed_at FROM parties WHERE id = ?", (party_id,))
            if party is None or party["closed_at"] is not None:
                return ()
            standing = _standing_in(work, party_id, party["capacity"])
            promoted = _confirm_in(work, party_id, promotions(standing), now)
            _tell_in(work, party_id, promoted, notice, fallback_channel_id)
            if promoted:
                work.touch(party_id, Topic.RSVPS)
            return promoted

        return await self._db.run(promote_in)

    async def get(self, party_id: int, user_id: int) -> Rsvp | None:
        return await self._db.read(lambda work: _get_in(work, party_id, user_id))

    async def counts(self, party_id: int) -> RsvpCounts:
        row = await self._db.fetch_one(
            "SELECT "
            "coalesce(sum(status = 'going' AND waitlist_seq IS NULL), 0), "
            "coalesce(sum(CASE WHEN status = 'going' AND waitlist_seq IS NULL THEN 1 + plus_ones END), 0), "
            "coalesce(sum(status = 'maybe'), 0), "
            "coalesce(sum(waitlist_seq IS NOT NULL), 0), "
            "coalesce(sum(status = 'not_going'), 0) "
            "FROM rsvps WHERE party_id = ?",
            (party_id,),
        )
        assert row is not None
        return RsvpCounts(*row)

    async def guest_list(self, party_id: int) -> GuestList:
        """Every answer by section, and the party's winners, in one trip and one snapshot."""
        return await self._db.read(lambda work: _guest_list_in(work, party_id))


def _guest_list_in(work: Work, party_id: int) -> GuestList:
    # Every /guests reads every answer: only the columns shown, in Guest's order.
    rows = work.fetch_all(
        "SELECT user_id, display_name, status, plus_ones, note, waitlist_seq FROM rsvps "
        "WHERE party_id = ? ORDER BY waitlist_seq, display_name COLLATE NOCASE, user_id",
        (party_id,),
    )
    sections: dict[str, list[Guest]] = {"going": [], "waiting": [], "maybe": [], "not_going": []}
    for row in rows:
        guest = Guest._make(row)
        sections["waiting" if guest.waitlist_seq is not None else guest.status].append(guest)
    return GuestList(
        going=tuple(sections["going"]),
        waitlist=tuple(sections["waiting"]),
        maybe=tuple(sections["maybe"]),
        not_going=tuple(sections["not_going"]),
        winner_ids=frozenset(winner_ids_in(work, party_id)),
    )


_UPSERT = (
    "INSERT INTO rsvps (party_id, user_id, display_name, status, plus_ones, note, waitlist_seq, "
    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (party_id, user_id) DO UPDATE SET display_name = excluded.display_name, "
    "status = excluded.status, plus_ones = excluded.plus_ones, note = excluded.note, "
    "waitlist_seq = excluded.waitlist_seq, updated_at = excluded.updated_at"
)


def _tell_in(
    work: Work,
    party_id: int,
    promoted: Sequence[Rsvp],
    notice: PromotionNotice | None,
    fallback_channel_id: int | None,
) -> None:
    """A DM to each promoted member; closed DMs fall back to a mention where the party's newest
    invitation is, else in `fallback_channel_id` (where the change was made)."""
    if not promoted or notice is None:
        return
    invitation_channel = work.fetch_value(
        "SELECT channel_id FROM party_messages WHERE party_id = ? AND kind = 'invitation' "
        "AND retired_at IS NULL ORDER BY id DESC LIMIT 1",
        (party_id,),
    )
    for rsvp in promoted:
        direct_message_in(
            work, party_id=party_id, user_id=rsvp.user_id, message=notice(rsvp), kind="promotion",
            fallback_channel_id=invitation_channel or fallback_channel_id,
        )


def _confirm_in(work: Work, party_id: int, user_ids: Sequence[int], now: str | None) -> tuple[Rsvp, ...]:
    """Moves these members off the waitlist into a confirmed place."""
    confirmed = []
    for user_id in user_ids:
        work.execute(
            "UPDATE rsvps SET waitlist_seq = NULL, updated_at = ? WHERE party_id = ? AND user_id = ?",
            (now, party_id, user_id),
        )
        row = _get_in(work, party_id, user_id)
        assert row is not None
        confirmed.append(row)
    return tuple(confirmed)


def _get_in(work: Work, party_id: int, user_id: int) -> Rsvp | None:
    row = work.fetch_one("SELECT * FROM rsvps WHERE party_id = ? AND user_id = ?", (party_id, user_id))
    return None if row is None else _row(row)


def _standing_in(work: Work, party_id: int, capacity: int | None, member: Rsvp | None = None) -> Standing:
    """The party's standing for `member`'s answer: one sum over the confirmed, not a row per guest."""
    confirmed_heads = work.fetch_value(
        "SELECT coalesce(sum(1 + plus_ones), 0) FROM rsvps "
        "WHERE party_id = ? AND status = 'going' AND waitlist_seq IS NULL",
        (party_id,),
    )
    waiting = work.fetch_all(
        "SELECT user_id, plus_ones FROM rsvps WHERE party_id = ? AND waitlist_seq IS NOT NULL "
        "ORDER BY waitlist_seq",
        (party_id,),
    )
    held = {member.user_id: Claim(member.user_id, member.plus_ones)} if member and member.confirmed else {}
    return Standing(
        capacity=capacity,
        confirmed_heads=confirmed_heads,
        waitlist=[Claim(user_id, plus_ones) for user_id, plus_ones in waiting],
        held=held,
    )


def _place_in(work: Work, rsvp: Rsvp) -> int | None:
    if rsvp.waitlist_seq is None:
        return None
    return work.fetch_value(
        "SELECT count(*) FROM rsvps WHERE party_id = ? AND waitlist_seq <= ?",
        (rsvp.party_id, rsvp.waitlist_seq),
    )
