"""Matchmaking, pure: how well two members fit, and the groups of a round. No database.

The score of two members, in integer points (integers keep sums exact, so ties and results
never depend on the order floating-point numbers were added in):

    score = 1000 * overlap + 250 * min(shared interests, 2) + 1000 * phase fit - repeat penalty

- overlap: the share of their 09:00-21:00 windows that coincide in the round's week, from
  their IANA zones (see :mod:`bot.matchups.overlap`), 0 to 1;
- phase fit, by the community's mode: `peers` 1 in the same phase, 0.5 one phase apart;
  `mentor` 1 one phase apart, 0.5 two apart, 0.25 in the same phase; `mixed` 0 (the phase
  does not count);
- repeat penalty, for two members who were grouped w weeks ago (within the last year):
  2500 + 5000 * 0.5 ** ((w - 1) / 4). It is more than any positive score, so someone new
  always beats a repeat, and it fades with time, so when only repeats are left the least
  recent one costs least.

Blocked pairs have no score at all and are never grouped. A group's score is the sum over
every two of its members.

Groups are built from pairs. Everyone is paired by maximum-weight matching: exact
(networkx's blossom algorithm) for pools up to :data:`EXACT_LIMIT`, a greedy matching over
each member's nearest candidates plus a swap pass above that. With an odd pool one member
stays unpaired: the *odd* one, never someone who was the odd one in the previous round.
Size 4 then matches pairs with pairs; size 3 splits the weakest third of the pairs and gives
each of their members to the pair they fit best. The odd member, and anyone a block left
without a group, joins the group where they fit best, preferring groups below the chosen size.

Every choice is deterministic: ties are broken by an order shuffled with a seed derived from
the round id, so the same round id and the same pool always give the same groups.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

import networkx as nx

from bot.matchups.overlap import availability, utc_offset_minutes

OVERLAP_POINTS = 1000
INTEREST_POINTS = 250  # per shared interest, for at most two
PHASE_POINTS = 1000
REPEAT_FLOOR = OVERLAP_POINTS + 2 * INTEREST_POINTS + PHASE_POINTS
REPEAT_FADE = 5000
REPEAT_HALF_LIFE = 4  # weeks
REPEAT_HORIZON = 52  # weeks after which a pair counts as new again

EXACT_LIMIT = 120
"""Pools (and later, numbers of pairs to combine) up to this size are matched exactly. The
blossom algorithm is cubic; at 120 members it takes about 0.4 s on one core (see
bench/matchups.py), which the round's transaction can afford."""

NEIGHBOURS = 12
"""How many neighbours in the locality order each unit is scored against by the heuristic."""
SWAP_NEIGHBOURS = 6
"""How many neighbouring pairs the heuristic's swap pass tries for each pair."""

_FIT = {  # phase fit by mode and phase distance (0, 1, 2, 3 or more), in quarters
    "peers": (4, 2, 0, 0),
    "mentor": (1, 4, 2, 0),
    "mixed": (0, 0, 0, 0),
}
_OFFSET = 1_000_000  # keeps every matching weight positive; the sign of a score is not lost
_DUMMY = -1


class Mode(StrEnum):
    PEERS = "peers"
    MENTOR = "mentor"
    MIXED = "mixed"


@dataclass(frozen=True, slots=True)
class Person:
    """A member as matchmaking sees them."""

    id: int
    timezone: str
    phase: int
    interests: frozenset[str] = frozenset()


def pair_key(a: int, b: int) -> tuple[int, int]:
    """How a pair of member ids is keyed: the lower id first."""
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True, slots=True)
class Past:
    """What earlier rounds and members' blocks say about a round."""

    met: Mapping[tuple[int, int], int] = field(default_factory=dict)
    """Weeks since each pair (see :func:`pair_key`) was last grouped; 1 is last week."""
    odd: frozenset[int] = frozenset()
    """Who was the odd one in the previous round."""
    blocked: frozenset[tuple[int, int]] = frozenset()
    """Pairs that must never be grouped (see :func:`pair_key`)."""


@dataclass(frozen=True, slots=True)
class Group:
    members: tuple[int, ...]
    odd: tuple[int, ...]  # who joined after the group formed: the odd one, or whom blocks left
    score: int
    repeats: int  # pairs in the group who were grouped before


@dataclass(frozen=True, slots=True)
class Grouping:
    groups: tuple[Group, ...]
    unplaced: tuple[int, ...]  # nobody to meet: a pool of one, or blocks with everyone
    repeats: int  # pairs of groupmates who had been grouped before
    repeats_avoided: int  # members with an earlier partner in the pool who got only new ones

    @property
    def score(self) -> int:
        return sum(g.score for g in self.groups)


def repeat_penalty(weeks: int) -> int:
    if weeks > REPEAT_HORIZON:
        return 0
    fade: float = 0.5 ** ((max(weeks, 1) - 1) / REPEAT_HALF_LIFE)
    return REPEAT_FLOOR + round(REPEAT_FADE * fade)


def seed_of(round_id: str) -> int:
    digest = hashlib.sha256(round_id.encode()).digest()
    return int.from_bytes(digest[:8], "big")


class Scorer:
    """Scores between the members of one pool, by their index in `people`."""

    def __init__(self, people: Sequence[Person], mode: Mode, past: Past, week: date) -> None:
        self.people = people
        self.n = len(people)
        zones = sorted({p.timezone for p in people})
        masks = [availability(z, week) for z in zones]
        self._overlap = [
            [
                (a & b).bit_count() * OVERLAP_POINTS // max(1, min(a.bit_count(), b.bit_count()))
                for b in masks
            ]
            for a in masks
        ]
        zone_index = {z: i for i, z in enumerate(zones)}
        self.zone = [zone_index[p.timezone] for p in people]
        self.offset = [utc_offset_minutes(z, week) for z in zones]
        tags = sorted(set().union(*(p.interests for p in people)))
        tag_bit = {t: 1 << i for i, t in enumerate(tags)}
        self.tags = [sum(tag_bit[t] for t in p.interests) for p in people]
        self.phase = [p.phase for p in people]
        quarters = _FIT[mode.value]
        self._fit = [PHASE_POINTS * q // 4 for q in quarters]
        index = {p.id: i for i, p in enumerate(people)}
        self._penalty: dict[int, int] = {}
        for (a, b), weeks in past.met.items():
            if a in index and b in index and (penalty := repeat_penalty(weeks)):
                self._penalty[self.key(index[a], index[b])] = penalty
        self._blocked = {
            self.key(index[a], index[b]) for a, b in past.blocked if a in index and b in index
        }

    def key(self, i: int, j: int) -> int:
        return i * self.n + j if i < j else j * self.n + i

    def met(self, i: int, j: int) -> bool:
        return self.key(i, j) in self._penalty

    def any_met(self, a: Sequence[int], b: Sequence[int]) -> bool:
        return any(self.met(i, j) for i in a for j in b)

    def with_history(self) -> set[int]:
        """Members with someone in the pool they were grouped with before (and may meet)."""
        found: set[int] = set()
        for key in self._penalty:
            if key not in self._blocked:
                found.update(divmod(key, self.n))
        return found

    def score(self, i: int, j: int) -> int | None:
        key = i * self.n + j if i < j else j * self.n + i
        if key in self._blocked:
            return None
        shared = (self.tags[i] & self.tags[j]).bit_count()
        return (
            self._overlap[self.zone[i]][self.zone[j]]
            + INTEREST_POINTS * min(shared, 2)
            + self._fit[min(abs(self.phase[i] - self.phase[j]), 3)]
            - self._penalty.get(key, 0)
        )

    def cross(self, a: Sequence[int], b: Sequence[int]) -> int | None:
        """The score two sets of members add when they join: every member of one with every
        member of the other. None when any two of them are blocked."""
        total = 0
        for i in a:
            for j in b:
                s = self.score(i, j)
                if s is None:
                    return None
                total += s
        return total

    def within(self, members: Sequence[int]) -> int:
        total = 0
        for x, i in enumerate(members):
            for j in members[x + 1 :]:
                total += self.score(i, j) or 0
        return total


Unit = tuple[int, ...]


class _Matcher:
    """Maximum-weight matching of units (tuples of member indices), exact or heuristic."""

    def __init__(self, scorer: Scorer, mode: Mode, rank: Sequence[int], exact_limit: int) -> None:
        self._scorer = scorer
        self._rank = rank
        self._exact_limit = exact_limit
        s = scorer
        if mode is Mode.PEERS:
            self._locality: Callable[[int], tuple[int, ...]] = lambda i: (
                s.phase[i],
                s.offset[s.zone[i]],
                (s.tags[i] & -s.tags[i]).bit_length(),
                rank[i],
            )
        else:  # mentors and mixed groups look across phases: order by clock first
            self._locality = lambda i: (
                s.offset[s.zone[i]],
                (s.tags[i] & -s.tags[i]).bit_length(),
                s.phase[i],
                rank[i],
            )

    def order(self, units: Sequence[Unit]) -> list[Unit]:
        return sorted(units, key=lambda u: self._locality(u[0]))

    def match(
        self,
        units: Sequence[Unit],
        weight: Callable[[Unit, Unit], int | None],
        spare: Collection[Unit] | None = None,
    ) -> tuple[list[tuple[Unit, Unit]], list[Unit]]:
        """The pairs of units with the largest total weight among those pairing the most
        units, and the units left over. With `spare` and an odd number of units, the one
        left over is one of `spare` whenever that is possible."""
        units = self.order(units)
        if len(units) <= self._exact_limit:
            pairs = self._exact(units, weight, spare)
        else:
            pairs = self._greedy(units, weight)
            pairs = self._improve(pairs, weight)
        paired = {u for pair in pairs for u in pair}
        left = [u for u in units if u not in paired]
        if spare is not None and len(left) == 1 and left[0] not in spare:
            pairs, left = self._swap_odd(pairs, left[0], weight, spare)
        return pairs, left

    def _exact(
        self,
        units: list[Unit],
        weight: Callable[[Unit, Unit], int | None],
        spare: Collection[Unit] | None,
    ) -> list[tuple[Unit, Unit]]:
        graph = nx.Graph()
        graph.add_nodes_from(range(len(units)))
        for x, u in enumerate(units):
            for y in range(x + 1, len(units)):
                w = weight(u, units[y])
                if w is not None:
                    graph.add_edge(x, y, weight=w + _OFFSET)
        if spare is not None and len(units) % 2:
            # A stand-in partner only the spare units may take: whoever takes it is left over.
            for x, u in enumerate(units):
                if u in spare:
                    graph.add_edge(_DUMMY, x, weight=_OFFSET)
        matching = nx.max_weight_matching(graph, maxcardinality=True)
        return sorted(
            (units[min(x, y)], units[max(x, y)]) for x, y in matching if _DUMMY not in (x, y)
        )

    def _greedy(
        self, units: list[Unit], weight: Callable[[Unit, Unit], int | None]
    ) -> list[tuple[Unit, Unit]]:
        """Heaviest edges first among each unit's neighbours in the locality order; units
        whose neighbours were all taken are matched among themselves the same way."""
        pairs: list[tuple[Unit, Unit]] = []
        left = units
        while len(left) > 1:
            window = len(left) if len(left) <= 2 * NEIGHBOURS else NEIGHBOURS
            edges = []
            for x, u in enumerate(left):
                for v in left[x + 1 : x + 1 + window]:
                    w = weight(u, v)
                    if w is not None:
                        edges.append((-w, self._rank[u[0]], self._rank[v[0]], u, v))
            edges.sort()
            taken: set[Unit] = set()
            for _, _, _, u, v in edges:
                if u not in taken and v not in taken:
                    taken.update((u, v))
                    pairs.append((u, v))
            rest = [u for u in left if u not in taken]
            if len(rest) == len(left) or window == len(left):
                break  # nothing more can be paired (blocks), or everyone was compared
            left = rest
        return pairs

    def _improve(
        self, pairs: list[tuple[Unit, Unit]], weight: Callable[[Unit, Unit], int | None]
    ) -> list[tuple[Unit, Unit]]:
        """One pass swapping partners between neighbouring pairs where that raises the total,
        then a wider search for the pairs that are still repeats."""
        pairs = sorted(pairs, key=lambda p: self._locality(p[0][0]))
        value = [weight(a, b) or 0 for a, b in pairs]
        for x in range(len(pairs)):
            for y in range(x + 1, min(len(pairs), x + 1 + SWAP_NEIGHBOURS)):
                (a, b), (c, d) = pairs[x], pairs[y]
                now = value[x] + value[y]
                for first, second in (((a, c), (b, d)), ((a, d), (b, c))):
                    w1, w2 = weight(*first), weight(*second)
                    if w1 is not None and w2 is not None and w1 + w2 > now:
                        pairs[x], pairs[y] = first, second
                        value[x], value[y] = w1, w2
                        break
        # The last units left over can be forced into a repeat far from any neighbour, so
        # those few pairs are compared with every other pair.
        for x in range(len(pairs)):
            if not self._scorer.any_met(*pairs[x]):
                continue
            best: tuple[int, int, tuple[Unit, Unit], tuple[Unit, Unit], int, int] | None = None
            (a, b) = pairs[x]
            for y in range(len(pairs)):
                if y == x:
                    continue
                (c, d) = pairs[y]
                for first, second in (((a, c), (b, d)), ((a, d), (b, c))):
                    w1, w2 = weight(*first), weight(*second)
                    if w1 is None or w2 is None:
                        continue
                    gain = w1 + w2 - value[x] - value[y]
                    if gain > 0 and (best is None or gain > best[0]):
                        best = (gain, y, first, second, w1, w2)
            if best is not None:
                _, y, first, second, w1, w2 = best
                pairs[x], pairs[y] = first, second
                value[x], value[y] = w1, w2
        return pairs

    def _swap_odd(
        self,
        pairs: list[tuple[Unit, Unit]],
        odd: Unit,
        weight: Callable[[Unit, Unit], int | None],
        spare: Collection[Unit],
    ) -> tuple[list[tuple[Unit, Unit]], list[Unit]]:
        """Let the odd unit take the place of a spare one, at the smallest loss."""
        best: tuple[int, int, int, int] | None = None  # (-gain, rank, pair index, side)
        for x, pair in enumerate(pairs):
            for side in (0, 1):
                out, stay = pair[side], pair[1 - side]
                if out not in spare:
                    continue
                new = weight(odd, stay)
                if new is None:
                    continue
                gain = new - (weight(out, stay) or 0)
                candidate = (-gain, self._rank[out[0]], x, side)
                if best is None or candidate < best:
                    best = candidate
        if best is None:
            return pairs, [odd]
        _, _, x, side = best
        out, stay = pairs[x][side], pairs[x][1 - side]
        pairs = [*pairs[:x], (odd, stay), *pairs[x + 1 :]]
        return pairs, [out]


def make_groups(
    people: Sequence[Person],
    size: int,
    mode: Mode,
    past: Past,
    round_id: str,
    week: date,
    exact_limit: int = EXACT_LIMIT,
) -> Grouping:
    """The groups of one round. `size` is 2, 3 or 4; `week` is any day of the round's week."""
    if not 2 <= size <= 4:
        raise ValueError(f"group size must be 2, 3 or 4, not {size}")
    people = sorted(people, key=lambda p: p.id)
    if len({p.id for p in people}) != len(people):
        raise ValueError("a member appears twice in the pool")
    if len(people) < 2:
        return Grouping((), tuple(p.id for p in people), 0, 0)
    scorer = Scorer(people, mode, past, week)
    rank = list(range(len(people)))
    random.Random(seed_of(round_id)).shuffle(rank)  # noqa: S311 - tie-breaking, not secrecy
    matcher = _Matcher(scorer, mode, rank, exact_limit)
    weight = scorer.cross
    singles = [(i,) for i in range(len(people))]
    spare = {(i,) for i in range(len(people)) if people[i].id not in past.odd}
    pairs, left = matcher.match(singles, weight, spare or None)
    groups = [u + v for u, v in pairs]
    stray: list[int] = []
    if size == 4:
        quads, rest = matcher.match(groups, weight)
        groups = [u + v for u, v in quads] + rest
    elif size == 3:
        groups, stray = _trios(scorer, matcher, groups, rank)
    odd = [u[0] for u in left] + stray
    unplaced = _seat(scorer, groups, odd, size, rank)
    return _result(scorer, groups, set(odd), unplaced)


def _trios(
    scorer: Scorer, matcher: _Matcher, pairs: list[Unit], rank: Sequence[int]
) -> tuple[list[Unit], list[int]]:
    """Split the weakest third of the pairs; each of their members joins the pair they fit
    best, one per pair. Pairs nobody joined stay pairs. Also returns the members of split
    pairs that no pair could take (blocks)."""
    by_strength = sorted(pairs, key=lambda p: (scorer.within(p), rank[p[0]]))
    split = set(by_strength[: len(pairs) // 3])
    kept = [p for p in pairs if p not in split]
    singles: list[Unit] = [(i,) for p in pairs if p in split for i in p]

    def weight(u: Unit, v: Unit) -> int | None:
        if (len(u) == 1) == (len(v) == 1):
            return None  # a single joins a pair; never two singles or two pairs
        return scorer.cross(u, v)

    joined, left = matcher.match(kept + singles, weight)
    groups = [u + v for u, v in joined] + [u for u in left if len(u) > 1]
    return groups, [u[0] for u in left if len(u) == 1]


def _seat(
    scorer: Scorer, groups: list[Unit], waiting: list[int], size: int, rank: Sequence[int]
) -> list[int]:
    """Seat each waiting member in the group they fit best, preferring groups below `size`
    (in place); returns whoever no group can take."""
    unplaced: list[int] = []
    for member in sorted(waiting, key=lambda i: rank[i]):
        best: tuple[bool, int, int] | None = None  # (not below size, -fit, group index)
        for x, group in enumerate(groups):
            fit = scorer.cross((member,), group)
            if fit is None:
                continue
            candidate = (len(group) >= size, -fit, x)
            if best is None or candidate < best:
                best = candidate
        if best is None:
            unplaced.append(member)
        else:
            groups[best[2]] = groups[best[2]] + (member,)
    return unplaced


def _result(scorer: Scorer, groups: list[Unit], odd: set[int], unplaced: list[int]) -> Grouping:
    people = scorer.people
    had_past = scorer.with_history()
    avoided = 0
    built = []
    for group in groups:
        members = sorted(group, key=lambda i: people[i].id)
        met = [(i, j) for x, i in enumerate(members) for j in members[x + 1 :] if scorer.met(i, j)]
        repeated = {i for pair in met for i in pair}
        avoided += sum(i in had_past and i not in repeated for i in members)
        built.append(
            Group(
                members=tuple(people[i].id for i in members),
                odd=tuple(people[i].id for i in members if i in odd),
                score=scorer.within(members),
                repeats=len(met),
            )
        )
    built.sort(key=lambda g: g.members)
    return Grouping(
        groups=tuple(built),
        unplaced=tuple(sorted(people[i].id for i in unplaced)),
        repeats=sum(g.repeats for g in built),
        repeats_avoided=avoided,
    )
