"""What the weekly organizer report holds: each section now and a week earlier."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.challenges.model import Submission
from bot.helpers.model import Counts
from bot.matchups.model import Outcome
from bot.members.model import Member
from bot.progress.model import WeekStats


@dataclass(frozen=True, slots=True)
class Headcount:
    """The community's members at the end of a week."""

    active: int  # joined and not left
    new: int  # joined during the week
    paused: int  # active, with a pause under way
    left: int  # left during the week


class Risk(StrEnum):
    MISSED = "missed"  # the two newest closed weeks went without a check-in
    STREAK = "streak"  # a long streak breaks unless they check in for the open week


@dataclass(frozen=True, slots=True)
class AtRisk:
    member: Member
    risk: Risk
    last: date | None  # the newest check-in week
    streak: int  # weeks of the streak at stake (STREAK)


@dataclass(frozen=True, slots=True)
class Subject:
    """What a group of the week's blockers is about: a milestone or topic of the pack, or
    nothing the pack names (`key` empty)."""

    key: str
    title: str
    phase: int | None


@dataclass(frozen=True, slots=True)
class Blockers:
    """A week's blockers, counted by subject, most first."""

    by_subject: tuple[tuple[Subject, int], ...]

    @property
    def total(self) -> int:
        return sum(count for _, count in self.by_subject)

    def count(self, subject: Subject) -> int:
        return dict(self.by_subject).get(subject, 0)


@dataclass(frozen=True, slots=True)
class Reviews:
    """The challenge submissions first sent in a week, and those nobody reviewed yet."""

    submitted: int
    unreviewed: tuple[Submission, ...]


@dataclass(frozen=True, slots=True)
class Finished:
    """Milestones ticked off in a week, and the phases members completed with them."""

    milestones: int
    members: int  # who ticked at least one off
    phases: tuple[tuple[int, int], ...]  # (phase number, members who completed it)

    @property
    def phases_total(self) -> int:
        return sum(count for _, count in self.phases)


@dataclass(frozen=True, slots=True)
class Week:
    """One week's figures, for the report's week and the one before it."""

    monday: date
    headcount: Headcount
    blockers: Blockers
    reviews: Reviews
    matchups: Outcome | None
    finished: Finished
    helping: Counts  # the week's blockers routed to helpers, helped, with no helper


@dataclass(frozen=True, slots=True)
class Report:
    """The report of the week of `this.monday` (the newest week that has ended on the
    community's clock), with the week before it to compare."""

    this: Week
    before: Week
    rates: tuple[WeekStats, ...]  # nine weeks, oldest first, ending with the report's week
    at_risk: tuple[AtRisk, ...]
    at_risk_before: int  # members who had missed two weeks a week earlier
    back: int  # of those, how many checked in since
    late: bool = False  # posted late: the bot was down at the scheduled time

    @property
    def rate(self) -> WeekStats:
        return self.rates[-1]


@dataclass(frozen=True, slots=True)
class Nudged:
    member: Member
    queued: bool  # False: they had this report week's nudge already
