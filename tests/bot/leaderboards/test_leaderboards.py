"""Leaderboards on a real database: boards, periods, ties, hidden and departed members."""

from __future__ import annotations

from datetime import timedelta

from bot.app import Cohort
from bot.clock import ManualClock
from tests.support import ok

WEEK = timedelta(days=7)


async def _week(cohort: Cohort, hours: dict[str, int]) -> None:
    for user, spent in hours.items():
        await ok(cohort, f"checkin hours:{spent} done:x", user)


async def test_boards_rank_by_streak_hours_and_milestones_with_shared_ranks(
    cohort: Cohort, clock: ManualClock
) -> None:
    for user in ("ada", "bob", "cy", "dee"):
        await ok(cohort, "join timezone:UTC", user)
    await _week(cohort, {"ada": 5, "bob": 9, "cy": 5})
    clock.advance(WEEK)
    await _week(cohort, {"ada": 2, "bob": 1})
    await ok(cohort, "done git-daily", "cy")
    streak = await ok(cohort, "leaderboard")
    assert streak.items == ("**1.** ada: 2 weeks", "**1.** bob: 2 weeks", "**3.** cy: 1 week")
    assert "You: **#1** with 2 weeks." in streak.body
    hours = await ok(cohort, "leaderboard hours", "cy")
    assert hours.items == ("**1.** bob: 10 h", "**2.** ada: 7 h", "**3.** cy: 5 h")
    this_week = await ok(cohort, "leaderboard hours period:week", "cy")
    assert this_week.items == ("**1.** ada: 2 h", "**2.** bob: 1 h")
    assert "You: nothing yet on this board (0 h)." in this_week.body
    milestones = await ok(cohort, "leaderboard milestones period:month", "dee")
    assert milestones.items == ("**1.** cy: 1 milestone",)


async def test_hidden_and_departed_members_stay_off_the_board(cohort: Cohort) -> None:
    for user in ("ada", "bob", "cy"):
        await ok(cohort, "join", user)
        await ok(cohort, "checkin hours:3 done:x", user)
    await ok(cohort, "profile set public:false", "bob")
    await ok(cohort, "leave", "cy")
    seen_by_ada = await ok(cohort, "leaderboard hours")
    assert seen_by_ada.items == ("**1.** ada: 3 h",)
    seen_by_bob = await ok(cohort, "leaderboard hours", "bob")
    assert seen_by_bob.items == ("**1.** ada: 3 h",)
    assert "You: **#1** with 3 h." in seen_by_bob.body
    assert "You are hidden from leaderboards" in seen_by_bob.body
    stranger = await ok(cohort, "leaderboard", "zed")
    assert "Join with `join`" in stranger.body


async def test_the_board_shows_ten_and_the_callers_own_rank(cohort: Cohort) -> None:
    for number in range(12):
        user = f"m{number:02d}"
        await ok(cohort, "join", user)
        await ok(cohort, f"checkin hours:{number + 1} done:x", user)
    answer = await ok(cohort, "leaderboard hours", "m00")
    assert len(answer.items) == 10
    assert answer.items[0] == "**1.** m11: 12 h"
    assert "You: **#12** with 1 h." in answer.body


async def test_streaks_rank_as_of_today_kept_by_holidays_and_broken_by_missed_weeks(
    cohort: Cohort, clock: ManualClock
) -> None:
    for user in ("ada", "bob", "cy"):
        await ok(cohort, "join timezone:UTC", user)
    await _week(cohort, {"ada": 1, "bob": 1})  # 2026-W48
    await ok(cohort, "holiday add 2026-12-02", "org", admin=True)  # W49
    clock.advance(2 * WEEK)  # W49 closed as a holiday, W50 open
    kept = await ok(cohort, "leaderboard")
    assert kept.items == ("**1.** ada: 1 week", "**1.** bob: 1 week")
    await _week(cohort, {"cy": 1})  # W50
    clock.advance(WEEK)  # W50 closed without ada's or bob's check-in: theirs break
    broken = await ok(cohort, "leaderboard", "ada")
    assert broken.items == ("**1.** cy: 1 week",)
    assert "You: nothing yet on this board (0 weeks)." in broken.body
