"""Classes: a member's class is the month of their start date on their own calendar, and
`classmates` shows its size, who is active, its median phase and its streak leaderboard."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.app import Cohort
from bot.classes.model import class_month, class_name
from bot.clock import ManualClock
from bot.roadmap.service import RoadmapService, standing
from tests.support import COMMUNITY, member_of, ok


def test_a_class_is_named_after_its_month_and_never_called_a_cohort() -> None:
    assert class_name(date(2026, 12, 1)) == "Class of December 2026"
    assert "cohort" not in class_name(date(2027, 1, 1)).lower()


async def test_the_start_month_is_the_members_own(cohort: Cohort, clock: ManualClock) -> None:
    # 12:00 UTC on 30 November is already 1 December in Auckland.
    clock.set(datetime(2026, 11, 30, 12, 0, tzinfo=UTC))
    await ok(cohort, "join timezone:Pacific/Auckland", "kiri")
    await ok(cohort, "join timezone:UTC", "ada")
    assert class_month(await member_of(cohort, "kiri")) == date(2026, 12, 1)
    assert class_month(await member_of(cohort, "ada")) == date(2026, 11, 1)
    shown = await ok(cohort, "classmates", "kiri")
    assert shown.title == "Class of December 2026"
    assert "1 member, 0 active" in shown.body
    # Changing the start date moves the member to that month's class.
    await ok(cohort, "profile set start:2026-11-20", "kiri")
    assert (await ok(cohort, "classmates", "kiri")).title == "Class of November 2026"


async def test_classmates_counts_the_active_the_median_phase_and_ranks_streaks(
    cohort: Cohort,
) -> None:
    for user, start in (
        ("ada", "2026-09-02"),
        ("bob", "2026-09-20"),
        ("cy", "2026-09-28"),
        ("dee", "2026-09-10"),
        ("eve", "2026-10-05"),
    ):
        await ok(cohort, f"join timezone:UTC start:{start}", user)
    await ok(cohort, "profile set public:false", "cy")
    for user in ("ada", "bob", "cy", "eve"):
        await ok(cohort, "checkin hours:3 done:reading", user)
    shown = await ok(cohort, "classmates", "ada")
    assert shown.title == "Class of September 2026"
    fields = {f.name: f.value for f in shown.fields}
    assert fields["Members"] == "4"  # eve started in October: another class
    assert fields["Active"] == "3"  # dee never checked in
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    pack = cohort.services.get(RoadmapService).pack(community)
    plan = standing(pack, await member_of(cohort, "bob"), cohort.clock.now()).plan
    assert plan is not None
    assert fields["Median phase"] == f"{plan.phase.number}. {plan.phase.title}"
    # cy is hidden from leaderboards; dee has no streak.
    assert shown.items == ("**1.** ada: 1 week", "**1.** bob: 1 week")
    hidden = await ok(cohort, "classmates", "cy")
    assert "only you see your rank" in hidden.body
    assert "**#1** in your class" in hidden.body
    other = await ok(cohort, "classmates", "eve")
    assert other.title == "Class of October 2026"
    assert {f.name: f.value for f in other.fields}["Members"] == "1"


async def test_a_class_nobody_started_yet_has_no_median_phase(cohort: Cohort) -> None:
    await ok(cohort, "join timezone:UTC start:2027-01-15", "ada")
    shown = await ok(cohort, "classmates", "ada")
    assert shown.title == "Class of January 2027"
    assert {f.name: f.value for f in shown.fields}["Median phase"] == "not started"
    assert shown.items == ("Nobody in the class has a streak yet.",)
