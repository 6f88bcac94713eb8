"""Holiday weeks: organizers only, settled weeks stay settled, and streaks keep through them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import Cohort
from bot.clock import ManualClock
from bot.replies import Reply, Tone
from tests.support import caller, reply

WEEK = timedelta(days=7)


async def _run(cohort: Cohort, line: str, user: str = "org") -> Reply:
    return reply(await cohort.dispatcher.run_line(caller(user, admin=user == "org"), line))


async def test_only_organizers_declare_holidays(cohort: Cohort) -> None:
    answer = await _run(cohort, "holiday add 2026-12-21", "ada")
    assert "Only organizers can run `holiday add`" in answer.body


async def test_holidays_are_declared_listed_and_withdrawn_by_the_week(cohort: Cohort) -> None:
    declared = await _run(cohort, "holiday add 2026-12-23")
    assert "2026-W52 (21 Dec - 27 Dec) is a holiday week" in declared.body
    again = await _run(cohort, "holiday add week:2026-12-27")
    assert "was already a holiday week" in again.body
    listing = await _run(cohort, "holiday")
    assert listing.items == ("2026-W52 (21 Dec - 27 Dec)",)
    assert (await _run(cohort, "holiday remove 2026-12-21")).tone is Tone.SUCCESS
    assert "not a holiday week" in (await _run(cohort, "holiday remove 2026-12-21")).body
    assert "No holiday weeks ahead" in (await _run(cohort, "holiday list")).body


async def test_a_week_that_closed_anywhere_cannot_become_a_holiday(
    cohort: Cohort, clock: ManualClock
) -> None:
    open_everywhere = await _run(cohort, "holiday add 2026-11-23")  # Sunday 15:00 UTC
    assert open_everywhere.tone is Tone.SUCCESS
    clock.set(datetime(2026, 11, 29, 22, 0, tzinfo=UTC))  # Monday noon at UTC+14
    closed = await _run(cohort, "holiday remove 2026-11-23")
    assert "have closed somewhere already" in closed.body
    assert "at most 52 weeks" in (await _run(cohort, "holiday add 2028-01-10")).body


async def test_a_holiday_week_keeps_the_streak_and_the_freezes(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _run(cohort, "join timezone:Europe/Berlin", "ada")
    await _run(cohort, "holiday add 2026-12-02")
    await _run(cohort, "checkin hours:3 done:x", "ada")
    clock.advance(2 * WEEK)  # W49 is the holiday
    answer = await _run(cohort, "checkin hours:3 done:x", "ada")
    assert [f.value for f in answer.fields[:2]] == ["2 weeks", "2 weeks"]
