"""When schedules fire: a schedule's cron trigger in a community's time zone, its fire times
(daylight saving's gaps and folds included) and the local wall-time key of an occurrence."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from bot.communities.model import WEEKDAYS, Schedule


@functools.lru_cache(maxsize=1024)
def trigger(schedule: Schedule, timezone: str) -> CronTrigger:
    """The schedule's cron trigger; cached, since every tick asks for each community's."""
    zone = ZoneInfo(timezone)
    if schedule.cron:
        return CronTrigger.from_crontab(schedule.cron, timezone=zone)
    hour, minute = schedule.local_time.split(":")
    return CronTrigger(
        day_of_week=WEEKDAYS[schedule.weekday], hour=int(hour), minute=int(minute), timezone=zone
    )


def occurrences_between(
    schedule: Schedule, timezone: str, start: datetime, end: datetime, limit: int = 500
) -> list[datetime]:
    """Fire times t with start < t <= end, in UTC, oldest first (at most `limit`, the newest)."""
    found: list[datetime] = []
    cursor = start
    while (fire := fire_after(schedule, timezone, cursor)) is not None and fire <= end:
        found.append(fire)
        if len(found) > limit:
            found.pop(0)
        cursor = fire
    return found


@functools.lru_cache(maxsize=65536)
def fire_after(schedule: Schedule, timezone: str, after: datetime) -> datetime | None:
    """`next_fire` of the schedule's trigger, cached: between two of its occurrences every tick
    asks for the one after the last settled, and CronTrigger takes a fifth of a millisecond."""
    return next_fire(trigger(schedule, timezone), after)


def next_fire(cron: CronTrigger, after: datetime) -> datetime | None:
    """The first fire time strictly after `after`, in UTC.

    CronTrigger can return the second instant of a fall-back fold again and again when asked
    for the time after it; stepping the cursor past the fold gets it moving forward."""
    cursor = after + timedelta(microseconds=1)
    for _ in range(8):
        found: datetime | None = cron.get_next_fire_time(None, cursor)
        if found is None:
            return None
        fire = found.astimezone(UTC)
        if fire > after:
            return fire
        cursor += timedelta(minutes=30)
    return None


def local_key(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")
