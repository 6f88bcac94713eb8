"""A member of a community as the core sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    community_id: int
    user_id: str
    display_name: str
    timezone: str
    start_date: date
    weekly_hours: int
    focus: str
    public: bool
    joined_at: datetime
    left_at: datetime | None
    nudges: bool = True  # reminders by direct message; `nudges off` stops them

    @property
    def active(self) -> bool:
        return self.left_at is None

    def today(self, now: datetime) -> date:
        """The calendar date where the member lives."""
        return now.astimezone(ZoneInfo(self.timezone)).date()

    def week_of_journey(self, now: datetime) -> int:
        """1 in the first seven days after the start date; 0 before it starts."""
        days = (self.today(now) - self.start_date).days
        return days // 7 + 1 if days >= 0 else 0


@dataclass(frozen=True, slots=True)
class Profile:
    """What a member chooses about their journey: every value of it, for a write."""

    timezone: str
    start_date: date
    weekly_hours: int
    focus: str
    public: bool


@dataclass(frozen=True, slots=True)
class Joined:
    """The current membership: the name the platform gave and when it began."""

    display_name: str
    joined_at: datetime
