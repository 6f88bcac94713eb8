"""Working-hours overlap between IANA time zones, over the real week of a round.

Each member is assumed free to meet from 09:00 to 21:00 on their own clock, every day. The
week is cut into 15-minute slots in UTC (15 minutes, because some zones are 30 or 45 minutes
off the hour), and a zone's slots come from converting each local day's window with zoneinfo,
so a daylight-saving switch inside the week, or one zone switching while the other does not,
is counted as it happens rather than guessed from a fixed offset.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SLOT = timedelta(minutes=15)
SLOTS = 7 * 24 * 4
DAY_START = time(9)
DAY_END = time(21)


def _monday_utc(week: date) -> datetime:
    """Monday 00:00 UTC of the ISO week that contains `week`."""
    monday = week - timedelta(days=week.weekday())
    return datetime.combine(monday, time(0), tzinfo=UTC)


@functools.lru_cache(maxsize=2048)
def availability(zone: str, week: date) -> int:
    """The slots of `week` (Monday 00:00 UTC onwards) inside the zone's 09:00-21:00, as the
    bits of an int: bit k is the k-th 15-minute slot."""
    tz = ZoneInfo(zone)
    start = _monday_utc(week)
    mask = 0
    # Local days from the Sunday before to the Monday after can reach into the UTC week.
    for offset in range(-1, 8):
        day = start.date() + timedelta(days=offset)
        begin = datetime.combine(day, DAY_START, tzinfo=tz).astimezone(UTC)
        end = datetime.combine(day, DAY_END, tzinfo=tz).astimezone(UTC)
        first = max(0, -((start - begin) // SLOT))  # rounded up: a slot must be fully inside
        last = min(SLOTS, (end - start) // SLOT)
        if first < last:
            mask |= ((1 << (last - first)) - 1) << first
    return mask


def shared_hours(zones: tuple[str, ...], week: date) -> float:
    """Hours of the week inside everyone's 09:00-21:00."""
    common = functools.reduce(lambda a, b: a & b, (availability(z, week) for z in zones))
    return common.bit_count() * SLOT / timedelta(hours=1)


def utc_offset_minutes(zone: str, week: date) -> int:
    """The zone's offset from UTC in the middle of the week, in minutes (for ordering only)."""
    middle = _monday_utc(week) + timedelta(days=3, hours=12)
    offset = middle.astimezone(ZoneInfo(zone)).utcoffset()
    return 0 if offset is None else int(offset.total_seconds() // 60)
