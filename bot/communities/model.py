"""The community as the core sees it, and the purposes its channels and schedules serve."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.identity import CommunityRef


class Purpose(StrEnum):
    """What a channel is for; each purpose has one channel and one weekly schedule."""

    CHALLENGES = "challenges"
    DIGEST = "digest"
    CHECKINS = "checkins"
    MATCHUPS = "matchups"
    REPORTS = "reports"  # the organizers' channel: the weekly report, never a public channel


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# When an organizer has not chosen yet: spread over the week so posts never pile up.
DEFAULT_SCHEDULES: dict[Purpose, tuple[int, str]] = {
    Purpose.CHALLENGES: (0, "09:00"),
    Purpose.DIGEST: (4, "16:00"),
    Purpose.CHECKINS: (6, "17:00"),
    Purpose.MATCHUPS: (1, "10:00"),
    Purpose.REPORTS: (0, "08:00"),
}


@dataclass(frozen=True, slots=True)
class Schedule:
    purpose: Purpose
    weekday: int  # 0 = Monday
    local_time: str  # HH:MM
    enabled: bool = True
    cron: str | None = None  # a crontab line that replaces weekday and time when set


@dataclass(frozen=True, slots=True)
class Community:
    id: int
    ref: CommunityRef
    timezone: str
    content_dir: str | None
    created_at: datetime
    challenge_track: str  # "auto" (members' busiest phase), "all" in rotation, or a phase
    channels: dict[Purpose, str]
    schedules: dict[Purpose, Schedule]
    paused_at: datetime | None = None  # the platform took Cohort out: nothing is scheduled

    def schedule(self, purpose: Purpose) -> Schedule:
        """The organizer's schedule for a purpose, or the default one."""
        if purpose in self.schedules:
            return self.schedules[purpose]
        weekday, local_time = DEFAULT_SCHEDULES[purpose]
        return Schedule(purpose, weekday, local_time)
