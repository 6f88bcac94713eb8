"""Pausing: limits, a kept streak, resuming early or by itself, and the service other
features ask whether a member is away."""

from __future__ import annotations

from datetime import date, timedelta

from bot.app import Cohort
from bot.clock import ManualClock
from bot.pauses import store
from bot.pauses.model import Pause
from tests.support import caller, ok, run

WEEK = timedelta(days=7)


async def _field(cohort: Cohort, line: str, name: str) -> str:
    answer = await ok(cohort, line)
    return next(f.value for f in answer.fields if f.name == name)


async def _member_id(cohort: Cohort) -> int:
    community = await cohort.communities.resolve(caller().member.community, cohort.clock.now())
    member = await cohort.members.require(community.id, "ada")
    return member.id


async def test_a_pause_lasts_between_one_and_twenty_six_weeks(cohort: Cohort) -> None:
    await ok(cohort, "join timezone:Europe/Berlin")
    too_short = await run(cohort, "pause until:2026-12-05")
    assert "no earlier than 2026-12-06" in too_short.body
    too_long = await run(cohort, "pause until:2027-06-01")
    assert "no later than 2027-05-30" in too_long.body
    assert "You are not paused" in (await run(cohort, "resume")).body
    paused = await ok(cohort, "pause until:2026-12-14")
    assert "Until Monday 2026-12-14" in paused.body


async def test_paused_weeks_keep_the_streak_without_spending_a_freeze(
    cohort: Cohort, clock: ManualClock
) -> None:
    await ok(cohort, "join timezone:Europe/Berlin")
    await ok(cohort, "checkin hours:3 done:x")
    await ok(cohort, "pause until:2026-12-21")  # covers the Sundays of W49 and W50
    clock.advance(3 * WEEK)
    assert await _field(cohort, "checkin hours:3 done:back", "Streak") == "2 weeks"


async def test_resuming_early_makes_the_next_week_count_again(
    cohort: Cohort, clock: ManualClock
) -> None:
    await ok(cohort, "join timezone:Europe/Berlin")
    await ok(cohort, "checkin hours:3 done:x")
    await ok(cohort, "pause until:2026-12-21")
    clock.advance(timedelta(days=2))
    await ok(cohort, "resume")
    clock.advance(3 * WEEK)  # W49 and W50 now need check-ins, and there were none
    assert await _field(cohort, "checkin hours:3 done:late", "Streak") == "1 week"


async def _paused_on(cohort: Cohort, member_id: int, day: date) -> bool:
    async with cohort.db.read() as conn:
        return any(p.covers(day) for p in await store.of_member(conn, member_id))


async def test_other_features_can_ask_who_is_paused_on_a_date(cohort: Cohort) -> None:
    await ok(cohort, "join timezone:Europe/Berlin")
    await ok(cohort, "pause until:2026-12-14")
    member_id = await _member_id(cohort)
    community = await cohort.communities.resolve(caller().member.community, cohort.clock.now())
    assert await _paused_on(cohort, member_id, date(2026, 11, 29))
    assert await _paused_on(cohort, member_id, date(2026, 12, 13))
    assert not await _paused_on(cohort, member_id, date(2026, 12, 14))  # back by itself
    async with cohort.db.read() as conn:
        everyone = await store.of_community(conn, community.id, date(2026, 12, 1))
    assert everyone == {member_id: (Pause(date(2026, 11, 29), date(2026, 12, 14)),)}


async def test_pausing_again_moves_the_end_of_the_pause(cohort: Cohort) -> None:
    await ok(cohort, "join timezone:Europe/Berlin")
    await ok(cohort, "pause until:2026-12-14")
    await ok(cohort, "pause until:2027-01-04")
    member_id = await _member_id(cohort)
    assert await _paused_on(cohort, member_id, date(2027, 1, 3))
    assert not await _paused_on(cohort, member_id, date(2027, 1, 4))
