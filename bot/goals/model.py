"""A member's goal as the core sees it, and a member's goals as `goal list` shows them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Goal:
    id: int
    member_id: int
    number: int  # what the member calls it: goal 1, goal 2, ...
    text: str
    due_on: date | None
    created_at: datetime
    done_at: datetime | None


@dataclass(frozen=True, slots=True)
class Goals:
    today: date
    open: list[Goal]
    done: list[Goal]
