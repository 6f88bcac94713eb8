"""What the progress and stats views answer with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.checkins.model import Checkin
from bot.checkins.streaks import Mark, Streak
from bot.members.model import Member
from bot.milestones.model import PhaseProgress
from bot.pauses.model import Pause
from bot.replies import Field
from bot.roadmap.model import Standing


@dataclass(frozen=True, slots=True)
class WeekRow:
    week: date
    mark: Mark | None  # None before the member's first check-in
    hours: int


@dataclass(frozen=True, slots=True)
class Progress:
    member: Member
    own: bool  # the caller is looking at their own progress
    streak: Streak
    weeks: tuple[WeekRow, ...]  # oldest first, ending with the open week
    phases: tuple[PhaseProgress, ...]
    standing: Standing
    pause: Pause | None  # the pause under way
    last: Checkin | None  # the newest check-in
    notes: tuple[str, ...] = ()  # lines other features add (what helping earned)

    @property
    def checked(self) -> int:
        return sum(w.mark is Mark.CHECKED for w in self.weeks)

    @property
    def hours(self) -> int:
        return sum(w.hours for w in self.weeks)

    @property
    def counted_weeks(self) -> int:
        """The weeks shown that count: from the first check-in on, the open week only once
        the member checked in for it."""
        return sum(w.mark is not None and w.mark is not Mark.OPEN for w in self.weeks)


@dataclass(frozen=True, slots=True)
class WeekStats:
    week: date
    expected: int  # active members who had joined and were not paused
    checked_in: int
    holiday: bool

    @property
    def rate(self) -> float | None:
        if self.holiday or not self.expected:
            return None
        return min(1.0, self.checked_in / self.expected)


@dataclass(frozen=True, slots=True)
class Stats:
    active: int
    open_week: date
    weeks: tuple[WeekStats, ...]  # oldest first, ending with the open week
    at_risk: tuple[tuple[Member, date | None], ...]  # with their newest check-in week
    never: int  # active members without a single check-in yet
    more: tuple[Field, ...] = ()  # what features built later add (`ProgressService.add_stats`)
