"""Routing blockers to helpers on small tables: who qualifies, capacity, blocks, self, the
order of preference, maximality and determinism."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from bot.helpers.model import (
    Basis,
    Blocker,
    Finished,
    Helper,
    Routing,
    Rules,
    WorkingHours,
)
from bot.helpers.routing import route

ON = date(2026, 12, 2)
RECENT = ON - timedelta(days=10)
BERLIN = WorkingHours("Europe/Berlin", time(9), time(17))
SYDNEY = WorkingHours("Australia/Sydney", time(9), time(17))


def finished(*milestones: str, on: date = RECENT) -> tuple[Finished, ...]:
    return tuple(Finished(m, on) for m in milestones)


def blocker(id_: int, member: int, *milestones: str, hours: WorkingHours | None = None) -> Blocker:
    return Blocker(id_, member, f"stuck {id_}", milestones, hours=hours)


def offered(routing: Routing) -> dict[int, list[int]]:
    return {o.blocker: [c.helper for c in o.helpers] for o in routing.offers}


def test_a_blocker_is_offered_helpers_who_finished_its_milestone_recently() -> None:
    helpers = [
        Helper(1, finished("m1")),
        Helper(2, finished("m1", on=ON - timedelta(days=181))),  # too long ago
        Helper(3, finished("m1", on=ON + timedelta(days=1))),  # after the round's day
        Helper(4, finished("m2")),  # another milestone
    ]
    routing = route([blocker(10, 99, "m1")], helpers, ON)
    assert offered(routing) == {10: [1]}
    reason = routing.offers[0].helpers[0].reason
    assert (reason.basis, reason.subject, reason.finished_on) == (Basis.MILESTONE, "m1", RECENT)


def test_a_helper_who_chose_the_topic_qualifies_without_the_milestone() -> None:
    helpers = [Helper(1, topics=frozenset({"rag"})), Helper(2, topics=frozenset({"mlops"}))]
    routing = route([Blocker(10, 99, "retrieval", topics=("rag",))], helpers, ON)
    assert offered(routing) == {10: [1]}
    assert routing.offers[0].helpers[0].reason.basis is Basis.TOPIC


def test_inactive_and_full_helpers_are_never_offered() -> None:
    helpers = [
        Helper(1, finished("m1"), active=False),
        Helper(2, finished("m1"), capacity=2, received=2),
        Helper(3, finished("m1"), capacity=0),
    ]
    routing = route([blocker(10, 99, "m1")], helpers, ON)
    assert routing.offers == ()
    assert routing.unqualified == (10,)


def test_a_member_is_never_offered_themself() -> None:
    helpers = [Helper(5, finished("m1")), Helper(6, finished("m1"))]
    assert offered(route([blocker(10, 5, "m1")], helpers, ON)) == {10: [6]}


def test_a_block_in_either_direction_keeps_the_pair_apart() -> None:
    helpers = [Helper(1, finished("m1"), blocks=frozenset({7})), Helper(2, finished("m1"))]
    assert offered(route([blocker(10, 7, "m1")], helpers, ON)) == {10: [2]}


def test_phase_and_topic_limits_are_respected() -> None:
    helpers = [
        Helper(1, finished("m1"), phases=frozenset({2})),
        Helper(2, finished("m1"), phases=frozenset({1})),
        Helper(3, finished("m1"), topics=frozenset({"python"})),
        Helper(4, finished("m1"), topics=frozenset({"rag"})),
    ]
    in_phase_1 = Blocker(10, 99, "x", ("m1",), ("rag",), phase=1)
    unknown_phase = Blocker(11, 98, "x", ("m1",), ())
    routing = route([in_phase_1, unknown_phase], helpers, ON, Rules(offer_size=4))
    assert offered(routing) == {10: [2, 4]}
    assert routing.unqualified == (11,)


def test_no_helper_is_offered_more_often_than_their_capacity_left() -> None:
    helpers = [Helper(1, finished("m1"), capacity=3, received=1), Helper(2, finished("m1"))]
    blockers = [blocker(i, 100 + i, "m1") for i in range(10, 16)]
    routing = route(blockers, helpers, ON)
    assert dict(routing.load) == {1: 2, 2: 2}
    assert len(routing.offers) == 4
    assert len(routing.unrouted) == 2


def test_every_blocker_is_served_before_anyone_gets_a_second_helper() -> None:
    helpers = [Helper(1, finished("m1"), capacity=2), Helper(2, finished("m1"), capacity=1)]
    blockers = [blocker(10, 90, "m1"), blocker(11, 91, "m1"), blocker(12, 92, "m1")]
    routing = route(blockers, helpers, ON)
    assert sorted(len(o.helpers) for o in routing.offers) == [1, 1, 1]


def test_capacity_left_after_the_first_helpers_fills_second_and_third_choices() -> None:
    helpers = [Helper(i, finished("m1"), capacity=2) for i in (1, 2, 3, 4)]
    routing = route([blocker(10, 90, "m1"), blocker(11, 91, "m1")], helpers, ON)
    assert offered(routing) == {10: [1, 2, 3], 11: [1, 2, 3]}
    assert dict(routing.load) == {1: 2, 2: 2, 3: 2}


def test_reassigning_serves_a_blocker_that_greedy_choice_would_have_left_out() -> None:
    # By preference (lower id) blocker 10 takes helper 1 and blocker 11 takes helper 2, which
    # leaves blocker 12 (helpers 1 and 2 only) without anyone unless 10 moves to helper 3.
    helpers = [Helper(i, finished(*ms), capacity=1) for i, ms in ((1, "ac"), (2, "bc"), (3, "ab"))]
    blockers = [blocker(10, 90, "a"), blocker(11, 91, "b"), blocker(12, 92, "c")]
    routing = route(blockers, helpers, ON, Rules(offer_size=1))
    assert offered(routing) == {10: [3], 11: [2], 12: [1]}


def test_someone_not_asked_lately_is_preferred_to_overlapping_hours() -> None:
    asked = ((90, ON - timedelta(days=3)),)
    helpers = [
        Helper(1, finished("m1"), hours=BERLIN, asked_by=asked),
        Helper(2, finished("m1"), hours=SYDNEY),
        Helper(3, finished("m1"), hours=SYDNEY, asked_by=((90, ON - timedelta(days=29)),)),
    ]
    member_hours = WorkingHours("Europe/Paris", time(9), time(17))
    routing = route([blocker(10, 90, "m1", hours=member_hours)], helpers, ON)
    assert offered(routing) == {10: [2, 3, 1]}
    assert [c.reason.asked_lately for c in routing.offers[0].helpers] == [False, False, True]
    assert routing.offers[0].helpers[2].reason.overlap_hours == pytest.approx(8.0)


@pytest.mark.parametrize(
    ("first", "second", "why"),
    [
        (
            Helper(9, finished("m1"), hours=BERLIN),
            Helper(1, finished("m1"), hours=SYDNEY),
            "overlapping working hours",
        ),
        (
            Helper(9, finished("m1"), topics=frozenset({"rag"})),
            Helper(1, topics=frozenset({"rag"})),
            "finished the milestone over only covering the topic",
        ),
        (
            Helper(9, finished("m1", on=ON - timedelta(days=2))),
            Helper(1, finished("m1", on=ON - timedelta(days=40))),
            "the more recent finish",
        ),
        (
            Helper(9, finished("m1"), capacity=5, received=0),
            Helper(1, finished("m1"), capacity=5, received=3),
            "fewer requests received this week",
        ),
        (Helper(1, finished("m1")), Helper(9, finished("m1")), "the lower member id"),
    ],
)
def test_preference_order_between_two_qualified_helpers(
    first: Helper, second: Helper, why: str
) -> None:
    member = Blocker(10, 90, "x", ("m1",), ("rag",), hours=BERLIN)
    routing = route([member], [second, first], ON, Rules(offer_size=2))
    assert offered(routing) == {10: [first.member, second.member]}, why
    alone = route([member], [second, first], ON, Rules(offer_size=1))
    assert offered(alone) == {10: [first.member]}, why


def test_overlap_past_the_cap_does_not_outweigh_a_more_recent_finish() -> None:
    paris = WorkingHours("Europe/Paris", time(9), time(21))
    helpers = [
        Helper(1, finished("m1", on=ON - timedelta(days=30)), hours=paris),  # 12 h in common
        Helper(2, finished("m1"), hours=WorkingHours("Europe/Paris", time(9), time(14))),  # 5 h
    ]
    routing = route([blocker(10, 90, "m1", hours=paris)], helpers, ON)
    assert offered(routing) == {10: [2, 1]}
    assert [c.reason.overlap_hours for c in routing.offers[0].helpers] == [5.0, 12.0]


def test_the_same_inputs_in_any_order_give_the_same_routing() -> None:
    helpers = [Helper(i, finished("m1", "m2"), capacity=1 + i % 2) for i in range(1, 9)]
    blockers = [blocker(10 + i, 50 + i, "m1" if i % 3 else "m2") for i in range(12)]
    first = route(blockers, helpers, ON)
    again = route(list(reversed(blockers)), list(reversed(helpers)), ON)
    assert first == again
    assert [o.blocker for o in first.offers] == sorted(o.blocker for o in first.offers)


def test_duplicate_blocker_ids_or_helpers_are_refused() -> None:
    with pytest.raises(ValueError, match="blockers"):
        route([blocker(10, 1, "m1"), blocker(10, 2, "m1")], [], ON)
    with pytest.raises(ValueError, match="helpers"):
        route([], [Helper(1), Helper(1)], ON)


def test_rules_refuse_an_empty_offer_or_negative_windows() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Rules(offer_size=0)
    with pytest.raises(ValueError, match="negative"):
        Rules(recent_days=-1)
