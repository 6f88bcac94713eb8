"""Working-hours overlap: real zones, windows past midnight, daylight saving, missing hours."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.helpers.hours import overlap_hours
from bot.helpers.model import WorkingHours

WINTER = date(2026, 12, 2)
BETWEEN_SWITCHES = date(2026, 3, 18)  # New York is on summer time, Berlin not yet


def hours(zone: str, start: int, end: int) -> WorkingHours:
    return WorkingHours(zone, time(start), time(end))


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        (hours("Europe/Berlin", 9, 21), hours("Europe/Paris", 9, 21), 12.0),
        (hours("Europe/Berlin", 9, 17), hours("Europe/London", 9, 17), 7.0),
        (hours("Asia/Tokyo", 9, 21), hours("America/New_York", 9, 21), 2.0),
        (hours("UTC", 22, 2), hours("UTC", 1, 5), 1.0),  # a window past midnight
        (hours("UTC", 8, 8), hours("Asia/Kolkata", 9, 10), 1.0),  # equal ends: all day
        (hours("Europe/Berlin", 9, 17), hours("Australia/Sydney", 9, 17), 0.0),
    ],
)
def test_overlap_is_the_hours_a_day_both_windows_share(
    a: WorkingHours, b: WorkingHours, expected: float
) -> None:
    assert overlap_hours(a, b, WINTER) == pytest.approx(expected)
    assert overlap_hours(b, a, WINTER) == pytest.approx(expected)


def test_overlap_follows_daylight_saving_in_the_real_week() -> None:
    berlin, new_york = hours("Europe/Berlin", 9, 17), hours("America/New_York", 9, 17)
    assert overlap_hours(berlin, new_york, WINTER) == pytest.approx(2.0)
    assert overlap_hours(berlin, new_york, BETWEEN_SWITCHES) == pytest.approx(3.0)


def test_missing_hours_or_an_unknown_zone_overlap_nobody() -> None:
    berlin = hours("Europe/Berlin", 9, 21)
    assert overlap_hours(None, berlin, WINTER) == 0.0
    assert overlap_hours(berlin, None, WINTER) == 0.0
    assert overlap_hours(hours("Mars/Olympus", 9, 21), berlin, WINTER) == 0.0
