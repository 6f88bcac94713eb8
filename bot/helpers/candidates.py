"""A blocker's qualified helpers, in order of preference, found from a round's index.

A week of a large community has hundreds of thousands of (blocker, qualified helper) pairs
(an early milestone is finished by most helpers), but routing needs few of them: a blocker
usually takes its first or second choice. So nothing is scored pair by pair up front. The
index keeps, for each milestone and each topic, the eligible helpers grouped by working hours
(a community has few distinct windows), each group sorted by everything in the preference
that does not depend on the blocker (finish date, requests received, member id). A blocker's
plan orders its groups by capped overlap with its own hours. Its best helper with capacity
left is then: at the first overlap level where any group has one, the least row over the
groups' fronts, finishers before topic helpers; helpers this member asked lately only when
nobody else is left. A group's front skips full helpers once for every blocker, since
capacity only goes down during a round. This gives exactly the preference order documented
in :mod:`bot.helpers.routing`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from bot.helpers.hours import SLOTS_PER_HOUR, week_mask
from bot.helpers.model import Basis, Blocker, Helper, Rules, WorkingHours

Key = tuple[bool, int, int, int, int, int]
"""(asked lately, -capped overlap, 0 milestone / 1 topic, -finish day, received, member)."""


@dataclass(frozen=True, slots=True)
class Edge:
    """One qualified helper of one blocker: the helper's index in the round, its preference
    key (lower is better) and what the reason will say."""

    helper: int
    key: Key
    basis: Basis
    subject: str
    finished_on: date | None
    shared_slots: int
    asked_lately: bool


def allows(helper: Helper, blocker: Blocker) -> bool:
    """Whether nothing but the subject keeps `helper` from `blocker`: limits, blocks, self."""
    if helper.member == blocker.member or blocker.member in helper.blocks:
        return False
    if helper.phases and (blocker.phase is None or blocker.phase not in helper.phases):
        return False
    return not helper.topics or not helper.topics.isdisjoint(blocker.topics)


Finisher = tuple[int, int, int, int, str]  # -finish day, received, member, helper, milestone
Chooser = tuple[int, int, int, str]  # received, member, helper, topic
Row = Finisher | Chooser


class _Rows:
    """One sorted group of finishers or choosers, and how far its front is full: capacity
    only goes down during a round, so a full helper at the front is skipped once for all
    blockers."""

    __slots__ = ("head", "rows")

    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.head = 0

    def first(self, spare: list[int], accepts: Callable[[int], bool]) -> Row | None:
        """The first row whose helper has capacity left and that `accepts` takes."""
        rows, at = self.rows, self.head
        while at < len(rows) and spare[rows[at][-2]] <= 0:
            at += 1
        self.head = at
        for row in rows[at:]:
            h = row[-2]
            if spare[h] > 0 and accepts(h):
                return row
        return None


@dataclass(frozen=True, slots=True)
class _Level:
    """The groups of a blocker's candidates that share one capped overlap with it."""

    level: int
    finishers: tuple[_Rows, ...]
    choosers: tuple[_Rows, ...]


class Index:
    """The round's eligible helpers (active, with capacity left), by milestone finished
    recently and by topic chosen, each grouped by working-hours class."""

    def __init__(self, helpers: Sequence[Helper], on: date, rules: Rules) -> None:
        self.on = on
        self.cap = rules.overlap_cap_hours * SLOTS_PER_HOUR * 7
        self.helpers = sorted((h for h in helpers if h.active and h.remaining > 0), key=_member)
        oldest = on - timedelta(days=rules.recent_days)
        lately = on - timedelta(days=rules.lately_days)
        masks = [self.mask(h.hours) for h in self.helpers]
        self.class_masks = sorted(set(masks))
        number = {mask: c for c, mask in enumerate(self.class_masks)}
        self.class_of = [number[mask] for mask in masks]
        self.by_milestone: dict[str, dict[int, _Rows]] = {}
        self.by_topic: dict[str, dict[int, _Rows]] = {}
        self.counts: dict[str, int] = {}
        self.latest: list[dict[str, date]] = []
        lately_of: dict[int, set[int]] = {}
        self._plans: dict[int, tuple[_Level, ...]] = {}
        for h, helper in enumerate(self.helpers):
            latest: dict[str, date] = {}
            for done in helper.finished:
                if oldest <= done.on <= on and latest.get(done.milestone, date.min) < done.on:
                    latest[done.milestone] = done.on
            self.latest.append(latest)
            group = self.class_of[h]
            for milestone in sorted(latest):
                row = (-latest[milestone].toordinal(), helper.received, helper.member, h, milestone)
                self.by_milestone.setdefault(milestone, {}).setdefault(group, _Rows()).rows.append(
                    row
                )
                self.counts[f"m:{milestone}"] = self.counts.get(f"m:{milestone}", 0) + 1
            for topic in sorted(helper.topics):
                chooser = (helper.received, helper.member, h, topic)
                self.by_topic.setdefault(topic, {}).setdefault(group, _Rows()).rows.append(chooser)
                self.counts[f"t:{topic}"] = self.counts.get(f"t:{topic}", 0) + 1
            for asker in sorted({m for m, day in helper.asked_by if lately <= day <= on}):
                lately_of.setdefault(asker, set()).add(h)
        self.lately_of = {m: frozenset(hs) for m, hs in sorted(lately_of.items())}
        """Member -> the helpers they asked lately."""
        for groups in (*self.by_milestone.values(), *self.by_topic.values()):
            for group_rows in groups.values():
                group_rows.rows.sort()

    def mask(self, hours: WorkingHours | None) -> int:
        return 0 if hours is None else week_mask(hours, self.on)

    def size_hint(self, blocker: Blocker) -> int:
        """How many candidates the blocker has at most (before limits, blocks and duplicates):
        the order in which blockers choose, scarcest first."""
        return sum(self.counts.get(f"m:{m}", 0) for m in blocker.milestones) + sum(
            self.counts.get(f"t:{t}", 0) for t in blocker.topics
        )

    def asked_lately(self, h: int, blocker: Blocker) -> bool:
        return h in self.lately_of.get(blocker.member, frozenset())

    def shared(self, h: int, blocker: Blocker) -> int:
        return (self.mask(blocker.hours) & self.class_masks[self.class_of[h]]).bit_count()

    def plan(self, blocker: Blocker) -> tuple[_Level, ...]:
        """The blocker's candidate groups by capped overlap, best level first (kept per
        blocker id for the round)."""
        found = self._plans.get(blocker.id)
        if found is not None:
            return found
        own = self.mask(blocker.hours)
        finishers = [
            self.by_milestone[m]
            for m in dict.fromkeys(blocker.milestones)
            if m in self.by_milestone
        ]
        choosers = [self.by_topic[t] for t in dict.fromkeys(blocker.topics) if t in self.by_topic]
        groups = sorted({g for f in finishers for g in f} | {g for c in choosers for g in c})
        levels: dict[int, list[int]] = {}
        for group in groups:
            shared = (own & self.class_masks[group]).bit_count()
            levels.setdefault(min(shared, self.cap), []).append(group)
        plan = tuple(
            _Level(
                level,
                tuple(f[g] for f in finishers for g in levels[level] if g in f),
                tuple(c[g] for c in choosers for g in levels[level] if g in c),
            )
            for level in sorted(levels, reverse=True)
        )
        self._plans[blocker.id] = plan
        return plan

    def edge(self, h: int, blocker: Blocker, level: int) -> Edge | None:
        """The edge from `blocker` to helper `h` at an overlap level, or None when `h` does
        not qualify."""
        helper = self.helpers[h]
        if not allows(helper, blocker):
            return None
        lately = self.asked_lately(h, blocker)
        latest = self.latest[h]
        days = sorted(
            ((latest[m], m) for m in blocker.milestones if m in latest),
            key=lambda d: -d[0].toordinal(),
        )
        if days:
            finished, milestone = days[0]
            key: Key = (lately, -level, 0, -finished.toordinal(), helper.received, helper.member)
            return Edge(
                h, key, Basis.MILESTONE, milestone, finished, self.shared(h, blocker), lately
            )
        topics = sorted(helper.topics.intersection(blocker.topics))
        if not topics:
            return None
        key = (lately, -level, 1, 0, helper.received, helper.member)
        return Edge(h, key, Basis.TOPIC, topics[0], None, self.shared(h, blocker), lately)

    def best(self, blocker: Blocker, spare: list[int], taken: set[int]) -> Edge | None:
        """The blocker's most preferred qualified helper with capacity left and not in
        `taken`, found from the fronts of its groups rather than by scoring every candidate:
        each group's first acceptable row is the best of that group, so the least of them at
        the best level that has any is the best of all (helpers asked lately come last)."""
        lately = self.lately_of.get(blocker.member, frozenset())
        helpers = self.helpers

        def accepts(h: int) -> bool:
            return h not in taken and h not in lately and allows(helpers[h], blocker)

        for level in self.plan(blocker):
            for groups in (level.finishers, level.choosers):
                rows = [row for g in groups if (row := g.first(spare, accepts)) is not None]
                if rows:
                    return self.edge(min(rows)[-2], blocker, level.level)
        late = []
        for h in sorted(lately):
            if spare[h] > 0 and h not in taken:
                edge = self.edge(h, blocker, min(self.shared(h, blocker), self.cap))
                if edge is not None:
                    late.append(edge)
        return min(late, key=lambda e: e.key, default=None)


def _member(helper: Helper) -> int:
    return helper.member


def neighbours(index: Index, blocker: Blocker) -> Iterator[tuple[int, int]]:
    """Every qualified helper of the blocker with its overlap level, in a fixed order but not
    the order of preference, and possibly more than once: what a search over the round's
    graph needs, without building an edge for each."""
    for level in index.plan(blocker):
        for group in (*level.finishers, *level.choosers):
            for row in group.rows:
                h = row[-2]
                if allows(index.helpers[h], blocker):
                    yield h, level.level
