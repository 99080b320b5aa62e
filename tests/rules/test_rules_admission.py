"""The capacity and waitlist rule: who holds a place, who waits, and who is promoted when places free up."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import Refusal
from rules.admission import Claim, Standing, decide, places_left


def standing(capacity, confirmed=(), waitlist=()):
    held = {uid: Claim(uid, plus) for uid, plus in confirmed}
    return Standing(
        capacity,
        sum(claim.heads for claim in held.values()),
        [Claim(uid, plus) for uid, plus in waitlist],
        held,
    )


def test_without_a_capacity_everyone_going_gets_a_place():
    decision = decide(standing(None, confirmed=[(1, 5)]), 2, 5)
    assert decision.confirmed and decision.place is None


def test_a_newcomer_who_fits_is_confirmed_and_one_who_does_not_waits_at_the_end():
    full = standing(4, confirmed=[(1, 1), (2, 0)], waitlist=[(3, 2)])
    assert decide(full, 4, 0).confirmed
    waiting = decide(full, 4, 1)
    assert not waiting.confirmed
    assert (waiting.place, waiting.waitlist) == (2, (3, 4))


def test_leaving_promotes_the_first_waiting_member_who_fits_not_only_the_first_in_line():
    # Capacity 3: a group of three waits first, a single guest second. One place frees up.
    before = standing(3, confirmed=[(1, 1), (2, 0)], waitlist=[(3, 2), (4, 0)])
    decision = decide(before, 2, None)
    assert decision.promoted == (4,)
    assert decision.waitlist == (3,)


def test_every_waiting_member_who_fits_is_promoted_in_order():
    before = standing(6, confirmed=[(1, 3)], waitlist=[(2, 0), (3, 0), (4, 0)])
    decision = decide(before, 1, None)
    assert decision.promoted == (2, 3, 4)


def test_fewer_plus_ones_free_places_for_the_waitlist():
    before = standing(3, confirmed=[(1, 2)], waitlist=[(2, 0)])
    decision = decide(before, 1, 1)
    assert decision.confirmed
    assert decision.promoted == (2,)


def test_a_waiting_member_keeps_their_place_in_line_when_answering_again():
    before = standing(2, confirmed=[(1, 1)], waitlist=[(2, 0), (3, 0), (4, 0)])
    decision = decide(before, 3, 0)
    assert (decision.place, decision.waitlist) == (2, (2, 3, 4))
    # ...and is promoted by their own change when it makes them fit.
    before = standing(2, confirmed=[(1, 0)], waitlist=[(2, 1)])
    assert decide(before, 2, 0).confirmed
    assert decide(before, 2, 0).promoted == ()


def test_going_to_maybe_from_the_waitlist_leaves_the_line():
    before = standing(1, confirmed=[(1, 0)], waitlist=[(2, 0), (3, 0)])
    decision = decide(before, 2, None)
    assert decision.waitlist == (3,)
    assert not decision.confirmed and decision.place is None


def test_a_confirmed_guest_asking_for_more_plus_ones_than_fit_is_refused_with_the_room_left():
    before = standing(5, confirmed=[(1, 0), (2, 1)])
    with pytest.raises(Refusal) as refused:
        decide(before, 1, 4)
    assert "Only 2 places left" in str(refused.value)
    assert "at most 2 plus-ones, not 4" in str(refused.value)
    assert decide(before, 1, 2).confirmed


def test_a_confirmed_guest_keeps_their_place_when_the_capacity_drops_below_the_guests():
    before = standing(2, confirmed=[(1, 1), (2, 1)])
    assert decide(before, 1, 1).confirmed  # the same answer again (a new note, say)
    assert decide(before, 1, 0).confirmed
    with pytest.raises(Refusal, match="The party is full, so you can bring at most 1 plus-one"):
        decide(before, 1, 2)


def test_places_left_never_goes_below_zero():
    assert places_left(None, 10) is None
    assert places_left(10, 4) == 6
    assert places_left(3, 5) == 0


@given(
    capacity=st.integers(1, 15),
    answers=st.lists(st.tuples(st.integers(1, 8), st.one_of(st.none(), st.integers(0, 5))), max_size=30),
)
def test_any_sequence_of_answers_keeps_the_capacity_and_leaves_nobody_waiting_who_fits(capacity, answers):
    confirmed: dict[int, int] = {}
    waitlist: list[tuple[int, int]] = []
    for member, plus_ones in answers:
        before = standing(capacity, confirmed.items(), waitlist)
        try:
            decision = decide(before, member, plus_ones)
        except Refusal:
            assert member in confirmed and plus_ones is not None and plus_ones > confirmed[member]
            continue
        claims_now = {**dict(waitlist), **confirmed}
        if plus_ones is None:
            claims_now.pop(member, None)
        else:
            claims_now[member] = plus_ones
        if decision.confirmed:
            confirmed[member] = plus_ones
        else:
            confirmed.pop(member, None)
        for promoted in decision.promoted:
            confirmed[promoted] = claims_now[promoted]
        waitlist = [(uid, claims_now[uid]) for uid in decision.waitlist]

        heads = sum(1 + p for p in confirmed.values())
        assert heads <= capacity
        assert all(heads + 1 + p > capacity for _, p in waitlist)
        assert not set(confirmed) & {uid for uid, _ in waitlist}
