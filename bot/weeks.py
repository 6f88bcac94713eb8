"""Weeks as Cohort counts them: ISO weeks, Monday to Sunday, on the member's own wall clock.

Shared by the check-ins, holidays, pauses, nudges and matchups features, so none of them
depends on another only for the calendar.

A week is named by its Monday. Its check-in stays open until Monday 12:00 of the week after
(the grace period), so a check-in sent before Monday noon counts for the week that just
ended and one sent from Monday noon counts for the new week. Only one week is ever open for a
member; every earlier week is closed and settled. The rules are in docs/accountability.md.

Wall-clock arithmetic is done on naive local times, so "Monday 12:00" means noon on the
member's clock on both sides of a DST switch and in zones with unusual offsets.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEK = timedelta(days=7)
GRACE = timedelta(hours=12)
"""How long into Monday the previous week stays open: until Monday 12:00, local."""
REMINDER_OPENS = timedelta(hours=6)
"""Reminders go out from Sunday 18:00 local: 6 hours into the open week's shifted Sunday."""
REMINDER_CLOSES = timedelta(hours=23)
"""... until Monday 11:00 local, an hour before the week closes."""


def week_start(day: date) -> date:
    """The Monday of the ISO week `day` is in."""
    return day - timedelta(days=day.weekday())


def week_key(week: date) -> str:
    """The ISO name of a week, like 2026-W48 (2026-W53 at the end of a long year)."""
    year, number, _ = week.isocalendar()
    return f"{year}-W{number:02d}"


def week_label(week: date) -> str:
    """A week's ISO name and its days, like 2026-W48 (23 Nov - 29 Nov)."""
    end = week + timedelta(days=6)
    return f"{week_key(week)} ({week:%d %b} - {end:%d %b})"


def local_time(now: datetime, timezone: str) -> datetime:
    """`now` as a naive wall-clock time in `timezone`."""
    return now.astimezone(ZoneInfo(timezone)).replace(tzinfo=None)


@functools.lru_cache(maxsize=1024)
def open_week(now: datetime, timezone: str) -> date:
    """The one week a check-in sent now counts for: until Monday noon, the week before.
    Cached: readers of a whole community ask it for every member, at one `now`, in a few
    zones."""
    return week_start((local_time(now, timezone) - GRACE).date())


def in_grace(now: datetime, timezone: str) -> bool:
    """Monday before noon, local: last week is still open and this one has not opened yet."""
    return open_week(now, timezone) != week_start(local_time(now, timezone).date())


def closes_at(week: date, timezone: str) -> datetime:
    """The UTC instant a week's check-ins close: Monday 12:00 local of the week after."""
    wall = datetime.combine(week + WEEK, time(0)) + GRACE
    return wall.replace(tzinfo=ZoneInfo(timezone)).astimezone(UTC)


def sunday(week: date) -> date:
    """The last day of a week; a pause that covers it covers the week."""
    return week + timedelta(days=6)


def reminder_due(now: datetime, timezone: str) -> bool:
    """Whether `now` falls in the window for reminding about the open week: from Sunday 18:00
    to Monday 11:00 on the member's clock."""
    shifted = local_time(now, timezone) - GRACE
    into_sunday = shifted - datetime.combine(sunday(week_start(shifted.date())), time(0))
    return REMINDER_OPENS <= into_sunday < REMINDER_CLOSES


def weeks_between(first: date, last: date) -> Iterator[date]:
    """Every week from `first` to `last`, both included (empty when `last` is earlier)."""
    week = first
    while week <= last:
        yield week
        week += WEEK
