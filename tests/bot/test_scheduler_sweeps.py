"""The scheduler's rules for paused communities and for sweeps (jobs with a `pending` check):
a paused community's occurrences are skipped, not replayed on resume, and what was queued
before the pause stays queued; a sweep claims an occurrence only where its check finds work."""

from __future__ import annotations

import asyncio
from collections.abc import Collection, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot import scheduler as scheduler_module
from bot.app import Cohort
from bot.clock import ManualClock
from bot.communities.model import Community, Schedule
from bot.identity import CommunityRef, Platform
from bot.jobs import Decisions, Job, Occurrence, Write
from bot.scheduler import Scheduler
from bot.storage.database import Database
from bot.storage.tables import occurrences, outbox
from bot.storage.transaction import Transaction
from tests.bot.scheduling import posting_job
from tests.support import COMMUNITY, caller, table_rows

HOUR = timedelta(hours=1)
MONDAY = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def _weekly_community(cohort: Cohort) -> None:
    await cohort.dispatcher.run_line(
        caller("org", admin=True),
        "setup timezone:UTC challenges:#challenges post:challenges day:mon time:09:00",
    )


async def _claims(cohort: Cohort) -> list[tuple[str, str, str]]:
    async with cohort.db.read() as tx:
        rows = await tx.execute(
            sa.select(occurrences.c.kind, occurrences.c.local_key, occurrences.c.status).order_by(
                occurrences.c.kind, occurrences.c.local_key
            )
        )
        return [(r.kind, r.local_key, r.status) for r in rows]


async def test_a_paused_communitys_occurrences_are_skipped_and_not_replayed_when_it_resumes(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _weekly_community(cohort)
    scheduler = Scheduler(
        cohort.db, clock, [posting_job(cohort.db)], 12 * HOUR, cohort.communities.all
    )
    clock.set(MONDAY)
    assert await scheduler.tick() == 1  # queued before the pause
    await cohort.communities.pause(COMMUNITY, clock.now())
    clock.set(MONDAY + timedelta(days=7))
    assert await scheduler.tick() == 0
    await cohort.communities.resume(COMMUNITY, clock.now() + HOUR)
    clock.set(MONDAY + timedelta(days=7) + 2 * HOUR)  # within the catch-up window
    assert await scheduler.tick() == 0
    restarted = Scheduler(
        cohort.db, clock, [posting_job(cohort.db)], 12 * HOUR, cohort.communities.all
    )
    assert await restarted.tick() == 0

    assert await _claims(cohort) == [
        ("test-post", "2026-11-30T09:00", "ran"),
        ("test-post", "2026-12-07T09:00", "skipped"),
    ]
    keys = [row["key"] for row in await table_rows(cohort, outbox)]
    assert keys == [f"test:{await _id(cohort)}:2026-11-30T09:00"]  # still queued


async def _id(cohort: Cohort) -> int:
    (community,) = await cohort.communities.all()
    return community.id


class Sweep:
    """An hourly job whose check says where it has work: `work` (None: its check fails)."""

    def __init__(self, cohort: Cohort) -> None:
        self.work: set[int] | None = set()
        self.ran: list[tuple[int, Occurrence]] = []
        hourly = posting_job(cohort.db).schedule

        def schedule(community: Community) -> Schedule | None:
            weekly = hourly(community)
            return weekly and replace(weekly, cron="0 * * * *")

        async def run(tx: Transaction, community: Community, occurrence: Occurrence) -> None:
            self.ran.append((community.id, occurrence))

        async def pending(tx: Transaction, now: datetime) -> Collection[int]:
            if self.work is None:
                raise RuntimeError("the check failed")
            return self.work

        self.job = Job("sweep", schedule, run, pending=pending)


async def test_a_sweep_claims_only_the_occurrences_where_its_check_finds_work(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _weekly_community(cohort)
    community = await _id(cohort)
    sweep = Sweep(cohort)
    scheduler = Scheduler(cohort.db, clock, [sweep.job], 12 * HOUR, cohort.communities.all)

    clock.set(MONDAY)
    assert await scheduler.tick() == 0  # nothing to do: no claim, no write
    clock.set(MONDAY + 5 * HOUR + timedelta(minutes=1))  # four hours missed meanwhile
    sweep.work = {community}
    assert await scheduler.tick() == 1
    assert await scheduler.tick() == 0
    assert (
        await Scheduler(cohort.db, clock, [sweep.job], 12 * HOUR, cohort.communities.all).tick()
        == 0
    )  # a restarted process agrees

    assert await _claims(cohort) == [("sweep", "2026-11-30T14:00", "ran")]  # no skipped rows
    assert [(c, o.local_key) for c, o in sweep.ran] == [(community, "2026-11-30T14:00")]


async def test_a_sweep_whose_check_fails_runs_everywhere(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _weekly_community(cohort)
    sweep = Sweep(cohort)
    sweep.work = None
    scheduler = Scheduler(cohort.db, clock, [sweep.job], 12 * HOUR, cohort.communities.all)
    clock.set(MONDAY)
    assert await scheduler.tick() == 1
    assert [o.local_key for _, o in sweep.ran] == ["2026-11-30T09:00"]


async def test_a_sweep_never_runs_for_a_paused_community(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _weekly_community(cohort)
    sweep = Sweep(cohort)
    sweep.work = {await _id(cohort)}
    await cohort.communities.pause(COMMUNITY, clock.now())
    scheduler = Scheduler(cohort.db, clock, [sweep.job], 12 * HOUR, cohort.communities.all)
    clock.set(MONDAY)
    assert await scheduler.tick() == 0
    assert sweep.ran == []
    assert await _claims(cohort) == []


async def test_the_core_scheduler_sees_a_schedule_changed_through_the_community_service(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _weekly_community(cohort)
    clock.set(MONDAY - HOUR)
    await cohort.scheduler.tick()  # the communities are read and kept
    await cohort.dispatcher.run_line(
        caller("org", admin=True), "setup post:challenges day:mon time:08:30"
    )
    assert await cohort.scheduler.next_due(clock.now(), MONDAY) == MONDAY - timedelta(minutes=30)


class DecidingSweep:
    """An hourly sweep that decides before it writes: `posts` says, per community, what it
    would write this hour (nothing when absent); `broken` communities fail to decide."""

    def __init__(self, cohort: Cohort) -> None:
        self.posts: dict[int, str] = {}
        self.broken: set[int] = set()
        self.decided: list[int] = []
        self.written: list[tuple[int, str]] = []
        self.order: list[str] = []  # what ran, in order
        self.batches: list[list[int]] = []  # the communities of each call to decide
        self.unwritable: set[int] = set()  # communities whose write fails
        self.seconds = 0.0  # how long deciding a batch takes
        hourly = posting_job(cohort.db).schedule

        def schedule(community: Community) -> Schedule | None:
            weekly = hourly(community)
            return weekly and replace(weekly, cron="0 * * * *")

        async def decide(
            tx: Transaction, batch: Sequence[tuple[Community, Occurrence]]
        ) -> Decisions:
            self.batches.append([c.id for c, _ in batch])
            self.order.append("decide")
            await asyncio.sleep(self.seconds)
            writes: dict[int, Write] = {}
            for community, occurrence in batch:
                self.decided.append(community.id)
                if community.id in self.broken:
                    await tx.execute(sa.text("SELECT * FROM no_such_table"))  # aborts on PostgreSQL
                post = self.posts.get(community.id)
                if post is not None:
                    writes[community.id] = self._write(community, f"{post} {occurrence.local_key}")
            return writes

        async def pending(tx: Transaction, now: datetime) -> Collection[int]:
            return {c.id for c in await cohort.communities.all()}

        self.job = Job("deciding", schedule, pending=pending, decide=decide)

    def _write(self, community: Community, post: str) -> Write:
        async def write(tx: Transaction) -> None:
            if community.id in self.unwritable:
                await tx.execute(sa.text("SELECT * FROM no_such_table"))
            self.written.append((community.id, post))
            self.order.append("sweep")

        return write


async def _communities(cohort: Cohort, count: int) -> list[int]:
    for n in range(count):
        ref = CommunityRef(Platform.CONSOLE, f"c{n}")
        await cohort.dispatcher.run_line(
            caller("org", admin=True, community=ref),
            "setup timezone:UTC challenges:#challenges post:challenges day:mon time:09:00",
        )
    return sorted(c.id for c in await cohort.communities.all())


async def test_a_deciding_sweep_claims_and_writes_only_where_it_has_something_to_write(
    cohort: Cohort, clock: ManualClock
) -> None:
    first, second = await _communities(cohort, 2)
    sweep = DecidingSweep(cohort)
    scheduler = Scheduler(cohort.db, clock, [sweep.job], 12 * HOUR, cohort.communities.all)
    clock.set(MONDAY)
    assert await scheduler.tick() == 0  # nothing to write anywhere: no claim, no write
    assert await _claims(cohort) == []
    assert sweep.decided == [first, second]
    assert await scheduler.tick() == 0  # decided for this hour already
    assert sweep.decided == [first, second]

    sweep.posts = {second: "hello"}
    clock.set(MONDAY + HOUR)
    assert await scheduler.tick() == 1
    restarted = Scheduler(cohort.db, clock, [sweep.job], 12 * HOUR, cohort.communities.all)
    assert await restarted.tick() == 0  # decided again, but the claim is there: not written
    assert sweep.written == [(second, "hello 2026-11-30T10:00")]
    assert await _claims(cohort) == [("deciding", "2026-11-30T10:00", "ran")]


async def test_a_community_that_fails_to_decide_leaves_the_others_theirs(
    cohort: Cohort, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    ids = await _communities(cohort, 3)
    sweep = DecidingSweep(cohort)
    sweep.posts = dict.fromkeys(ids, "post")
    sweep.broken = {ids[0]}
    scheduler = Scheduler(cohort.db, clock, [sweep.job], 12 * HOUR, cohort.communities.all)
    clock.set(MONDAY)
    assert await scheduler.tick() == 2
    assert [c for c, _ in sweep.written] == ids[1:]
    assert f"scheduled deciding failed for community {ids[0]}" in caplog.text
    sweep.broken = set()
    assert await scheduler.tick() == 1  # not settled: decided again at the next tick
    assert [c for c, _ in sweep.written] == [*ids[1:], ids[0]]


async def test_the_posts_due_at_a_time_go_before_a_deciding_sweep_of_that_time(
    cohort: Cohort, clock: ManualClock
) -> None:
    (community,) = await _communities(cohort, 1)
    sweep = DecidingSweep(cohort)
    sweep.posts = {community: "post"}
    weekly = posting_job(cohort.db)

    async def run(tx: Transaction, community: Community, occurrence: Occurrence) -> None:
        await weekly.run(tx, community, occurrence)
        sweep.order.append("weekly")

    jobs = [sweep.job, replace(weekly, run=run)]  # the sweep registered first
    scheduler = Scheduler(cohort.db, clock, jobs, 12 * HOUR, cohort.communities.all)
    clock.set(MONDAY)  # the weekly post and the hourly sweep are both due
    assert await scheduler.tick() == 2
    assert sweep.order == ["weekly", "decide", "sweep"]


async def test_a_deciding_sweep_decides_many_communities_at_once_and_writes_them_together(
    cohort: Cohort, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await _communities(cohort, 3)
    sweep = DecidingSweep(cohort)
    sweep.posts = dict.fromkeys(ids, "post")
    opened: list[None] = []
    write = cohort.db.write

    def counted() -> AbstractAsyncContextManager[Transaction]:
        opened.append(None)
        return write()

    monkeypatch.setattr(cohort.db, "write", counted)
    scheduler = Scheduler(cohort.db, clock, [sweep.job], 12 * HOUR, cohort.communities.all)
    clock.set(MONDAY)
    assert await scheduler.tick() == 3
    assert sweep.batches == [ids]
    assert len(opened) == 1  # three communities' claims and posts in one write transaction
    assert [c for c, _ in sweep.written] == ids
    assert [status for _, _, status in await _claims(cohort)] == ["ran"] * 3


async def test_each_chunk_of_a_sweep_is_written_before_the_next_is_decided(
    cohort: Cohort, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ids = await _communities(cohort, 3)
    monkeypatch.setattr(scheduler_module, "TOGETHER", 2)
    sweep = DecidingSweep(cohort)
    sweep.posts = dict.fromkeys(ids, "post")
    scheduler = Scheduler(cohort.db, clock, [sweep.job], 12 * HOUR, cohort.communities.all)
    clock.set(MONDAY)
    assert await scheduler.tick() == 3
    assert sweep.batches == [ids[:2], ids[2:]]
    # The drainers start on the first chunk's posts while the next is decided.
    assert sweep.order == ["decide", "sweep", "sweep", "decide", "sweep"]


async def test_a_community_whose_write_fails_leaves_the_others_written(
    cohort: Cohort, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    ids = await _communities(cohort, 3)
    sweep = DecidingSweep(cohort)
    sweep.posts = dict.fromkeys(ids, "post")
    sweep.unwritable = {ids[1]}
    scheduler = Scheduler(cohort.db, clock, [sweep.job], 12 * HOUR, cohort.communities.all)
    clock.set(MONDAY)
    assert await scheduler.tick() == 2
    assert f"scheduled deciding failed for community {ids[1]}" in caplog.text
    async with cohort.db.read() as tx:
        claimed = await tx.execute(sa.select(occurrences.c.community_id))
        assert sorted(r.community_id for r in claimed) == [ids[0], ids[2]]
    sweep.unwritable = set()
    assert await scheduler.tick() == 1  # not settled: written at the next tick
    assert [c for c, _ in sweep.written][-1] == ids[1]


async def test_a_weekly_job_that_decides_is_claimed_even_with_nothing_to_write(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _communities(cohort, 1)
    deciding, decided = asyncio.Event(), asyncio.Event()

    async def decide(tx: Transaction, batch: Sequence[tuple[Community, Occurrence]]) -> Decisions:
        deciding.set()
        await decided.wait()  # a report drawing its chart
        return {}

    job = replace(posting_job(cohort.db), run=None, decide=decide)
    scheduler = Scheduler(cohort.db, clock, [job], 12 * HOUR, cohort.communities.all)
    clock.set(MONDAY)
    tick = asyncio.ensure_future(scheduler.tick())
    async with asyncio.timeout(10):
        await deciding.wait()
        async with cohort.db.write() as tx:  # a member's command writes meanwhile
            await tx.execute(sa.text("SELECT 1"))
    decided.set()
    assert await tick == 1
    assert await _claims(cohort) == [("test-post", "2026-11-30T09:00", "ran")]
    assert await table_rows(cohort, outbox) == []
    assert await scheduler.tick() == 0  # once, unlike a sweep that looks again


async def test_two_processes_decide_each_communitys_sweep_once_and_share_the_chunks(
    cohort: Cohort, clock: ManualClock, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not cohort.db.shared:
        pytest.skip("on SQLite one process writes at a time: a second cannot share the work")
    ids = await _communities(cohort, 12)
    monkeypatch.setattr(scheduler_module, "TOGETHER", 3)
    sweep = DecidingSweep(cohort)
    sweep.posts = dict.fromkeys(ids[::2], "post")  # half have nothing to write: no claim
    sweep.seconds = 0.1  # each chunk is still being decided when the other process reaches it
    other = Cohort(cohort.settings, clock, Database.connect(database_url))
    try:
        one, two, later = (
            Scheduler(core.db, clock, [sweep.job], 12 * HOUR, core.communities.all)
            for core in (cohort, other, other)
        )
        clock.set(MONDAY)
        ran = await asyncio.gather(one.tick(), two.tick())
        assert sorted(sweep.decided) == ids  # each once, though both processes swept
        assert sum(ran) == 6
        assert all(ran)  # each process wrote the chunks it decided
        assert sorted(c for c, _ in sweep.written) == ids[::2]
        assert await later.tick() == 0  # a process started since finds it all decided
        assert await one.tick() == await two.tick() == 0
        assert len(sweep.decided) == 12
    finally:
        await other.close()


async def test_two_processes_decide_each_weekly_occurrence_once(
    cohort: Cohort, clock: ManualClock, database_url: str
) -> None:
    if not cohort.db.shared:
        pytest.skip("on SQLite one process writes at a time: a second cannot share the work")
    ids = await _communities(cohort, 4)
    decided: list[int] = []

    async def decide(tx: Transaction, batch: Sequence[tuple[Community, Occurrence]]) -> Decisions:
        decided.extend(community.id for community, _ in batch)
        await asyncio.sleep(0.1)  # a report drawing its chart
        return {}

    job = replace(posting_job(cohort.db), run=None, decide=decide)
    other = Cohort(cohort.settings, clock, Database.connect(database_url))
    try:
        one, two = (
            Scheduler(core.db, clock, [job], 12 * HOUR, core.communities.all)
            for core in (cohort, other)
        )
        clock.set(MONDAY)
        assert sum(await asyncio.gather(one.tick(), two.tick())) == 4
        assert sorted(decided) == ids  # each chart drawn once, by whichever process ran it
    finally:
        await other.close()


def test_a_job_either_runs_or_decides(cohort: Cohort) -> None:
    weekly = posting_job(cohort.db)
    with pytest.raises(ValueError, match="either run or decide"):
        replace(weekly, run=None)
    with pytest.raises(ValueError, match="either run or decide"):
        replace(weekly, decide=DecidingSweep(cohort).job.decide)
