"""Routing a week's blockers to helpers: pure, deterministic, and as many blockers served as
capacity allows.

**Who qualifies.** A helper qualifies for a blocker when all of these hold:

- the helper is active, has capacity left this week (`capacity - received > 0`), is not the
  blocker's member, and no block stands between the two (either direction);
- the subject fits: the helper finished one of the blocker's milestones within
  `Rules.recent_days` before the round's day (and not after it), or chose one of the blocker's
  topics to help with;
- the helper's limits allow it: with phase limits the blocker's phase must be known and among
  them; with topic limits the blocker must name one of those topics.

**Which qualified helper is preferred,** in this order (each rule breaks the ties of the one
before): someone the member has not asked within `Rules.lately_days`; more working hours in
common, counted up to `Rules.overlap_cap_hours` a day (slots of the round's real week, so
daylight saving counts); having finished the milestone over only covering the topic; the
more recent finish; fewer requests already received this week; the lower member id.

**The round.** Each blocker gets up to `Rules.offer_size` helpers and each helper appears in at
most `remaining` offers of the round. The first helper of every blocker is a maximum
b-matching (a maximum flow source → blocker (1) → helper (remaining) → sink), so the number of
blockers offered anyone is the most that capacity allows:

1. blockers are taken scarcest first (fewest qualified helpers, then id), and each takes its
   most preferred helper with capacity left (greedy, which serves most blockers already);
2. for every blocker left without a helper, a breadth-first search looks for an augmenting
   path: a chain of reassignments (blocker x moves from helper h to another of its qualified
   helpers, freeing h for the blocker before it) that ends at a helper with capacity left.
   Augmenting never unserves a blocker, and a blocker with no augmenting path now never has one
   later (Kuhn's argument, through helpers split into `remaining` unit copies), so when every
   blocker has been tried the matching is maximum. Helpers reached by a failed search form a
   closed set of full helpers that no later path can use, so they are skipped from then on:
   the searches cost O(edges) in all plus one search per served blocker.
3. What capacity is left is handed out as second, then third, choices: in the same scarcest-
   first order each blocker takes its most preferred helper with capacity left that it is not
   offered yet, one per blocker per pass.

An offer lists its helpers best first by the preference above. Every list is built from
sorted inputs, no set is ever iterated unsorted and there is no randomness, so the same
inputs always give the same offers; the properties in tests/bot/helpers check maximality
against networkx's maximum flow.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.helpers.hours import SLOTS_PER_HOUR, week_mask
from bot.helpers.model import (
    Basis,
    Blocker,
    Choice,
    Helper,
    Offer,
    Reason,
    Routing,
    Rules,
)

Key = tuple[bool, int, int, int, int, int]


@dataclass(frozen=True, slots=True)
class _Edge:
    """One qualified helper of one blocker: the helper's index, its preference key (lower is
    better) and what the reason will say."""

    helper: int
    key: Key
    basis: Basis
    subject: str
    finished_on: date | None
    shared_slots: int
    asked_lately: bool


def _check_unique(blockers: Sequence[Blocker], helpers: Sequence[Helper]) -> None:
    if len({b.id for b in blockers}) != len(blockers):
        raise ValueError("two blockers share an id")
    if len({h.member for h in helpers}) != len(helpers):
        raise ValueError("two helpers are the same member")


def _allows(helper: Helper, blocker: Blocker) -> bool:
    """Whether nothing but the subject keeps `helper` from `blocker`: limits, blocks, self."""
    if helper.member == blocker.member or blocker.member in helper.blocks:
        return False
    if helper.phases and (blocker.phase is None or blocker.phase not in helper.phases):
        return False
    return not helper.topics or not helper.topics.isdisjoint(blocker.topics)


class _Index:
    """The round's eligible helpers, found by milestone finished recently and by topic."""

    def __init__(self, helpers: Sequence[Helper], on: date, rules: Rules) -> None:
        eligible = sorted((h for h in helpers if h.active and h.remaining > 0), key=_member)
        self.helpers = eligible
        oldest = on - timedelta(days=rules.recent_days)
        lately = on - timedelta(days=rules.lately_days)
        self.by_milestone: dict[str, list[tuple[int, date]]] = {}
        self.by_topic: dict[str, list[int]] = {}
        self.asked_lately: list[frozenset[int]] = []
        for index, helper in enumerate(eligible):
            latest: dict[str, date] = {}
            for done in helper.finished:
                if oldest <= done.on <= on and latest.get(done.milestone, date.min) < done.on:
                    latest[done.milestone] = done.on
            for milestone in sorted(latest):
                self.by_milestone.setdefault(milestone, []).append((index, latest[milestone]))
            for topic in sorted(helper.topics):
                self.by_topic.setdefault(topic, []).append(index)
            self.asked_lately.append(
                frozenset(m for m, day in helper.asked_by if lately <= day <= on)
            )


def _member(helper: Helper) -> int:
    return helper.member


def _edges(blocker: Blocker, index: _Index, on: date, rules: Rules) -> list[_Edge]:
    """The blocker's qualified helpers, most preferred first."""
    subject: dict[int, tuple[Basis, str, date | None]] = {}
    for milestone in blocker.milestones:
        for h, day in index.by_milestone.get(milestone, ()):
            seen = subject.get(h)
            if seen is None or (seen[2] is not None and seen[2] < day):
                subject[h] = (Basis.MILESTONE, milestone, day)
    for topic in blocker.topics:
        for h in index.by_topic.get(topic, ()):
            subject.setdefault(h, (Basis.TOPIC, topic, None))
    own = week_mask(blocker.hours, on) if blocker.hours is not None else 0
    cap = rules.overlap_cap_hours * SLOTS_PER_HOUR * 7
    edges = []
    for h in sorted(subject):
        helper = index.helpers[h]
        if not _allows(helper, blocker):
            continue
        basis, name, finished = subject[h]
        shared = (own & week_mask(helper.hours, on)).bit_count() if helper.hours and own else 0
        lately = blocker.member in index.asked_lately[h]
        key: Key = (
            lately,
            -min(shared, cap),
            0 if basis is Basis.MILESTONE else 1,
            -(finished.toordinal() if finished else 0),
            helper.received,
            helper.member,
        )
        edges.append(_Edge(h, key, basis, name, finished, shared, lately))
    edges.sort(key=lambda e: e.key)
    return edges


def _augment(
    start: int,
    edges: list[list[_Edge]],
    spare: list[int],
    assigned: list[int],
    served: list[list[int]],
    dead: set[int],
) -> bool:
    """Serve blocker `start` along a shortest augmenting path, if there is one; helpers that a
    failed search reached join `dead`."""
    came_from: dict[int, int] = {}  # helper -> the blocker that reaches it
    reached: list[int] = []
    queue: deque[int] = deque([start])
    seen_blockers = {start}
    found = -1
    while queue and found < 0:
        b = queue.popleft()
        for edge in edges[b]:
            h = edge.helper
            if h in came_from or h in dead:
                continue
            came_from[h] = b
            reached.append(h)
            if spare[h] > 0:
                found = h
                break
            for x in served[h]:
                if x not in seen_blockers:
                    seen_blockers.add(x)
                    queue.append(x)
    if found < 0:
        dead.update(reached)
        return False
    h = found
    spare[h] -= 1
    while True:
        b = came_from[h]
        previous = assigned[b]
        assigned[b] = h
        served[h].append(b)
        if previous < 0:
            return True
        served[previous].remove(b)
        h = previous


def route(
    blockers: Sequence[Blocker], helpers: Sequence[Helper], on: date, rules: Rules | None = None
) -> Routing:
    """Offer each blocker up to `rules.offer_size` qualified helpers, serving as many blockers
    as the helpers' remaining capacity allows (see the module docstring). `on` is the round's
    day: recency is counted back from it and working hours are taken in its week."""
    rules = rules or Rules()
    _check_unique(blockers, helpers)
    index = _Index(helpers, on, rules)
    ordered = sorted(blockers, key=lambda b: b.id)
    edges = [_edges(b, index, on, rules) for b in ordered]
    order = sorted(range(len(ordered)), key=lambda i: (len(edges[i]), ordered[i].id))
    spare = [h.remaining for h in index.helpers]
    assigned = [-1] * len(ordered)
    served: list[list[int]] = [[] for _ in index.helpers]
    for b in order:
        for edge in edges[b]:
            if spare[edge.helper] > 0:
                spare[edge.helper] -= 1
                assigned[b] = edge.helper
                served[edge.helper].append(b)
                break
    dead: set[int] = set()
    for b in order:
        if assigned[b] < 0 and edges[b]:
            _augment(b, edges, spare, assigned, served, dead)
    chosen: list[list[_Edge]] = [
        [e for e in edges[b] if e.helper == assigned[b]] if assigned[b] >= 0 else []
        for b in range(len(ordered))
    ]
    for _ in range(rules.offer_size - 1):
        for b in order:
            if not chosen[b] or len(chosen[b]) >= rules.offer_size:
                continue
            taken = {e.helper for e in chosen[b]}
            extra = next((e for e in edges[b] if e.helper not in taken and spare[e.helper]), None)
            if extra is not None:
                spare[extra.helper] -= 1
                chosen[b].append(extra)
    return _result(ordered, edges, chosen, index)


def _result(
    ordered: list[Blocker], edges: list[list[_Edge]], chosen: list[list[_Edge]], index: _Index
) -> Routing:
    offers: list[Offer] = []
    unrouted: list[int] = []
    unqualified: list[int] = []
    load: dict[int, int] = {}
    for b, blocker in enumerate(ordered):
        if not edges[b]:
            unqualified.append(blocker.id)
            continue
        if not chosen[b]:
            unrouted.append(blocker.id)
            continue
        picks = sorted(chosen[b], key=lambda e: e.key)
        choices = []
        for e in picks:
            member = index.helpers[e.helper].member
            load[member] = load.get(member, 0) + 1
            reason = Reason(
                e.basis,
                e.subject,
                e.finished_on,
                e.shared_slots / SLOTS_PER_HOUR / 7,
                e.asked_lately,
            )
            choices.append(Choice(member, reason))
        offers.append(Offer(blocker.id, blocker.member, tuple(choices)))
    return Routing(tuple(offers), tuple(unrouted), tuple(unqualified), tuple(sorted(load.items())))
