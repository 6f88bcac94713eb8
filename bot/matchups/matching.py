"""Maximum-weight matching of units (tuples of member indices): exact (networkx's blossom
algorithm) for up to :data:`EXACT_LIMIT` units, above that a greedy matching over each unit's
nearest candidates plus a swap pass. No database.

The greedy matching's candidates for a unit are its neighbours in two orders: the locality
order (phase, clock, interests), where good fits of hours and phase sit together, and a class
order that follows the organizer's class preference (see :mod:`bot.matchups.scoring`):
`within`, each class in locality order, so classmates are candidates; `across`, the classes
interleaved by their position in the locality order, so members of other classes at the same
place in that order are candidates. The scores decide between them, as in exact matching."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

import networkx as nx

from bot.matchups.model import Mode
from bot.matchups.scoring import Scorer

EXACT_LIMIT = 120
"""Pools (and later, numbers of pairs to combine) up to this size are matched exactly. The
blossom algorithm is cubic; at 120 members it takes about 0.4 s on one core (see
bench/matchups.py), which the round's transaction can afford."""

NEIGHBOURS = 12
"""How many neighbours in the locality order each unit is scored against by the heuristic."""
SWAP_NEIGHBOURS = 6
"""How many neighbouring pairs the heuristic's swap pass tries for each pair."""
CLASS_NEIGHBOURS = 8
"""How many neighbours in the class order each unit is also scored against (those the
preference favours)."""
CLASS_SWAPS = 32
"""How many pairs on each side a pair against the class preference is then compared with."""
_OFFSET = 1_000_000  # keeps every matching weight positive; the sign of a score is not lost
_DUMMY = -1


Unit = tuple[int, ...]


class Matcher:
    """Maximum-weight matching of units (tuples of member indices), exact or heuristic."""

    def __init__(self, scorer: Scorer, mode: Mode, rank: Sequence[int], exact_limit: int) -> None:
        self._scorer = scorer
        self._rank = rank
        self._exact_limit = exact_limit
        # With one class in the pool the preference cannot change a pair: no class order.
        self._classes = len(set(scorer.klass)) > 1
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

    def _preferred(self, u: Unit, v: Unit) -> bool:
        """Whether two units pair the way the class preference asks (of one class, or not)."""
        klass = self._scorer.klass
        return (klass[u[0]] == klass[v[0]]) != self._scorer.across

    def by_class(self, units: Sequence[Unit]) -> list[Unit]:
        """`units` (in locality order) in the class order of the preference: each class in
        locality order (`within`), or the classes interleaved at their place in the locality
        order (`across`). A unit's class is its first member's."""
        klass = self._scorer.klass
        if not self._scorer.across:
            return sorted(units, key=lambda u: klass[u[0]])  # stable: locality within a class
        classes: dict[int, list[Unit]] = {}
        for u in units:
            classes.setdefault(klass[u[0]], []).append(u)
        place: dict[Unit, tuple[int, int]] = {}
        for k, members in classes.items():
            for x, u in enumerate(members):
                # Integer fractions keep the order exact: x / len(members) of the way along.
                place[u] = (x * len(units) // len(members), k)
        return sorted(units, key=place.__getitem__)

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
        """Heaviest edges first among each unit's neighbours in the locality order and in the
        class order; units whose neighbours were all taken are matched among themselves the
        same way."""
        pairs: list[tuple[Unit, Unit]] = []
        left = units
        while len(left) > 1:
            window = len(left) if len(left) <= 2 * NEIGHBOURS else NEIGHBOURS
            edges = []
            seen: set[tuple[Unit, Unit]] = set()
            orders = [(left, window)]
            if self._classes and window < len(left):
                orders.append((self.by_class(left), CLASS_NEIGHBOURS))
            for order, reach in orders:
                for x, u in enumerate(order):
                    for v in order[x + 1 : x + 1 + reach]:
                        pair = (u, v) if self._rank[u[0]] < self._rank[v[0]] else (v, u)
                        if pair in seen or (order is not left and not self._preferred(u, v)):
                            continue
                        seen.add(pair)
                        w = weight(*pair)
                        if w is not None:
                            first, second = pair
                            edges.append((-w, self._rank[first[0]], self._rank[second[0]], *pair))
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
        then a wider search for the pairs that are still repeats or against the class
        preference."""
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
        # those few pairs are compared with every other pair; pairs against the class
        # preference with the pairs around them in the locality order.
        for x in range(len(pairs)):
            by_class = False
            if self._scorer.any_met(*pairs[x]):
                others: range = range(len(pairs))
            elif self._classes and not self._preferred(*pairs[x]):
                others = range(max(0, x - CLASS_SWAPS), min(len(pairs), x + 1 + CLASS_SWAPS))
                by_class = True
            else:
                continue
            best: tuple[int, int, tuple[Unit, Unit], tuple[Unit, Unit], int, int] | None = None
            (a, b) = pairs[x]
            for y in others:
                if y == x:
                    continue
                (c, d) = pairs[y]
                for first, second in (((a, c), (b, d)), ((a, d), (b, c))):
                    if by_class and not self._preferred(*first) and not self._preferred(*second):
                        continue  # no pair the preference favours more: not worth scoring
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
