"""Credits for helping, and the streak freezes they earn: pure functions of dated acts.

Three kinds of act earn one credit each (docs/accountability.md states the same rules):

- REVIEW: a review of someone else's challenge submission. One credit per submission, none
  for one's own, and at most one per person reviewed per ISO week (UTC): reviewing the same
  friend's work twice in a week earns once.
- MEETING: saying yes to "did you meet?" after a matchup, once per matchup group.
- HELPED: a member confirming that a helper's conversation helped with their blocker, once per
  blocker, and at most once per member helped per ISO week.

Every CREDITS_PER_FREEZE credits earn a freeze; a member holds at most MAX_HELP_FREEZES of
them at once, and a freeze completed while holding that many is forfeited (the credits still
count in the total). A held freeze is spent automatically on the first closed week that would
break a live streak (see :mod:`bot.checkins.streaks`): that week is then kept like a holiday.
Acts and spends are folded in time order, so the balance is the same whenever it is computed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

CREDITS_PER_FREEZE = 3
MAX_HELP_FREEZES = 2


class ActKind(StrEnum):
    REVIEW = "review"
    MEETING = "meeting"
    HELPED = "helped"


@dataclass(frozen=True, slots=True)
class Act:
    """Something helpful a member did: its kind, the submission, group or blocker it was about
    (`ref`), the other member it was for (None for a meeting) and when."""

    kind: ActKind
    ref: int
    other: int | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Balance:
    """What a member earned by helping: credits by kind, freezes earned, spent, forfeited and
    held, and the credits toward the next freeze."""

    credits: dict[ActKind, int]
    earned: int
    spent: int
    forfeited: int
    held: int
    toward_next: int

    @property
    def total(self) -> int:
        return sum(self.credits.values())


def _week(at: datetime) -> tuple[int, int]:
    year, week, _ = at.isocalendar()
    return year, week


def _order(act: Act) -> tuple[datetime, str, int, int]:
    return act.at, act.kind.value, act.ref, -1 if act.other is None else act.other


def credited(member: int, acts: Iterable[Act]) -> list[Act]:
    """The acts that earn a credit for `member`, oldest first (see the module's rules)."""
    seen_refs: set[tuple[ActKind, int]] = set()
    seen_weeks: set[tuple[ActKind, int, tuple[int, int]]] = set()
    kept: list[Act] = []
    for act in sorted(acts, key=_order):
        if act.other == member or (act.kind, act.ref) in seen_refs:
            continue
        if act.other is not None:
            week = (act.kind, act.other, _week(act.at))
            if week in seen_weeks:
                continue
            seen_weeks.add(week)
        seen_refs.add((act.kind, act.ref))
        kept.append(act)
    return kept


def balance(member: int, acts: Iterable[Act], spends: Iterable[datetime]) -> Balance:
    """Fold `member`'s credited acts and the times their freezes were spent, in time order
    (a spend at the same moment as a credit comes after it)."""
    kept = credited(member, acts)
    events = sorted(
        [(a.at, 0) for a in kept] + [(at, 1) for at in spends], key=lambda e: (e[0], e[1])
    )
    earned = spent = forfeited = held = progress = 0
    for _, spend in events:
        if spend:
            if held:
                held -= 1
                spent += 1
            continue
        progress += 1
        if progress == CREDITS_PER_FREEZE:
            progress = 0
            if held < MAX_HELP_FREEZES:
                held += 1
                earned += 1
            else:
                forfeited += 1
    counts = {kind: sum(a.kind is kind for a in kept) for kind in ActKind}
    return Balance(counts, earned, spent, forfeited, held, progress)
