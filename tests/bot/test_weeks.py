"""Week arithmetic: the open week, its close and the reminder window, in awkward time zones."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.weeks import (
    WEEK,
    closes_at,
    in_grace,
    open_week,
    reminder_due,
    week_key,
    week_start,
    weeks_between,
)

ZONES = [
    "UTC",
    "Europe/Berlin",
    "Pacific/Kiritimati",
    "America/St_Johns",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "Pacific/Chatham",
    "Pacific/Pago_Pago",
]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# zone, an instant in UTC, the week a check-in sent then counts for (its Monday).
OPEN_WEEKS = [
    # Europe/Berlin in winter (UTC+1): Monday noon is 11:00 UTC.
    ("Europe/Berlin", "2026-11-30T10:59", date(2026, 11, 23)),
    ("Europe/Berlin", "2026-11-30T11:00", date(2026, 11, 30)),
    ("Europe/Berlin", "2026-11-29T22:59", date(2026, 11, 23)),  # Sunday 23:59 local
    # Spring forward on Sunday 2026-03-29: the Monday after is on summer time (UTC+2).
    ("Europe/Berlin", "2026-03-29T01:30", date(2026, 3, 23)),  # 03:30, just after the switch
    ("Europe/Berlin", "2026-03-30T09:59", date(2026, 3, 23)),
    ("Europe/Berlin", "2026-03-30T10:00", date(2026, 3, 30)),
    # Fall back on Sunday 2026-10-25: the Monday after is on winter time (UTC+1).
    ("Europe/Berlin", "2026-10-25T00:30", date(2026, 10, 19)),  # 02:30, first pass
    ("Europe/Berlin", "2026-10-25T01:30", date(2026, 10, 19)),  # 02:30, second pass
    ("Europe/Berlin", "2026-10-26T10:59", date(2026, 10, 19)),
    ("Europe/Berlin", "2026-10-26T11:00", date(2026, 10, 26)),
    # Kiritimati is UTC+14: its Monday noon is Sunday 22:00 UTC.
    ("Pacific/Kiritimati", "2026-11-29T21:59", date(2026, 11, 23)),
    ("Pacific/Kiritimati", "2026-11-29T22:00", date(2026, 11, 30)),
    # St John's is UTC-3:30 in winter and UTC-2:30 in summer.
    ("America/St_Johns", "2026-11-30T15:29", date(2026, 11, 23)),
    ("America/St_Johns", "2026-11-30T15:30", date(2026, 11, 30)),
    ("America/St_Johns", "2026-07-06T14:29", date(2026, 6, 29)),
    ("America/St_Johns", "2026-07-06T14:30", date(2026, 7, 6)),
    # Lord Howe moves by half an hour: UTC+11 in summer (November), UTC+10:30 in winter.
    ("Australia/Lord_Howe", "2026-11-30T00:59", date(2026, 11, 23)),
    ("Australia/Lord_Howe", "2026-11-30T01:00", date(2026, 11, 30)),
    ("Australia/Lord_Howe", "2026-06-01T01:29", date(2026, 5, 25)),
    ("Australia/Lord_Howe", "2026-06-01T01:30", date(2026, 6, 1)),
    # ISO week 53: 2026 has one; Monday 2027-01-04 before noon still counts for it.
    ("Europe/Berlin", "2027-01-03T12:00", date(2026, 12, 28)),
    ("Europe/Berlin", "2027-01-04T10:59", date(2026, 12, 28)),
    ("Europe/Berlin", "2027-01-04T11:00", date(2027, 1, 4)),
]


@pytest.mark.parametrize(("zone", "instant", "expected"), OPEN_WEEKS)
def test_a_check_in_counts_for_the_week_open_on_the_members_clock(
    zone: str, instant: str, expected: date
) -> None:
    assert open_week(utc(instant), zone) == expected


@pytest.mark.parametrize(
    ("zone", "week", "closes"),
    [
        ("Europe/Berlin", date(2026, 3, 23), "2026-03-30T10:00"),  # summer time by then
        ("Europe/Berlin", date(2026, 10, 19), "2026-10-26T11:00"),  # winter time by then
        ("Pacific/Kiritimati", date(2026, 11, 23), "2026-11-29T22:00"),
        ("America/St_Johns", date(2026, 11, 23), "2026-11-30T15:30"),
        ("Australia/Lord_Howe", date(2026, 9, 28), "2026-10-05T01:00"),  # after its switch
        ("Europe/Berlin", date(2026, 12, 28), "2027-01-04T11:00"),
    ],
)
def test_a_week_closes_at_monday_noon_local_after_it(zone: str, week: date, closes: str) -> None:
    assert closes_at(week, zone) == utc(closes)


@pytest.mark.parametrize(
    ("week", "key"),
    [
        (date(2026, 11, 23), "2026-W48"),
        (date(2026, 12, 28), "2026-W53"),
        (date(2027, 1, 4), "2027-W01"),
        (date(2020, 12, 28), "2020-W53"),
        (date(2024, 12, 30), "2025-W01"),  # a Monday in December that starts next year's week 1
    ],
)
def test_weeks_are_named_by_their_iso_year_and_number(week: date, key: str) -> None:
    assert week_key(week) == key


@pytest.mark.parametrize(
    ("zone", "instant", "due"),
    [
        ("Europe/Berlin", "2026-11-29T16:59", False),  # Sunday 17:59
        ("Europe/Berlin", "2026-11-29T17:00", True),  # Sunday 18:00
        ("Europe/Berlin", "2026-11-30T09:59", True),  # Monday 10:59
        ("Europe/Berlin", "2026-11-30T10:00", False),  # Monday 11:00
        ("Europe/Berlin", "2026-11-27T17:00", False),  # Friday
        ("Europe/Berlin", "2026-03-29T15:59", False),  # spring-forward Sunday 17:59 CEST
        ("Europe/Berlin", "2026-03-29T16:00", True),
        ("Europe/Berlin", "2026-10-25T17:00", True),  # fall-back Sunday 18:00 CET
        ("Pacific/Kiritimati", "2026-11-29T04:00", True),  # Sunday 18:00 at UTC+14
        ("Pacific/Kiritimati", "2026-11-29T03:59", False),
        ("America/St_Johns", "2026-11-29T21:30", True),  # Sunday 18:00 at UTC-3:30
        ("America/St_Johns", "2026-11-30T14:29", True),  # Monday 10:59
        ("America/St_Johns", "2026-11-30T14:30", False),
        ("Australia/Lord_Howe", "2026-11-29T07:00", True),  # Sunday 18:00 at UTC+11
        ("Australia/Lord_Howe", "2026-11-29T06:59", False),
    ],
)
def test_reminders_are_due_from_sunday_evening_until_an_hour_before_the_close(
    zone: str, instant: str, due: bool
) -> None:
    assert reminder_due(utc(instant), zone) is due


def test_the_grace_period_is_monday_morning_only() -> None:
    assert in_grace(utc("2026-11-30T10:59"), "Europe/Berlin")
    assert not in_grace(utc("2026-11-30T11:00"), "Europe/Berlin")
    assert not in_grace(utc("2026-11-29T22:59"), "Europe/Berlin")


def test_weeks_between_includes_both_ends_and_is_empty_when_reversed() -> None:
    first = date(2026, 12, 21)
    assert list(weeks_between(first, date(2027, 1, 4))) == [
        first,
        date(2026, 12, 28),
        date(2027, 1, 4),
    ]
    assert list(weeks_between(first, first - WEEK)) == []


INSTANTS = st.datetimes(
    min_value=datetime(2000, 1, 1),  # noqa: DTZ001 - Hypothesis bounds are naive; zones given
    max_value=datetime(2040, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)


@given(now=INSTANTS, zone=st.sampled_from(ZONES))
def test_the_open_week_is_the_first_one_that_has_not_closed(now: datetime, zone: str) -> None:
    week = open_week(now, zone)
    assert week.weekday() == 0
    assert closes_at(week - WEEK, zone) <= now < closes_at(week, zone)


@given(now=INSTANTS, zone=st.sampled_from(ZONES))
def test_the_open_week_is_this_week_or_in_the_grace_period_the_last_one(
    now: datetime, zone: str
) -> None:
    this_week = week_start(now.astimezone(ZoneInfo(zone)).date())
    expected = this_week - WEEK if in_grace(now, zone) else this_week
    assert open_week(now, zone) == expected


@given(day=st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)))
def test_a_weeks_key_names_its_monday(day: date) -> None:
    week = week_start(day)
    year, number = week_key(week).split("-W")
    assert date.fromisocalendar(int(year), int(number), 1) == week
    assert week <= day < week + timedelta(days=7)
