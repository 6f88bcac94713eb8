"""A blocker's qualified helpers, most preferred first, produced lazily from a round's index.

A week of a large community has hundreds of thousands of (blocker, qualified helper) pairs
(an early milestone is finished by most helpers), but routing reads few of them: a blocker
usually takes its first or second candidate. So nothing is scored pair by pair up front. The
index keeps, for each milestone and each topic, the eligible helpers grouped by their working
hours (a community has few distinct windows) and sorted within a group by everything in the
preference that does not depend on the blocker (the finish date, requests received, member
id). A blocker's candidates are then a merge: hour groups in order of capped overlap with the
blocker's hours, within one level the milestone finishers merged by date and then the topic
helpers, skipping duplicates, limits, blocks and the member themself, and holding back the
helpers this member asked lately until the end. The order this yields is exactly the
preference order documented in :mod:`bot.helpers.routing`.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
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
        self.by_milestone: dict[str, dict[int, list[Finisher]]] = {}
        self.by_topic: dict[str, dict[int, list[Chooser]]] = {}
        self.counts: dict[str, int] = {}
        self.asked_lately: list[frozenset[int]] = []
        for h, helper in enumerate(self.helpers):
            latest: dict[str, date] = {}
            for done in helper.finished:
                if oldest <= done.on <= on and latest.get(done.milestone, date.min) < done.on:
                    latest[done.milestone] = done.on
            group = self.class_of[h]
            for milestone in sorted(latest):
                row = (-latest[milestone].toordinal(), helper.received, helper.member, h, milestone)
                self.by_milestone.setdefault(milestone, {}).setdefault(group, []).append(row)
                self.counts[f"m:{milestone}"] = self.counts.get(f"m:{milestone}", 0) + 1
            for topic in sorted(helper.topics):
                chooser = (helper.received, helper.member, h, topic)
                self.by_topic.setdefault(topic, {}).setdefault(group, []).append(chooser)
                self.counts[f"t:{topic}"] = self.counts.get(f"t:{topic}", 0) + 1
            self.asked_lately.append(
                frozenset(m for m, day in helper.asked_by if lately <= day <= on)
            )
        for finishers in self.by_milestone.values():
            for rows in finishers.values():
                rows.sort()
        for choosers in self.by_topic.values():
            for chosen in choosers.values():
                chosen.sort()

    def mask(self, hours: WorkingHours | None) -> int:
        return 0 if hours is None else week_mask(hours, self.on)

    def size_hint(self, blocker: Blocker) -> int:
        """How many candidates the blocker has at most (before limits, blocks and duplicates):
        the order in which blockers choose, scarcest first."""
        return sum(self.counts.get(f"m:{m}", 0) for m in blocker.milestones) + sum(
            self.counts.get(f"t:{t}", 0) for t in blocker.topics
        )


def _member(helper: Helper) -> int:
    return helper.member


class Candidates:
    """One blocker's qualified helpers, best first, computed as far as they are read."""

    def __init__(self, index: Index, blocker: Blocker) -> None:
        self.edges: list[Edge] = []
        self._source: Iterator[Edge] | None = _generate(index, blocker)

    def at(self, position: int) -> Edge | None:
        """The candidate at `position` in preference order, or None past the last."""
        while self._source is not None and len(self.edges) <= position:
            edge = next(self._source, None)
            if edge is None:
                self._source = None
            else:
                self.edges.append(edge)
        return self.edges[position] if position < len(self.edges) else None

    def all(self) -> list[Edge]:
        if self._source is not None:
            self.edges.extend(self._source)
            self._source = None
        return self.edges


def _generate(index: Index, blocker: Blocker) -> Iterator[Edge]:
    own = index.mask(blocker.hours)
    finishers = [
        index.by_milestone[m] for m in dict.fromkeys(blocker.milestones) if m in index.by_milestone
    ]
    choosers = [index.by_topic[t] for t in dict.fromkeys(blocker.topics) if t in index.by_topic]
    groups = sorted({g for f in finishers for g in f} | {g for c in choosers for g in c})
    shared = {g: (own & index.class_masks[g]).bit_count() for g in groups}
    levels: dict[int, list[int]] = {}
    for group in groups:
        levels.setdefault(min(shared[group], index.cap), []).append(group)
    seen: set[int] = set()
    later: list[Edge] = []
    member = blocker.member
    for level in sorted(levels, reverse=True):
        in_level = levels[level]
        rows = heapq.merge(*(f[g] for f in finishers for g in in_level if g in f))
        for negative_day, received, helper_member, h, milestone in rows:
            if h in seen:
                continue
            seen.add(h)
            if not allows(index.helpers[h], blocker):
                continue
            lately = member in index.asked_lately[h]
            key: Key = (lately, -level, 0, negative_day, received, helper_member)
            finished = date.fromordinal(-negative_day)
            edge = Edge(
                h, key, Basis.MILESTONE, milestone, finished, shared[index.class_of[h]], lately
            )
            if lately:
                later.append(edge)
            else:
                yield edge
        chosen = heapq.merge(*(c[g] for c in choosers for g in in_level if g in c))
        for received, helper_member, h, topic in chosen:
            if h in seen:
                continue
            seen.add(h)
            if not allows(index.helpers[h], blocker):
                continue
            lately = member in index.asked_lately[h]
            key = (lately, -level, 1, 0, received, helper_member)
            edge = Edge(h, key, Basis.TOPIC, topic, None, shared[index.class_of[h]], lately)
            if lately:
                later.append(edge)
            else:
                yield edge
    later.sort(key=lambda e: e.key)
    yield from later
