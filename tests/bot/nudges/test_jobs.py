"""The check-in prompt and the reminders, run by the scheduler on a real database."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from bot.app import Cohort
from bot.clock import ManualClock
from bot.communities.model import Community
from bot.jobs import Job, Occurrence
from bot.nudges.jobs import reminders
from bot.nudges.service import NudgeService
from bot.outbox import Message, TargetKind
from bot.replies import Tone
from bot.storage.tables import outbox
from tests.bot.stepping import step_until
from tests.support import COMMUNITY, caller, reply


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


async def _run(cohort: Cohort, line: str, user: str = "ada") -> None:
    answer = reply(await cohort.dispatcher.run_line(caller(user, admin=user == "org"), line))
    assert answer.tone is not Tone.ERROR, answer.body


def _direct(delivered: list[tuple[datetime, Message]]) -> list[tuple[datetime, str, str]]:
    return [
        (when, m.target.user_ids[0], m.key)
        for when, m in delivered
        if m.target.kind is TargetKind.DIRECT
    ]


async def test_the_prompt_posts_once_a_week_in_the_checkins_channel(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _run(cohort, "setup checkins:#checkins post:checkins day:sun time:17:00", "org")
    delivered = await step_until(cohort, clock, at("2026-12-13T18:00"))
    prompts = [(when, m) for when, m in delivered if m.target.kind is TargetKind.CHANNEL]
    assert [when for when, _ in prompts] == [
        at("2026-11-29T17:00"),
        at("2026-12-06T17:00"),
        at("2026-12-13T17:00"),
    ]
    assert {m.target.channel_id for _, m in prompts} == {"checkins"}
    assert [m.key.rsplit(":", 1)[1] for _, m in prompts] == ["2026-W48", "2026-W49", "2026-W50"]
    assert all(m.reply.actions[0].command == "checkin" for _, m in prompts)


async def test_no_prompt_without_a_checkins_channel(cohort: Cohort, clock: ManualClock) -> None:
    await _run(cohort, "setup timezone:UTC", "org")
    delivered = await step_until(cohort, clock, at("2026-12-07T00:00"))
    assert [m for _, m in delivered if m.target.kind is TargetKind.CHANNEL] == []


async def test_only_members_whose_streak_is_at_stake_are_reminded_once_on_their_own_clock(
    cohort: Cohort, clock: ManualClock
) -> None:
    for user, zone in (
        ("ada", "Europe/Berlin"),
        ("kiri", "Pacific/Kiritimati"),
        ("stj", "America/St_Johns"),
        ("bob", "Europe/Berlin"),
        ("cy", "Europe/Berlin"),
        ("dee", "Europe/Berlin"),
        ("eve", "Europe/Berlin"),
    ):
        await _run(cohort, f"join timezone:{zone}", user)
    # Sunday 15:00 UTC: W48 is open everywhere (Monday morning's grace period at UTC+14).
    for user in ("ada", "kiri", "stj", "cy", "dee", "eve"):
        await _run(cohort, "checkin hours:2 done:x", user)
    await _run(cohort, "nudges off", "dee")
    await _run(cohort, "pause until:2026-12-10", "eve")
    await step_until(cohort, clock, at("2026-12-02T12:00"))
    await _run(cohort, "checkin hours:2 done:x", "cy")  # W49 done before the reminders
    delivered = await step_until(cohort, clock, at("2026-12-08T12:00"))
    # Sunday 18:00 on each member's clock, at the first hourly look after it.
    assert _direct(delivered) == [
        (at("2026-12-06T04:00"), "kiri", "nudge:1:2:2026-W49"),
        (at("2026-12-06T17:00"), "ada", "nudge:1:1:2026-W49"),
        (at("2026-12-06T22:00"), "stj", "nudge:1:3:2026-W49"),
    ]


async def test_a_missed_week_is_reminded_once_and_a_broken_streak_not_at_all(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _run(cohort, "join timezone:Europe/Berlin")
    await _run(cohort, "checkin hours:2 done:x")
    delivered = await step_until(cohort, clock, at("2026-12-21T12:00"))
    reminders = [m for _, m in delivered if m.target.kind is TargetKind.DIRECT]
    assert [m.key for m in reminders] == ["nudge:1:1:2026-W49"]  # W49 broke it: no W50, W51
    assert reminders[0].reply.title == "Your 1-week streak is waiting"
    assert "the streak breaks" in reminders[0].reply.body


async def test_a_held_freeze_is_mentioned_in_the_reminder_for_week_53(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _run(cohort, "join timezone:UTC")
    for week in range(4):
        clock.set(at("2026-11-30T12:00") + week * (at("2026-12-07") - at("2026-11-30")))
        await _run(cohort, "checkin hours:2 done:x")
    delivered = await step_until(cohort, clock, at("2027-01-04T12:00"))
    (reminder,) = [m for _, m in delivered if m.target.kind is TargetKind.DIRECT]
    assert reminder.key == "nudge:1:1:2026-W53"
    assert reminder.reply.title == "Your 4-week streak is waiting"
    assert "one of the freezes you hold is spent" in reminder.reply.body


async def test_no_reminder_in_a_holiday_week(cohort: Cohort, clock: ManualClock) -> None:
    await _run(cohort, "join timezone:Europe/Berlin")
    await _run(cohort, "checkin hours:2 done:x")
    await _run(cohort, "holiday add 2026-12-02", "org")
    delivered = await step_until(cohort, clock, at("2026-12-08T12:00"))
    assert _direct(delivered) == []


async def test_a_run_after_the_week_closed_reminds_nobody(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _run(cohort, "join timezone:Europe/Berlin")
    await _run(cohort, "checkin hours:2 done:x")
    await cohort.scheduler.tick()  # settles the occurrences up to now
    clock.set(at("2026-12-07T11:30"))  # down all Sunday evening; W49 closed at 11:00 UTC
    assert _direct(await step_until(cohort, clock, at("2026-12-07T11:30"))) == []


async def _reminder_keys(cohort: Cohort) -> list[str]:
    async with cohort.db.read() as tx:
        keys = await tx.scalars(sa.select(outbox.c.key).where(outbox.c.key.like("nudge:%")))
        return list(keys)


async def test_reminders_decide_on_the_time_the_run_started_not_the_time_it_was_due(
    cohort: Cohort,
) -> None:
    await _run(cohort, "join timezone:Europe/Berlin")
    await _run(cohort, "checkin hours:2 done:x")
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    job = reminders(cohort.services.get(NudgeService))
    due = at("2026-12-06T17:00")  # Sunday 18:00 in Berlin: W49's reminder window is open
    started_late = Occurrence("reminders", due, "2026-12-06T18:00", True, at("2026-12-07T11:30"))
    await _decide_and_write(cohort, job, community, started_late)  # Monday 12:30 in Berlin
    assert await _reminder_keys(cohort) == []  # W49 is closed
    on_time = Occurrence("reminders", due, "2026-12-06T18:00", False, at("2026-12-06T17:00"))
    await _decide_and_write(cohort, job, community, on_time)
    assert await _reminder_keys(cohort) == ["nudge:1:1:2026-W49"]


async def _decide_and_write(
    cohort: Cohort, job: Job, community: Community, occurrence: Occurrence
) -> None:
    assert job.decide is not None
    async with cohort.db.write() as tx:
        for write in (await job.decide(tx, [(community, occurrence)])).values():
            await write(tx)
