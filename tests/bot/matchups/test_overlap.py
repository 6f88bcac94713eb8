"""Working-hours overlap from IANA zones, with daylight-saving switches as they happen."""

from __future__ import annotations

from datetime import date

import pytest

from bot.matchups.overlap import SLOTS, availability, shared_hours

JANUARY = date(2026, 1, 12)
MARCH_GAP = date(2026, 3, 16)  # the United States moved its clocks on 8 March, Europe on 29 March


@pytest.mark.parametrize(
    ("zones", "week", "hours"),
    [
        (("Europe/Berlin", "Europe/Berlin"), JANUARY, 84.0),
        (("Europe/Berlin", "America/New_York"), JANUARY, 42.0),
        (("Europe/Berlin", "America/New_York"), MARCH_GAP, 49.0),
        (("Asia/Kolkata", "Asia/Kathmandu"), JANUARY, 82.25),
        (("Europe/London", "Australia/Sydney"), JANUARY, 7.0),
        (("Europe/London", "Australia/Sydney"), date(2026, 7, 13), 21.0),
        (("Europe/London", "Asia/Tokyo"), JANUARY, 21.0),
        (("Europe/Berlin", "America/New_York", "America/Los_Angeles"), JANUARY, 21.0),
    ],
)
def test_shared_hours_follow_each_zones_own_clock(
    zones: tuple[str, ...], week: date, hours: float
) -> None:
    assert shared_hours(zones, week) == hours


def test_every_zone_has_its_twelve_hours_a_day_inside_the_week() -> None:
    for zone in ("UTC", "America/Los_Angeles", "Pacific/Auckland", "Asia/Kathmandu"):
        mask = availability(zone, JANUARY)
        assert mask.bit_count() == 7 * 12 * 4
        assert mask < 1 << SLOTS


def test_on_the_day_of_a_switch_the_window_moves_with_the_local_clock() -> None:
    # Europe/Berlin springs forward on Sunday 29 March 2026: 09:00 is 08:00 UTC on Saturday
    # and 07:00 UTC on Sunday.
    mask = availability("Europe/Berlin", date(2026, 3, 23))

    def free(day: int, utc_hour: int) -> bool:
        return bool(mask >> ((day * 24 + utc_hour) * 4) & 1)

    assert not free(5, 7)
    assert free(5, 8)
    assert free(6, 7)
    assert mask.bit_count() == 7 * 12 * 4
