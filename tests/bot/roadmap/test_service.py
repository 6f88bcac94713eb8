"""Months of the journey, the plan of each month and where a member stands."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.loader import load_pack
from bot.content.model import ContentPack, Milestone
from bot.content.plan import OPEN_PHASE_MONTHS
from bot.members.model import Member
from bot.roadmap.model import MAX_MONTH
from bot.roadmap.service import (
    add_months,
    month_of_journey,
    month_plan,
    spread,
    standing,
)
from tests.bot.content.sample_pack import sample_files, write_pack

DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> ContentPack:
    return load_pack(write_pack(tmp_path_factory.mktemp("pack")))


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 11, 29), 3, date(2027, 2, 28)),
        (date(2026, 11, 29), 4, date(2027, 3, 29)),
        (date(2026, 12, 15), 13, date(2028, 1, 15)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 1, 10), -2, date(2025, 11, 10)),
    ],
)
def test_add_months_keeps_the_day_or_falls_back_to_the_last(
    start: date, months: int, expected: date
) -> None:
    assert add_months(start, months) == expected


@given(start=DATES, months=st.integers(min_value=0, max_value=60))
def test_each_month_of_the_journey_starts_on_the_same_day_of_the_month(
    start: date, months: int
) -> None:
    begins = add_months(start, months)
    assert month_of_journey(start, begins) == months + 1
    assert month_of_journey(start, add_months(start, months + 1) - timedelta(days=1)) == months + 1


@given(start=DATES, first=st.integers(0, 2000), second=st.integers(0, 2000))
def test_the_month_of_the_journey_never_goes_back(start: date, first: int, second: int) -> None:
    early, late = sorted((first, second))
    assert month_of_journey(start, start + timedelta(days=early)) <= month_of_journey(
        start, start + timedelta(days=late)
    )


def test_there_is_no_month_before_the_start_date() -> None:
    assert month_of_journey(date(2026, 12, 1), date(2026, 11, 30)) == 0
    assert month_of_journey(date(2026, 12, 1), date(2026, 12, 1)) == 1


@given(month=st.integers(min_value=1, max_value=60))
def test_every_month_belongs_to_exactly_the_phase_that_covers_it(
    pack: ContentPack, month: int
) -> None:
    plan = month_plan(pack, month)
    covering = [
        p
        for p in pack.phases
        if p.months.start <= month and (p.months.end is None or month <= p.months.end)
    ]
    assert covering == [plan.phase]
    assert plan.month_in_phase == month - plan.phase.months.start + 1
    if month >= 13:
        assert plan.phase.number == 5


def test_the_open_phase_is_planned_over_one_year_then_left_to_the_member(
    pack: ContentPack,
) -> None:
    final = pack.phases[-1]
    planned = [month_plan(pack, m) for m in range(13, 13 + OPEN_PHASE_MONTHS)]
    assert [m for plan in planned for m in plan.milestones] == list(final.milestones)
    after = month_plan(pack, 13 + OPEN_PHASE_MONTHS)
    assert after.beyond_plan
    assert after.milestones == ()
    assert 13 + OPEN_PHASE_MONTHS - 1 == MAX_MONTH


def _milestones(hours: list[int]) -> tuple[Milestone, ...]:
    return tuple(
        Milestone(id=f"m-{i}", title=f"Milestone {i}", done_when="Done.", hours=h)
        for i, h in enumerate(hours)
    )


@given(
    hours=st.lists(st.integers(min_value=1, max_value=200), min_size=1, max_size=20),
    months=st.integers(min_value=1, max_value=12),
)
def test_spreading_keeps_every_milestone_once_and_in_order(hours: list[int], months: int) -> None:
    milestones = _milestones(hours)
    buckets = spread(milestones, months)
    assert len(buckets) == months
    assert buckets[0], "the first month of a phase always has a milestone to start"
    assert [m for bucket in buckets for m in bucket] == list(milestones)


def test_spreading_follows_the_hours() -> None:
    milestones = _milestones([30, 10, 10, 10])
    assert [[m.hours for m in bucket] for bucket in spread(milestones, 2)] == [[30], [10, 10, 10]]
    assert [len(bucket) for bucket in spread(_milestones([10] * 9), 3)] == [3, 3, 3]


def test_a_month_without_a_new_milestone_names_the_one_still_under_way(
    tmp_path: Path,
) -> None:
    files = sample_files()
    files["phases.yaml"][0]["weekly_hours"] = 40
    milestones = files["phases.yaml"][0]["milestones"]
    milestones[0]["hours"] = 200
    pack = load_pack(write_pack(tmp_path, files))
    second = month_plan(pack, 2)
    assert second.milestones == ()
    assert second.carried is not None
    assert second.carried.id == "p1-milestone-1"


def _member(start: date, weekly_hours: int = 5, timezone: str = "UTC") -> Member:
    return Member(
        id=1,
        community_id=1,
        user_id="ada",
        display_name="ada",
        timezone=timezone,
        start_date=start,
        weekly_hours=weekly_hours,
        focus="",
        public=True,
        joined_at=datetime(2026, 1, 1, tzinfo=UTC),
        left_at=None,
    )


def test_a_member_stands_in_the_month_week_and_phase_of_their_start_date(
    pack: ContentPack,
) -> None:
    now = datetime(2026, 11, 29, 15, tzinfo=UTC)
    where = standing(pack, _member(date(2026, 7, 15)), now)
    assert (where.month, where.week) == (5, 20)
    assert where.plan is not None
    assert where.plan.phase.number == 2
    assert where.plan.month_in_phase == 2
    assert where.week_in_phase == 7  # phase 2 began on 2026-10-15


def test_before_the_start_date_there_is_no_plan_yet(pack: ContentPack) -> None:
    now = datetime(2026, 11, 29, 15, tzinfo=UTC)
    where = standing(pack, _member(date(2026, 12, 6)), now)
    assert (where.month, where.week, where.plan) == (0, 0, None)


def test_the_month_follows_the_members_own_calendar(pack: ContentPack) -> None:
    now = datetime(2026, 11, 29, 23, 30, tzinfo=UTC)  # already 30 November in Tokyo
    start = date(2026, 10, 30)
    assert standing(pack, _member(start, timezone="Asia/Tokyo"), now).month == 2
    assert standing(pack, _member(start, timezone="UTC"), now).month == 1
