"""Working hours as slots of a real week, so two members' overlap counts daylight saving.

The week (Monday 00:00 UTC of the round's ISO week, seven days) is cut into 15-minute slots;
a member's window is converted from their own zone day by day with zoneinfo and kept as the
bits of an int. Overlap is the popcount of two masks, averaged over the seven days. The same
idea as :mod:`bot.matchups.overlap`, with each member's own window instead of 09:00-21:00.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.helpers.model import WorkingHours

SLOT = timedelta(minutes=15)
SLOTS = 7 * 24 * 4
SLOTS_PER_HOUR = 4


def _monday_utc(day: date) -> datetime:
    monday = day - timedelta(days=day.weekday())
    return datetime.combine(monday, time(0), tzinfo=UTC)


@functools.lru_cache(maxsize=4096)
def week_mask(hours: WorkingHours, day: date) -> int:
    """The 15-minute slots of `day`'s ISO week (from Monday 00:00 UTC) inside the window; an
    unknown zone has no slots (it overlaps nobody rather than failing the round)."""
    try:
        tz = ZoneInfo(hours.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return 0
    start = _monday_utc(day)
    mask = 0
    for offset in range(-1, 8):  # local days from the Sunday before can reach into the week
        local = start.date() + timedelta(days=offset)
        begin = datetime.combine(local, hours.start, tzinfo=tz).astimezone(UTC)
        end_day = local if hours.end > hours.start else local + timedelta(days=1)
        end = datetime.combine(end_day, hours.end, tzinfo=tz).astimezone(UTC)
        first = max(0, -((start - begin) // SLOT))  # rounded up: a slot must be fully inside
        last = min(SLOTS, (end - start) // SLOT)
        if first < last:
            mask |= ((1 << (last - first)) - 1) << first
    return mask


def overlap_hours(a: WorkingHours | None, b: WorkingHours | None, day: date) -> float:
    """Hours a day, on average over `day`'s week, that both windows share (0 when either
    member gave none)."""
    if a is None or b is None:
        return 0.0
    shared = (week_mask(a, day) & week_mask(b, day)).bit_count()
    return shared / SLOTS_PER_HOUR / 7
