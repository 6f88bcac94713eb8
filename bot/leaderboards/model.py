"""What a leaderboard answers with: the boards, the periods and who stands where."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from bot.members.model import Member


class Board(StrEnum):
    STREAK = "streak"
    HOURS = "hours"
    MILESTONES = "milestones"


class Period(StrEnum):
    WEEK = "week"
    MONTH = "month"
    ALL = "all"


@dataclass(frozen=True, slots=True)
class Standing:
    rank: int
    member: Member
    score: int


@dataclass(frozen=True, slots=True)
class Leaderboard:
    board: Board
    period: Period
    since: date | None  # the first week counted; None for all time
    top: list[Standing]
    caller: Standing | None  # None when the caller has not joined
    caller_hidden: bool
