"""What a class is and what `classmates` shows of it.

A member's class is the calendar month of their start date. The start date is a date on the
member's own calendar (their time zone's today when they joined, or the date they chose with
`profile set start:`), so the class follows the member's clock: someone in Auckland who
starts on their 1 January is in the Class of January even while it is still December in
the community's zone. Changing the start date moves the member to that month's class.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.content.model import Phase
from bot.leaderboards.model import Standing
from bot.members.model import Member


def class_month(member: Member) -> date:
    """The first day of the member's start month: the class they belong to."""
    return member.start_date.replace(day=1)


def class_index(member: Member) -> int:
    """The class as a count of months (year * 12 + month), for arithmetic and comparison."""
    return member.start_date.year * 12 + member.start_date.month - 1


def class_name(month: date) -> str:
    """Like "Class of December 2026" (never "cohort": that is the bot's name)."""
    return f"Class of {month:%B %Y}"


@dataclass(frozen=True, slots=True)
class Classmates:
    """A member's class as `classmates` shows it."""

    month: date
    size: int  # active members whose start date falls in the month
    active: int  # of them, who checked in for the open week or the one before
    median_phase: Phase | None  # None while nobody of the class has started yet
    started: int  # members of the class past their start date
    top: list[Standing]  # the class's leaderboard by streak, public members only
    caller: Standing | None
    caller_hidden: bool
