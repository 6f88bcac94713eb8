"""Routing on generated communities: capacity holds, every offered helper qualifies, leftover
capacity is never left idle, and as many blockers are served as a maximum flow (networkx) or
an exhaustive search says is possible. Qualification is written again here, from the rules
in the routing docstring, rather than imported."""

from __future__ import annotations

import itertools
import random
from dataclasses import replace
from datetime import date, time, timedelta

import networkx as nx
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.helpers.hours import overlap_hours
from bot.helpers.model import Blocker, Finished, Helper, Routing, Rules, WorkingHours
from bot.helpers.routing import route

ON = date(2026, 12, 2)
RULES = Rules()
MILESTONES = ("m1", "m2", "m3")
TOPICS = ("rag", "mlops")
MEMBERS = st.integers(min_value=1, max_value=12)
HOURS = st.one_of(
    st.none(),
    st.builds(
        WorkingHours,
        st.sampled_from(("Europe/Berlin", "Asia/Kolkata", "America/New_York")),
        st.sampled_from((time(7), time(9), time(20))),
        st.sampled_from((time(1), time(17), time(21))),
    ),
)
DAYS = st.integers(min_value=-10, max_value=200).map(lambda d: ON - timedelta(days=d))


helpers_strategy = st.lists(
    st.builds(
        Helper,
        member=MEMBERS,
        finished=st.lists(st.builds(Finished, st.sampled_from(MILESTONES), DAYS), max_size=3).map(
            tuple
        ),
        topics=st.frozensets(st.sampled_from(TOPICS), max_size=1),
        phases=st.frozensets(st.integers(min_value=1, max_value=3), max_size=2),
        capacity=st.integers(min_value=0, max_value=3),
        received=st.integers(min_value=0, max_value=2),
        active=st.booleans(),
        hours=HOURS,
        asked_by=st.lists(st.tuples(MEMBERS, DAYS), max_size=2).map(tuple),
        blocks=st.frozensets(MEMBERS, max_size=2),
    ),
    max_size=8,
    unique_by=lambda h: h.member,
)
blockers_strategy = st.lists(
    st.builds(
        Blocker,
        id=st.integers(min_value=1, max_value=40),
        member=MEMBERS,
        text=st.just("stuck"),
        milestones=st.lists(st.sampled_from(MILESTONES), max_size=2, unique=True).map(tuple),
        topics=st.lists(st.sampled_from(TOPICS), max_size=1).map(tuple),
        phase=st.one_of(st.none(), st.integers(min_value=1, max_value=3)),
        hours=HOURS,
    ),
    max_size=9,
    unique_by=lambda b: b.id,
)
Community = tuple[list[Blocker], list[Helper]]
communities = st.tuples(blockers_strategy, helpers_strategy)


def qualifies(helper: Helper, blocker: Blocker) -> bool:
    if not helper.active or helper.capacity - helper.received <= 0:
        return False
    if helper.member == blocker.member or blocker.member in helper.blocks:
        return False
    if helper.phases and blocker.phase not in helper.phases:
        return False
    if helper.topics and not set(helper.topics) & set(blocker.topics):
        return False
    oldest = ON - timedelta(days=RULES.recent_days)
    finished = any(
        f.milestone in blocker.milestones and oldest <= f.on <= ON for f in helper.finished
    )
    return finished or bool(set(helper.topics) & set(blocker.topics))


def most_served_by_flow(blockers: list[Blocker], helpers: list[Helper]) -> int:
    graph = nx.DiGraph()
    graph.add_node("source")
    graph.add_node("sink")
    for b in blockers:
        graph.add_edge("source", ("b", b.id), capacity=1)
        for h in helpers:
            if qualifies(h, b):
                graph.add_edge(("b", b.id), ("h", h.member), capacity=1)
    for h in helpers:
        graph.add_edge(("h", h.member), "sink", capacity=max(0, h.capacity - h.received))
    return int(nx.maximum_flow_value(graph, "source", "sink"))


def most_served_by_search(blockers: list[Blocker], helpers: list[Helper]) -> int:
    """Every assignment of at most one helper to each blocker, kept when capacity allows."""
    options = [[None, *(h.member for h in helpers if qualifies(h, b))] for b in blockers]
    left = {h.member: max(0, h.capacity - h.received) for h in helpers}
    best = 0
    for assignment in itertools.product(*options):
        chosen = [m for m in assignment if m is not None]
        if all(chosen.count(m) <= left[m] for m in set(chosen)):
            best = max(best, len(chosen))
    return best


def check_capacity_and_qualification(
    blockers: list[Blocker], helpers: list[Helper], routing: Routing
) -> None:
    by_id = {b.id: b for b in blockers}
    by_member = {h.member: h for h in helpers}
    load: dict[int, int] = {}
    for offer in routing.offers:
        members = [c.helper for c in offer.helpers]
        assert 1 <= len(members) <= RULES.offer_size
        assert len(set(members)) == len(members)
        assert offer.member == by_id[offer.blocker].member
        for member in members:
            assert qualifies(by_member[member], by_id[offer.blocker])
            load[member] = load.get(member, 0) + 1
    for member, count in load.items():
        helper = by_member[member]
        assert count <= helper.capacity - helper.received
    assert dict(routing.load) == load


@settings(max_examples=300, deadline=None)
@given(communities)
def test_capacity_holds_and_every_offered_helper_qualifies(case: Community) -> None:
    blockers, helpers = case
    check_capacity_and_qualification(blockers, helpers, route(blockers, helpers, ON, RULES))


@settings(max_examples=300, deadline=None)
@given(communities)
def test_as_many_blockers_are_served_as_a_maximum_flow_allows(case: Community) -> None:
    blockers, helpers = case
    routing = route(blockers, helpers, ON, RULES)
    assert len(routing.offers) == most_served_by_flow(blockers, helpers)
    can_be_helped = sorted(b.id for b in blockers if any(qualifies(h, b) for h in helpers))
    assert routing.qualified == len(can_be_helped)
    assert sorted([o.blocker for o in routing.offers] + list(routing.unrouted)) == can_be_helped
    assert sorted(routing.unqualified) == sorted({b.id for b in blockers} - set(can_be_helped))


@settings(max_examples=150, deadline=None)
@given(st.tuples(blockers_strategy.map(lambda bs: bs[:5]), helpers_strategy.map(lambda hs: hs[:5])))
def test_the_served_count_matches_an_exhaustive_search(case: Community) -> None:
    blockers, helpers = case
    routing = route(blockers, helpers, ON, RULES)
    assert len(routing.offers) == most_served_by_search(blockers, helpers)


@settings(max_examples=200, deadline=None)
@given(communities)
def test_no_blocker_misses_a_qualified_helper_with_capacity_left(case: Community) -> None:
    blockers, helpers = case
    routing = route(blockers, helpers, ON, RULES)
    left = {
        h.member: h.capacity - h.received - dict(routing.load).get(h.member, 0) for h in helpers
    }
    by_id = {b.id: b for b in blockers}
    for offer in routing.offers:
        if len(offer.helpers) < RULES.offer_size:
            offered = {c.helper for c in offer.helpers}
            for helper in helpers:
                if helper.member not in offered and qualifies(helper, by_id[offer.blocker]):
                    assert left[helper.member] <= 0
    for blocker_id in routing.unrouted:
        assert all(left[h.member] <= 0 for h in helpers if qualifies(h, by_id[blocker_id]))


@settings(max_examples=150, deadline=None)
@given(communities, st.randoms(use_true_random=False))
def test_the_same_community_in_any_order_gives_the_same_offers(
    case: Community, shuffler: random.Random
) -> None:
    blockers, helpers = case
    first = route(blockers, helpers, ON, RULES)
    blockers, helpers = list(blockers), list(helpers)
    shuffler.shuffle(blockers)
    shuffler.shuffle(helpers)
    assert route(blockers, helpers, ON, RULES) == first


contended = st.tuples(
    st.lists(
        st.builds(
            Blocker,
            id=st.integers(min_value=1, max_value=40),
            member=st.integers(min_value=100, max_value=140),
            text=st.just("stuck"),
            milestones=st.lists(st.sampled_from(MILESTONES), min_size=1, max_size=2).map(tuple),
        ),
        min_size=3,
        max_size=12,
        unique_by=lambda b: b.id,
    ),
    st.lists(
        st.builds(
            Helper,
            member=MEMBERS,
            finished=st.lists(
                st.builds(Finished, st.sampled_from(MILESTONES), DAYS), min_size=1, max_size=3
            ).map(tuple),
            capacity=st.integers(min_value=1, max_value=2),
        ),
        max_size=8,
        unique_by=lambda h: h.member,
    ),
)
"""Blockers competing for few helpers of capacity one or two: where greedy choices go wrong."""


@settings(max_examples=400, deadline=None)
@given(contended)
def test_contended_rounds_serve_as_many_blockers_as_a_maximum_flow(case: Community) -> None:
    blockers, helpers = case
    routing = route(blockers, helpers, ON, RULES)
    check_capacity_and_qualification(blockers, helpers, routing)
    assert len(routing.offers) == most_served_by_flow(blockers, helpers)


def preference(helper: Helper, blocker: Blocker) -> tuple[bool, int, int, int, int, int]:
    """The documented order of preference, computed pair by pair (lower is better)."""
    lately = any(
        m == blocker.member and ON - timedelta(days=RULES.lately_days) <= day <= ON
        for m, day in helper.asked_by
    )
    slots = round(overlap_hours(blocker.hours, helper.hours, ON) * 4 * 7)
    cap = RULES.overlap_cap_hours * 4 * 7
    oldest = ON - timedelta(days=RULES.recent_days)
    days = [
        f.on.toordinal()
        for f in helper.finished
        if f.milestone in blocker.milestones and oldest <= f.on <= ON
    ]
    if days:
        return (lately, -min(slots, cap), 0, -max(days), helper.received, helper.member)
    return (lately, -min(slots, cap), 1, 0, helper.received, helper.member)


@settings(max_examples=300, deadline=None)
@given(communities)
def test_with_capacity_for_everyone_each_offer_is_the_three_most_preferred(
    case: Community,
) -> None:
    blockers, helpers = case
    helpers = [replace(h, capacity=100) for h in helpers]
    routing = route(blockers, helpers, ON, RULES)
    by_id = {o.blocker: o for o in routing.offers}
    for blocker in blockers:
        ranked = sorted(
            (preference(h, blocker), h.member) for h in helpers if qualifies(h, blocker)
        )
        expected = [member for _, member in ranked[: RULES.offer_size]]
        offer = by_id.get(blocker.id)
        assert ([c.helper for c in offer.helpers] if offer else []) == expected
