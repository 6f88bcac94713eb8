"""The check-in through the dispatcher on a real database: the form, saving and updating, the
grace period, streaks over weeks, and bad input."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from bot.app import Cohort
from bot.clock import ManualClock
from bot.replies import Form, Reply, Tone
from bot.storage.tables import checkins, milestone_completions
from tests.support import caller, ok, run

DAY = timedelta(days=1)
WEEK = timedelta(days=7)


async def _error(cohort: Cohort, line: str, user: str = "ada") -> str:
    answer = await run(cohort, line, user)
    assert answer.tone is Tone.ERROR, answer
    return answer.body


async def _rows(cohort: Cohort) -> list[tuple[object, ...]]:
    async with cohort.db.read() as conn:
        query = sa.select(checkins.c.week_start, checkins.c.hours, checkins.c.done)
        return [tuple(r) for r in await conn.execute(query.order_by(checkins.c.week_start))]


def _field(answer: Reply, name: str) -> str:
    return next(f.value for f in answer.fields if f.name == name)


async def test_checkin_alone_asks_the_packs_questions_as_a_form(cohort: Cohort) -> None:
    await ok(cohort, "join timezone:Europe/Berlin")
    form = await cohort.dispatcher.run_line(caller(), "checkin")
    assert isinstance(form, Form)
    assert form.command == ("checkin",)
    assert [f.name for f in form.fields] == [
        "done",
        "hours",
        "next",
        "blockers",
        "about",
        "milestones",
        "confidence",
    ]
    assert [f.name for f in form.missing()] == ["done", "hours"]
    assert "2026-W48" in form.intro


async def test_inline_answers_save_and_a_second_send_updates_the_same_week(
    cohort: Cohort,
) -> None:
    await ok(cohort, "join timezone:Europe/Berlin")
    first = await ok(cohort, 'checkin hours:5 done:"Finished the pandas chapter"')
    assert first.title == "Checked in for 2026-W48"
    assert _field(first, "Streak") == "1 week"
    second = await ok(cohort, 'checkin hours:7 next:"logistic regression"')
    assert second.title == "Check-in for 2026-W48 updated"
    assert await _rows(cohort) == [(date(2026, 11, 23), 7, "Finished the pandas chapter")]
    form = await cohort.dispatcher.run_line(caller(), "checkin")
    assert isinstance(form, Form)
    values = {f.name: f.value for f in form.fields}
    assert values["done"] == "Finished the pandas chapter"
    assert values["hours"] == "7"
    assert values["next"] == "logistic regression"
    assert "updates it" in form.intro


async def test_a_first_checkin_needs_what_was_done_and_the_hours(cohort: Cohort) -> None:
    await ok(cohort, "join")
    assert "needs `done`" in await _error(cohort, "checkin hours:3")
    assert "needs `hours`" in await _error(cohort, 'checkin done:"read a chapter"')
    assert await _rows(cohort) == []


async def test_out_of_range_and_over_long_answers_are_refused(cohort: Cohort) -> None:
    await ok(cohort, "join")
    assert "between 0 and 80" in await _error(cohort, "checkin hours:81 done:x")
    assert "between 0 and 80" in await _error(cohort, "checkin hours:-1 done:x")
    assert "between 1 and 5" in await _error(cohort, "checkin hours:2 done:x confidence:6")
    long_text = "y" * 1001
    assert "the limit is 1000" in await _error(cohort, f"checkin hours:2 done:{long_text}")
    assert await _rows(cohort) == []


async def test_an_unknown_milestone_gets_the_nearest_ids_and_saves_nothing(
    cohort: Cohort,
) -> None:
    await ok(cohort, "join")
    body = await _error(cohort, "checkin hours:4 done:x milestones:python-fluenci,git-daily")
    assert "There is no milestone “python-fluenci”" in body
    assert "`python-fluency`" in body
    assert await _rows(cohort) == []


async def test_milestones_in_a_checkin_are_recorded_once(cohort: Cohort) -> None:
    await ok(cohort, "join")
    saved = await ok(cohort, 'checkin hours:4 done:x milestones:"python-fluency, git-daily"')
    assert "Milestones done: **Write idiomatic Python**" in saved.body
    again = await ok(cohort, "checkin milestones:git-daily")
    assert "Milestones done" not in again.body
    async with cohort.db.read() as conn:
        count = await conn.scalar(sa.select(sa.func.count()).select_from(milestone_completions))
    assert count == 2


async def test_before_monday_noon_a_checkin_counts_for_the_week_that_ended(
    cohort: Cohort, clock: ManualClock
) -> None:
    await ok(cohort, "join timezone:Europe/Berlin")
    clock.set(datetime(2026, 11, 30, 10, 30, tzinfo=UTC))  # Monday 11:30 in Berlin
    late = await ok(cohort, "checkin hours:3 done:x")
    assert late.title == "Checked in for 2026-W48"
    assert "counts for the week that just ended" in late.body
    clock.set(datetime(2026, 11, 30, 11, 0, tzinfo=UTC))  # Monday noon
    fresh = await ok(cohort, "checkin hours:1 done:y")
    assert fresh.title == "Checked in for 2026-W49"
    assert _field(fresh, "Streak") == "2 weeks"


async def test_a_month_of_weeks_earns_a_freeze_that_a_missed_week_spends(
    cohort: Cohort, clock: ManualClock
) -> None:
    await ok(cohort, "join")
    for _ in range(3):
        await ok(cohort, "checkin hours:3 done:x")
        clock.advance(WEEK)
    fourth = await ok(cohort, "checkin hours:3 done:x")
    assert "You earned a freeze" in fourth.body
    assert _field(fourth, "Freezes") == "1 of 2"
    clock.advance(2 * WEEK)  # a week without a check-in
    sixth = await ok(cohort, "checkin hours:3 done:x")
    assert _field(sixth, "Streak") == "5 weeks"
    assert _field(sixth, "Freezes") == "0 of 2"
    clock.advance(3 * WEEK)  # two weeks without, and no freeze left
    broken = await ok(cohort, "checkin hours:3 done:x")
    assert _field(broken, "Streak") == "1 week"
    assert _field(broken, "Best") == "5 weeks"


async def test_moving_west_across_the_date_line_judges_the_history_again(
    cohort: Cohort, clock: ManualClock
) -> None:
    await ok(cohort, "join timezone:Pacific/Kiritimati")  # Monday 05:00 there: W48 open
    await ok(cohort, "checkin hours:2 done:x")
    clock.set(datetime(2026, 12, 6, 22, 30, tzinfo=UTC))  # Monday 12:30 at UTC+14: W50 open
    skipped = await ok(cohort, "checkin hours:2 done:y")
    assert _field(skipped, "Streak") == "1 week"
    await ok(cohort, "profile set timezone:Pacific/Pago_Pago")  # Sunday at UTC-11: W49 open
    filled = await ok(cohort, "checkin hours:9 done:z")
    assert filled.title == "Checked in for 2026-W49"
    assert _field(filled, "Streak") == "3 weeks"


async def test_only_members_check_in(cohort: Cohort) -> None:
    assert "haven't joined" in await _error(cohort, "checkin hours:1 done:x")
    assert "haven't joined" in await _error(cohort, "checkin")
    await ok(cohort, "join")
    await ok(cohort, "leave")
    assert "haven't joined" in await _error(cohort, "checkin hours:1 done:x")
