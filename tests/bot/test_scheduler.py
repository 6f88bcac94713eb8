"""The scheduler: once per occurrence, catch-up and skip rules, DST, several instances."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.app import Cohort
from bot.clock import ManualClock
from bot.communities.model import Community, Purpose, Schedule
from bot.fire_times import occurrences_between
from bot.identity import CommunityRef, Platform
from bot.jobs import Job, Occurrence
from bot.scheduler import Scheduler
from bot.storage.database import Database
from bot.storage.tables import occurrences
from bot.storage.transaction import Transaction
from tests.bot.scheduling import posting_job
from tests.fakes.sender import RecordingSender
from tests.support import caller

HOUR = timedelta(hours=1)


async def _community(cohort: Cohort, timezone: str, day: str, time: str, user: str = "org") -> None:
    answer = await cohort.dispatcher.run_line(
        caller(user, admin=True),
        f"setup timezone:{timezone} challenges:#challenges post:challenges day:{day} time:{time}",
    )
    assert "Saved" in str(answer)


def _scheduler(cohort: Cohort, clock: ManualClock, catchup: timedelta = 12 * HOUR) -> Scheduler:
    return Scheduler(
        cohort.db, clock, [posting_job(cohort.db)], catchup, communities=cohort.communities.all
    )


async def _deliver(cohort: Cohort) -> RecordingSender:
    sender = RecordingSender()
    await cohort.drainer(sender).drain()
    return sender


async def test_an_occurrence_runs_once_however_often_the_scheduler_ticks(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, "UTC", "mon", "09:00")
    scheduler = _scheduler(cohort, clock)
    clock.set(datetime(2026, 11, 30, 9, 0, 30, tzinfo=UTC))
    assert await scheduler.tick() == 1
    assert await scheduler.tick() == 0
    assert await _scheduler(cohort, clock).tick() == 0  # a restarted process agrees
    sender = await _deliver(cohort)
    assert [m.reply.body for m in sender.delivered] == ["post for 2026-11-30T09:00"]


async def test_a_running_bot_sleeps_until_the_next_occurrence_at_most_the_longest_sleep(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, "UTC", "mon", "09:00")
    scheduler = _scheduler(cohort, clock)
    clock.set(datetime(2026, 11, 30, 8, 59, 50, tzinfo=UTC))
    await scheduler.tick()
    assert await scheduler.seconds_until_due(30) == 10  # wakes at the due time
    assert await scheduler.seconds_until_due(5) == 5  # never sleeps past the longest
    clock.set(datetime(2026, 11, 30, 9, 0, 0, tzinfo=UTC))
    assert await scheduler.tick() == 1
    clock.set(datetime(2026, 11, 30, 9, 0, 1, tzinfo=UTC))
    assert await scheduler.seconds_until_due(30) == 30  # nothing more due in the next 30 s


async def test_an_occurrence_due_while_a_tick_ran_is_ticked_for_at_once(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, "UTC", "mon", "09:00")
    scheduler = _scheduler(cohort, clock)
    clock.set(datetime(2026, 11, 30, 8, 59, 50, tzinfo=UTC))
    await scheduler.tick()  # began before 09:00 and, say, took 20 s
    clock.set(datetime(2026, 11, 30, 9, 0, 10, tzinfo=UTC))
    assert await scheduler.seconds_until_due(30) == 0
    assert await scheduler.tick() == 1
    assert await scheduler.seconds_until_due(30) == 30


async def test_occurrences_before_the_community_existed_never_run(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, "UTC", "sun", "09:00")  # created Sunday 15:00, after 09:00
    assert await _scheduler(cohort, clock).tick() == 0


@pytest.mark.parametrize(
    ("late_by", "runs", "note"),
    [(timedelta(minutes=1), 1, ""), (3 * HOUR, 1, " (late)"), (13 * HOUR, 0, None)],
)
async def test_a_clock_jump_of_three_weeks_gives_one_catch_up_or_one_skip(
    cohort: Cohort, clock: ManualClock, late_by: timedelta, runs: int, note: str | None
) -> None:
    await _community(cohort, "UTC", "mon", "09:00")
    scheduler = _scheduler(cohort, clock)
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    assert await scheduler.tick() == 1
    clock.set(datetime(2026, 12, 21, 9, 0, tzinfo=UTC) + late_by)
    assert await scheduler.tick() == runs
    assert await scheduler.tick() == 0
    bodies = [m.reply.body for m in (await _deliver(cohort)).delivered]
    expected = ["post for 2026-11-30T09:00"]
    if note is not None:
        expected.append(f"post for 2026-12-21T09:00{note}")
    assert bodies == expected


async def test_missed_occurrences_are_recorded_as_skipped(
    cohort: Cohort, clock: ManualClock, db: Database
) -> None:
    await _community(cohort, "UTC", "mon", "09:00")
    clock.set(datetime(2026, 12, 21, 10, 0, tzinfo=UTC))
    await _scheduler(cohort, clock).tick()
    async with db.read() as conn:
        rows = (
            await conn.execute(
                sa.select(occurrences.c.local_key, occurrences.c.status).order_by(
                    occurrences.c.local_key
                )
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("2026-11-30T09:00", "skipped"),
        ("2026-12-07T09:00", "skipped"),
        ("2026-12-14T09:00", "skipped"),
        ("2026-12-21T09:00", "late"),
    ]


# Each row: zone, weekday and local time, a window of three Sundays around a switch, and the
# UTC instants the posts must go out at (the rules are in docs/operations.md).
DST_CASES = [
    # Fall back on 2026-10-25: 02:30 happens twice; it runs once, at the first instant.
    ("Europe/Berlin", "02:30", datetime(2026, 10, 17, tzinfo=UTC),
     ["2026-10-18T00:30", "2026-10-25T00:30", "2026-11-01T01:30"]),
    # Spring forward on 2027-03-28: 02:30 does not exist; it runs at 03:30 local.
    ("Europe/Berlin", "02:30", datetime(2027, 3, 20, tzinfo=UTC),
     ["2027-03-21T01:30", "2027-03-28T01:30", "2027-04-04T00:30"]),
    ("America/New_York", "01:30", datetime(2026, 10, 24, tzinfo=UTC),
     ["2026-10-25T05:30", "2026-11-01T05:30", "2026-11-08T06:30"]),
    ("America/New_York", "02:30", datetime(2027, 3, 6, tzinfo=UTC),
     ["2027-03-07T07:30", "2027-03-14T07:30", "2027-03-21T06:30"]),
    # Lord Howe moves by half an hour. Spring forward 2026-10-04 02:00 -> 02:30.
    ("Australia/Lord_Howe", "02:15", datetime(2026, 9, 26, tzinfo=UTC),
     ["2026-09-26T15:45", "2026-10-03T15:45", "2026-10-10T15:15"]),
    # Fall back 2027-04-04 02:00 -> 01:30: 01:45 happens twice.
    ("Australia/Lord_Howe", "01:45", datetime(2027, 3, 26, tzinfo=UTC),
     ["2027-03-27T14:45", "2027-04-03T14:45", "2027-04-10T15:15"]),
]  # fmt: skip


@pytest.mark.parametrize(("zone", "time", "start", "expected"), DST_CASES)
async def test_weekly_posts_fire_once_a_week_across_dst_switches(
    cohort: Cohort,
    clock: ManualClock,
    zone: str,
    time: str,
    start: datetime,
    expected: list[str],
) -> None:
    clock.set(start - timedelta(days=1))
    await _community(cohort, zone, "sun", time)
    scheduler = _scheduler(cohort, clock)
    sender = RecordingSender()
    drainer = cohort.drainer(sender)
    sent_at: list[str] = []
    end = start + timedelta(days=21)
    # Tick as a real ticker would: at every occurrence, and every half hour around it.
    while (due := await scheduler.next_due(clock.now(), end)) is not None:
        for step in range(4):
            clock.set(due + step * timedelta(minutes=30))
            if await scheduler.tick():
                sent_at.append(clock.now().strftime("%Y-%m-%dT%H:%M"))
            await drainer.drain()
    assert sent_at == expected
    assert len(sender.delivered) == 3


def test_occurrences_between_excludes_the_start_and_includes_the_end() -> None:
    weekly = Schedule(Purpose.CHALLENGES, weekday=0, local_time="09:00")
    start = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    found = occurrences_between(weekly, "UTC", start, start + timedelta(days=7))
    assert found == [start + timedelta(days=7)]


def test_a_crontab_line_replaces_weekday_and_time() -> None:
    twice_a_week = Schedule(Purpose.CHALLENGES, 0, "09:00", cron="30 18 * * tue,thu")
    start = datetime(2026, 11, 30, tzinfo=UTC)
    found = occurrences_between(twice_a_week, "Asia/Kolkata", start, start + timedelta(days=7))
    assert [f.isoformat() for f in found] == [
        "2026-12-01T13:00:00+00:00",
        "2026-12-03T13:00:00+00:00",
    ]


async def test_two_instances_act_on_every_occurrence_and_row_exactly_once(
    cohort: Cohort, clock: ManualClock, database_url: str
) -> None:
    for n in range(12):
        organizer = caller("org", admin=True, community=CommunityRef(Platform.CONSOLE, f"g{n}"))
        await cohort.dispatcher.run_line(
            organizer, "setup challenges:#c post:challenges day:mon time:09:00"
        )
    other = Cohort(cohort.settings, clock, Database.connect(database_url))
    try:
        schedulers = [_scheduler(cohort, clock), _scheduler(other, clock)]
        senders = [RecordingSender(), RecordingSender()]
        drainers = [cohort.drainer(senders[0]), other.drainer(senders[1])]
        clock.set(datetime(2026, 11, 30, 9, 1, tzinfo=UTC))
        ran = await asyncio.gather(*(s.tick() for s in schedulers))
        assert sum(ran) == 12
        await asyncio.gather(*(d.drain() for d in drainers))
        keys = senders[0].keys() + senders[1].keys()
        assert len(keys) == 12
        assert set(keys.values()) == {1}
    finally:
        await other.close()


async def test_a_second_process_runs_the_other_occurrences_while_one_is_still_running(
    cohort: Cohort, clock: ManualClock, database_url: str
) -> None:
    if cohort.db.dialect == "sqlite":
        pytest.skip("on SQLite one process writes at a time: a second cannot share the work")
    for n in range(4):
        organizer = caller("org", admin=True, community=CommunityRef(Platform.CONSOLE, f"g{n}"))
        await cohort.dispatcher.run_line(
            organizer, "setup challenges:#c post:challenges day:mon time:09:00"
        )
    ran: list[int] = []
    first_started, release = asyncio.Event(), asyncio.Event()

    async def slow_first(tx: Transaction, community: Community, occurrence: Occurrence) -> None:
        ran.append(community.id)
        if not first_started.is_set():
            first_started.set()
            await release.wait()  # a long job: the first process holds its occurrence

    job = Job("slow-first", posting_job(cohort.db).schedule, slow_first)
    other = Cohort(cohort.settings, clock, Database.connect(database_url))
    try:
        one, two = (
            Scheduler(core.db, clock, [job], 12 * HOUR, communities=core.communities.all)
            for core in (cohort, other)
        )
        clock.set(datetime(2026, 11, 30, 9, 1, tzinfo=UTC))
        first_tick = asyncio.ensure_future(one.tick())
        await first_started.wait()
        assert await asyncio.wait_for(two.tick(), timeout=10) == 3  # never waits on the first
        release.set()
        assert await first_tick == 1
        assert await two.tick() == 0  # the one it left is settled by the other's claim
        assert len(ran) == len(set(ran)) == 4
    finally:
        release.set()
        await other.close()


async def test_a_late_occurrence_carries_the_time_its_run_started(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _community(cohort, "UTC", "mon", "09:00")
    seen: list[Occurrence] = []

    async def record(tx: Transaction, community: Community, occurrence: Occurrence) -> None:
        seen.append(occurrence)

    job = Job("record", posting_job(cohort.db).schedule, record)
    clock.set(datetime(2026, 11, 30, 11, 15, tzinfo=UTC))
    scheduler = Scheduler(cohort.db, clock, [job], 12 * HOUR, communities=cohort.communities.all)
    assert await scheduler.tick() == 1
    (occurrence,) = seen
    assert occurrence.due_at == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert occurrence.started_at == datetime(2026, 11, 30, 11, 15, tzinfo=UTC)
    assert occurrence.late
