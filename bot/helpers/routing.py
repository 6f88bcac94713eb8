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

1. blockers are taken scarcest first (fewest candidates, counted before limits and blocks,
   then id), and each takes its most preferred helper with capacity left (greedy, which
   serves most blockers already);
2. for every blocker left without a helper, a breadth-first search looks for an augmenting
   path: a chain of reassignments (blocker x moves from helper h to another of its qualified
   helpers, freeing h for the blocker before it) that ends at a helper with capacity left.
   Augmenting never unserves a blocker, and a blocker with no augmenting path now never has one
   later (Kuhn's argument, through helpers split into `remaining` unit copies), so when every
   blocker has been tried the matching is maximum. Helpers reached by a failed search form a
   closed set of full helpers that no later path can use, so they are skipped from then on.
3. What capacity is left is handed out as second, then third, choices: in the same scarcest-
   first order each blocker takes its most preferred helper with capacity left that it is not
   offered yet, one per blocker per pass.

Pairs are never all scored: :mod:`bot.helpers.candidates` finds a blocker's best helper with
capacity from an index grouped by working hours, and the search of step 2 walks helper
indices. On a generated 10,000-member week (about 1,500 blockers, 2,000 helpers and about
420,000 qualified pairs) a round takes about a quarter of a second of CPU
(`python -m bench.helpers`).

An offer lists its helpers best first by the preference above. Every list is built from
sorted inputs, no set is ever iterated unsorted and there is no randomness, so the same
inputs always give the same offers; the properties in tests/bot/helpers check maximality
against networkx's maximum flow.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from datetime import date

from bot.helpers.candidates import Edge, Index, neighbours
from bot.helpers.hours import SLOTS_PER_HOUR
from bot.helpers.model import Blocker, Choice, Helper, Offer, Reason, Routing, Rules


def _check_unique(blockers: Sequence[Blocker], helpers: Sequence[Helper]) -> None:
    if len({b.id for b in blockers}) != len(blockers):
        raise ValueError("two blockers share an id")
    if len({h.member for h in helpers}) != len(helpers):
        raise ValueError("two helpers are the same member")


class _Round:
    """The state of one round: each helper's spare capacity, the first helper of each blocker
    (`first`, with `assigned` its helper or -1) and the blockers each helper is the first
    helper of (`served`)."""

    def __init__(self, blockers: list[Blocker], index: Index) -> None:
        self.blockers = blockers
        self.index = index
        self.spare = [h.remaining for h in index.helpers]
        self.first: list[Edge | None] = [None] * len(blockers)
        self.assigned = [-1] * len(blockers)
        self.served: list[list[int]] = [[] for _ in index.helpers]
        self.dead: set[int] = set()

    def _assign(self, b: int, edge: Edge) -> None:
        self.first[b] = edge
        self.assigned[b] = edge.helper
        self.served[edge.helper].append(b)

    def take_first(self, b: int) -> None:
        """Greedy: the blocker's most preferred helper with capacity left, if any."""
        edge = self.index.best(self.blockers[b], self.spare, set())
        if edge is not None:
            self.spare[edge.helper] -= 1
            self._assign(b, edge)

    def augment(self, start: int) -> bool:
        """Serve blocker `start` along a shortest augmenting path, if there is one; helpers
        that a failed search reached are full and closed, and join `dead`."""
        came_from: dict[int, tuple[int, int]] = {}  # helper -> (blocker reaching it, level)
        queue: deque[int] = deque([start])
        seen_blockers = {start}
        found = -1
        while queue and found < 0:
            b = queue.popleft()
            for h, level in neighbours(self.index, self.blockers[b]):
                if h in came_from or h in self.dead:
                    continue
                came_from[h] = (b, level)
                if self.spare[h] > 0:
                    found = h
                    break
                for x in self.served[h]:
                    if x not in seen_blockers:
                        seen_blockers.add(x)
                        queue.append(x)
        if found < 0:
            self.dead.update(came_from)
            return False
        h = found
        self.spare[h] -= 1
        while True:
            b, level = came_from[h]
            edge = self.index.edge(h, self.blockers[b], level)
            if edge is None:  # neighbours yields only qualified helpers
                raise RuntimeError(f"helper {h} does not qualify for blocker {b}")
            previous = self.assigned[b]
            self._assign(b, edge)
            if previous < 0:
                return True
            self.served[previous].remove(b)
            h = previous

    def qualified(self, b: int) -> bool:
        return next(neighbours(self.index, self.blockers[b]), None) is not None

    def fill(self, order: list[int], size: int) -> list[list[Edge]]:
        """Every blocker's helpers: its first one, then second, third... choices from what
        capacity is left, one per served blocker per pass, scarcest first."""
        chosen = [[edge] if edge is not None else [] for edge in self.first]
        taken = [{e.helper for e in picks} for picks in chosen]
        active = [b for b in order if 0 < len(chosen[b]) < size]
        while active:
            still = []
            for b in active:
                edge = self.index.best(self.blockers[b], self.spare, taken[b])
                if edge is not None:
                    self.spare[edge.helper] -= 1
                    chosen[b].append(edge)
                    taken[b].add(edge.helper)
                    if len(chosen[b]) < size:
                        still.append(b)
            active = still
        return chosen


def route(
    blockers: Sequence[Blocker], helpers: Sequence[Helper], on: date, rules: Rules | None = None
) -> Routing:
    """Offer each blocker up to `rules.offer_size` qualified helpers, serving as many blockers
    as the helpers' remaining capacity allows (see the module docstring). `on` is the round's
    day: recency is counted back from it and working hours are taken in its week."""
    rules = rules or Rules()
    _check_unique(blockers, helpers)
    index = Index(helpers, on, rules)
    ordered = sorted(blockers, key=lambda b: b.id)
    order = sorted(range(len(ordered)), key=lambda i: (index.size_hint(ordered[i]), ordered[i].id))
    state = _Round(ordered, index)
    for b in order:
        state.take_first(b)
    for b in order:
        if state.assigned[b] < 0 and state.qualified(b):
            state.augment(b)
    chosen = state.fill(order, rules.offer_size)
    return _result(ordered, state, chosen, index)


def _result(
    ordered: list[Blocker], state: _Round, chosen: list[list[Edge]], index: Index
) -> Routing:
    offers: list[Offer] = []
    unrouted: list[int] = []
    unqualified: list[int] = []
    load: dict[int, int] = {}
    for b, blocker in enumerate(ordered):
        if not chosen[b]:
            qualified = state.qualified(b)
            (unrouted if qualified else unqualified).append(blocker.id)
            continue
        choices = []
        for e in sorted(chosen[b], key=lambda e: e.key):
            member = index.helpers[e.helper].member
            load[member] = load.get(member, 0) + 1
            hours = e.shared_slots / SLOTS_PER_HOUR / 7
            reason = Reason(e.basis, e.subject, e.finished_on, hours, e.asked_lately)
            choices.append(Choice(member, reason))
        offers.append(Offer(blocker.id, blocker.member, tuple(choices)))
    return Routing(tuple(offers), tuple(unrouted), tuple(unqualified), tuple(sorted(load.items())))
