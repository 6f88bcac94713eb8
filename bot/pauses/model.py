"""A member's pause as the core sees it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Pause:
    """A member's pause: from `starts_on` until the day before `ends_on`, on their clock."""

    starts_on: date
    ends_on: date

    def covers(self, day: date) -> bool:
        return self.starts_on <= day < self.ends_on


@dataclass(frozen=True, slots=True)
class Paused:
    """A pause with when the member asked for it."""

    pause: Pause
    created_at: datetime
