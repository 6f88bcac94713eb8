"""A weekly check-in as the core sees it, what a member sends to make or change one, and what
the check-in answers with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.checkins.streaks import Streak
from bot.content.model import ContentPack, Milestone
from bot.members.model import Member
from bot.milestones.model import MoveOn


@dataclass(frozen=True, slots=True)
class Checkin:
    member_id: int
    week: date  # the Monday of the member-local ISO week
    done: str
    hours: int
    next_steps: str
    blockers: str
    milestone_ids: tuple[str, ...]
    confidence: int | None
    created_at: datetime
    updated_at: datetime
    blocker_subject: str = ""  # `m:<milestone>` or `t:<topic>` as picked; "" to match words


@dataclass(frozen=True, slots=True)
class Entry:
    """The answers of one check-in submission; None (or empty) leaves an answer as it was."""

    done: str | None = None
    hours: int | None = None
    next_steps: str | None = None
    blockers: str | None = None
    milestone_ids: tuple[str, ...] = ()
    confidence: int | None = None
    blocker_subject: str | None = None  # "" clears the pick: match from the words

    def is_empty(self) -> bool:
        return self == Entry()


@dataclass(frozen=True, slots=True)
class Cached:
    """A member's kept totals: the streak as judged through a week (their newest check-in week
    or a later closed one), and how many check-ins they sent, with how many hours."""

    through: date
    streak: Streak
    checkins: int
    hours: int
    last_week: date  # the newest check-in week


@dataclass(frozen=True, slots=True)
class Draft:
    """What the check-in form needs: the questions, the week, and this week's answers."""

    pack: ContentPack
    week: date
    grace: bool
    existing: Checkin | None
    subjects: tuple[tuple[str, str], ...] = ()
    """(value, title) of what the member may say the blocker is about, most relevant first."""


@dataclass(frozen=True, slots=True)
class Saved:
    member: Member
    checkin: Checkin
    created: bool  # False when it updated this week's check-in
    grace: bool  # sent in the grace period, for the week that just ended
    streak: Streak
    earned_freeze: bool
    completed: tuple[Milestone, ...]  # milestones this check-in completed for the first time
    move_on: MoveOn | None
