"""A weekly check-in as the core sees it, and what a member sends to make or change one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


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


@dataclass(frozen=True, slots=True)
class Entry:
    """The answers of one check-in submission; None (or empty) leaves an answer as it was."""

    done: str | None = None
    hours: int | None = None
    next_steps: str | None = None
    blockers: str | None = None
    milestone_ids: tuple[str, ...] = ()
    confidence: int | None = None

    def is_empty(self) -> bool:
        return self == Entry()
