"""The groups of a round, pure: no database.

Groups are built from pairs (see :mod:`bot.matchups.scoring` for how two members fit).
Everyone is paired by maximum-weight matching (:mod:`bot.matchups.matching`): exact for pools
up to :data:`~bot.matchups.matching.EXACT_LIMIT`, a greedy matching over each member's nearest
candidates plus a swap pass above that. With an odd pool one member stays unpaired: the *odd*
one, never someone who was the odd one in the previous round. Size 4 then matches pairs with
pairs; size 3 splits the weakest third of the pairs and gives each of their members to the
pair they fit best. The odd member, and anyone a block left without a group, joins the group
where they fit best, preferring groups below the chosen size.

Every choice is deterministic: ties are broken by an order shuffled with a seed derived from
the round id, so the same round id and the same pool always give the same groups.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date

from bot.matchups.matching import EXACT_LIMIT, Matcher, Unit
from bot.matchups.model import ClassMode, Group, Grouping, Mode, Past, Person
from bot.matchups.scoring import Scorer, seed_of


def make_groups(
    people: Sequence[Person],
    size: int,
    mode: Mode,
    past: Past,
    round_id: str,
    week: date,
    exact_limit: int = EXACT_LIMIT,
    classes: ClassMode = ClassMode.WITHIN,
) -> Grouping:
    """The groups of one round. `size` is 2, 3 or 4; `week` is any day of the round's week;
    `classes` says whether pairs of one class are preferred (`within`) or avoided."""
    if not 2 <= size <= 4:
        raise ValueError(f"group size must be 2, 3 or 4, not {size}")
    people = sorted(people, key=lambda p: p.id)
    if len({p.id for p in people}) != len(people):
        raise ValueError("a member appears twice in the pool")
    if len(people) < 2:
        return Grouping((), tuple(p.id for p in people), 0, 0)
    scorer = Scorer(people, mode, past, week, classes)
    rank = list(range(len(people)))
    random.Random(seed_of(round_id)).shuffle(rank)  # noqa: S311 - tie-breaking, not secrecy
    matcher = Matcher(scorer, mode, rank, exact_limit)
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
    scorer: Scorer, matcher: Matcher, pairs: list[Unit], rank: Sequence[int]
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
