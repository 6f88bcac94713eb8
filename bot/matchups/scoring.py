"""How well two members fit, in integer points (integers keep sums exact, so ties and results
never depend on the order floating-point numbers were added in):

    score = 1000 * overlap + 250 * min(shared interests, 2) + 1000 * phase fit
            - 500 * against the class preference - repeat penalty

- overlap: the share of their 09:00-21:00 windows that coincide in the round's week, from
  their IANA zones (see :mod:`bot.matchups.overlap`), 0 to 1;
- phase fit, by the community's mode: `peers` 1 in the same phase, 0.5 one phase apart;
  `mentor` 1 one phase apart, 0.5 two apart, 0.25 in the same phase; `mixed` 0 (the phase
  does not count);
- against the class preference: 1 when the two are in the same class (the month of their
  start dates, see :mod:`bot.classes.model`) and the organizer chose `across`, or in
  different classes and the organizer chose `within` (the default); else 0. A preference,
  not a rule: a good fit of hours and phase can outweigh it;
- repeat penalty, for two members who were grouped w weeks ago (within the last year):
  3000 + 5000 * 0.5 ** ((w - 1) / 4). It is more than the best score of a new pair minus
  the worst (2500 + 500), so someone new always beats a repeat, and it fades with time, so
  when only repeats are left the least recent one costs least.

Blocked pairs have no score at all and are never grouped. A group's score is the sum over
every two of its members.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date

from bot.matchups.model import ClassMode, Mode, Past, Person
from bot.matchups.overlap import availability, utc_offset_minutes

OVERLAP_POINTS = 1000
INTEREST_POINTS = 250  # per shared interest, for at most two
PHASE_POINTS = 1000
CLASS_POINTS = 500  # what a pair against the organizer's class preference costs
REPEAT_FLOOR = OVERLAP_POINTS + 2 * INTEREST_POINTS + PHASE_POINTS + CLASS_POINTS
REPEAT_FADE = 5000
REPEAT_HALF_LIFE = 4  # weeks
REPEAT_HORIZON = 52  # weeks after which a pair counts as new again

_FIT = {  # phase fit by mode and phase distance (0, 1, 2, 3 or more), in quarters
    "peers": (4, 2, 0, 0),
    "mentor": (1, 4, 2, 0),
    "mixed": (0, 0, 0, 0),
}


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

    def __init__(
        self,
        people: Sequence[Person],
        mode: Mode,
        past: Past,
        week: date,
        classes: ClassMode = ClassMode.WITHIN,
    ) -> None:
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
        self.klass = [p.klass for p in people]
        self.across = classes is ClassMode.ACROSS
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
            - CLASS_POINTS * ((self.klass[i] == self.klass[j]) == self.across)
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
