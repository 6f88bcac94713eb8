"""Streaks: consecutive weeks with a check-in, with freezes, holiday weeks and pauses.

Each closed week since a member's first check-in gets one mark, decided in this order:

- CHECKED: the member checked in. The streak grows by one; every FREEZE_EVERY weeks of streak
  earn a freeze, and a member holds at most MAX_FREEZES.
- HOLIDAY: an organizer declared the week a holiday. The streak is kept, as it is.
- PAUSED: the member was paused on the week's Sunday. The streak is kept, as it is.
- SPARED: a freeze the member earned by helping others was spent on the week (see
  :mod:`bot.helpers.credits`). The streak is kept, as it is.
- FROZEN: none of the above, and the member held a freeze: one is spent, the streak is kept.
- MISSED: none of the above and no freeze left: the streak is broken (back to 0).

The open week (see :mod:`bot.weeks`) is CHECKED once the member checks in and OPEN
until then: it neither grows nor breaks the streak. These are pure functions of week Mondays.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from bot.pauses.model import Pause
from bot.weeks import WEEK, sunday, weeks_between

FREEZE_EVERY = 4
MAX_FREEZES = 2


class Mark(StrEnum):
    CHECKED = "checked"
    HOLIDAY = "holiday"
    PAUSED = "paused"
    SPARED = "spared"
    FROZEN = "frozen"
    MISSED = "missed"
    OPEN = "open"


@dataclass(frozen=True, slots=True)
class Streak:
    """A member's streak after some week: its length, the best so far, freezes held."""

    current: int = 0
    best: int = 0
    freezes: int = 0

    @property
    def alive(self) -> bool:
        return self.current > 0


@dataclass(frozen=True, slots=True)
class Calendar:
    """What keeps a week without a check-in: the community's holidays, the member's pauses,
    the weeks a freeze earned by helping was spent on."""

    holidays: frozenset[date] = frozenset()
    pauses: tuple[Pause, ...] = ()
    spared: frozenset[date] = frozenset()

    def keeps(self, week: date) -> Mark | None:
        if week in self.holidays:
            return Mark.HOLIDAY
        if week in self.spared:
            return Mark.SPARED
        last_day = sunday(week)
        if any(p.covers(last_day) for p in self.pauses):
            return Mark.PAUSED
        return None


def judge(streak: Streak, week: date, checked: bool, calendar: Calendar) -> tuple[Streak, Mark]:
    """The streak after one closed week, and the week's mark."""
    if checked:
        current = streak.current + 1
        earned = current % FREEZE_EVERY == 0 and streak.freezes < MAX_FREEZES
        freezes = streak.freezes + 1 if earned else streak.freezes
        return Streak(current, max(streak.best, current), freezes), Mark.CHECKED
    kept = calendar.keeps(week)
    if kept is not None:
        return streak, kept
    if streak.freezes:
        return replace(streak, freezes=streak.freezes - 1), Mark.FROZEN
    return Streak(0, streak.best, 0), Mark.MISSED


@dataclass(frozen=True, slots=True)
class History:
    """Every week from the first check-in to the open week, marked, and the streak now."""

    streak: Streak
    marks: tuple[tuple[date, Mark], ...]

    def mark(self, week: date) -> Mark | None:
        """A week's mark; None before the first check-in or after the open week."""
        return dict(self.marks).get(week)


def fold(checked: Collection[date], calendar: Calendar, open_week: date) -> History:
    """Judge every week from the first check-in up to the open week."""
    streak = Streak()
    marks: list[tuple[date, Mark]] = []
    if not checked:
        return History(streak, ())
    for week in weeks_between(min(checked), open_week - WEEK):
        streak, mark = judge(streak, week, week in checked, calendar)
        marks.append((week, mark))
    if open_week in checked:
        streak, _ = judge(streak, open_week, True, calendar)
        marks.append((open_week, Mark.CHECKED))
    else:
        marks.append((open_week, Mark.OPEN))
    return History(streak, tuple(marks))


def settle(streak: Streak, through: date, open_week: date, calendar: Calendar) -> Streak:
    """Carry a streak known after week `through` (the newest check-in) up to the open week:
    every week in between is closed and has no check-in."""
    for week in weeks_between(through + WEEK, open_week - WEEK):
        if not streak.alive:
            break  # a broken streak holds no freezes, so nothing after can change it
        streak, _ = judge(streak, week, False, calendar)
    return streak


def first_break(streak: Streak, through: date, open_week: date, calendar: Calendar) -> date | None:
    """The first closed week after `through` (the newest check-in) that breaks a live streak:
    no check-in, nothing in the calendar keeps it and no freeze is left. None when the streak
    is not alive or nothing breaks it before the open week."""
    for week in weeks_between(through + WEEK, open_week - WEEK):
        if not streak.alive:
            return None
        streak, mark = judge(streak, week, False, calendar)
        if mark is Mark.MISSED:
            return week
    return None
