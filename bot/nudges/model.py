"""A check-in reminder as the core sees it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.checkins.streaks import Streak
from bot.members.model import Member


@dataclass(frozen=True, slots=True)
class Reminder:
    member: Member
    week: date
    streak: Streak
