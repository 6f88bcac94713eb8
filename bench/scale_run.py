"""The scale bench's week: a real core stepped through every due time of every job while the
drainers deliver at the platforms' limits and members run commands (bench/scale.py says what
each figure measures)."""

from __future__ import annotations

import asyncio
import gc
import os
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from bench.chaos_world import count_unsettled
from bench.scale_platform import Delivery, LimitedPlatform, Tally, tally
from bench.scale_world import END, START, World, serve_feeds
from bot.app import Cohort
from bot.digests.addresses import AllowList
from bot.digests.feature import digests_feature, with_digests
from bot.digests.fetcher import FeedFetcher, FetchLimits, session_factory
from bot.feature import Feature
from bot.features import FEATURES
from bot.identity import Caller, CommunityRef, MemberRef
from bot.jobs import Decisions, Job, Occurrence, Write
from bot.outbox import Drainer, Status
from bot.replies import Reply, Tone
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import outbox
from tests.fakes.feed_server import FeedServer

if TYPE_CHECKING:
    from bench.scale import Options, Phases

COMMANDS = (  # what members run meanwhile, with weights
    ('checkin hours:5 done:"worked on the scale bench" confidence:4', 3),
    ("progress", 2),
    ("leaderboard", 2),
    ("match status", 2),
    ("challenge show", 1),
    ("help", 1),
)
PAGE = os.sysconf("SC_PAGE_SIZE")
LEFT_RUNNING_SECONDS = 30.0
STALLED_SECONDS = 120.0  # the busiest tick settles rows every second, even at the full size


class JumpClock:
    """Real time from a moment the bench sets: it flows at the machine's speed and jumps
    forward when the bench moves it to the next due time."""

    def __init__(self, moment: datetime) -> None:
        self._moment, self._anchor = moment, time.monotonic()

    def now(self) -> datetime:
        return self._moment + timedelta(seconds=time.monotonic() - self._anchor)

    def jump_to(self, moment: datetime) -> None:
        if moment > self.now():
            self._moment, self._anchor = moment, time.monotonic()


SAMPLE_SECONDS = 0.25


@dataclass
class Figures:
    lags: dict[str, float] = field(default_factory=dict)  # worst, by job kind
    runs: dict[str, int] = field(default_factory=dict)  # occurrences run, by job kind
    due_times: int = 0
    busiest: tuple[int, datetime | None] = (0, None)  # most occurrences one tick ran, and when
    delivery: Delivery = field(default_factory=Delivery)
    fast_posts: int = 0
    rejected: int = 0
    failed_rows: int = 0
    tally: Tally = field(default_factory=lambda: Tally(0, 0, 0, 0, 0))
    latencies: dict[str, list[float]] = field(default_factory=dict)  # by command name
    # Commands run while the platforms took posts at the real limits (all of them at 1x):
    # after the slice, the drainers deliver K times as fast as any platform would let them,
    # and a command shares the process with that.
    real: bool = True
    at_real_limits: list[float] = field(default_factory=list)
    command_errors: int = 0
    error_lines: set[str] = field(default_factory=set)
    idle_mb: float = 0.0
    peak_mb: float = 0.0
    loop_late: list[float] = field(default_factory=list)  # seconds, sampled all week

    @property
    def worst_lag(self) -> float:
        return max(self.lags.values(), default=0.0)

    @property
    def summary_lag(self) -> float:
        """The worst lag plus how late the ticker of `cohort run` may wake at a due time: it
        sleeps until then, so by as much as the event loop wakes a sleeping task late."""
        return self.worst_lag + max(self.loop_late, default=0.0)

    def lines(self, speedup: float) -> list[str]:
        every = [seconds for run in self.latencies.values() for seconds in run]
        p50, p99 = percentiles(every)
        by_command = ", ".join(
            "{} {:.0f}/{:.0f} ms ({})".format(name, *percentiles(run), len(run))
            for name, run in sorted(self.latencies.items())
        )
        kinds = ", ".join(f"{k} {self.lags[k]:.1f} s ({self.runs[k]})" for k in sorted(self.lags))
        most, busiest = self.busiest
        d = self.delivery
        return [
            f"due times stepped   {self.due_times}",
            f"scheduler lag       worst {self.worst_lag:.1f} s from due to queued, by job"
            f" (occurrences): {kinds}; the busiest tick ran {most} occurrences"
            + (f" (due {busiest:%a %H:%M} UTC)" if busiest else "")
            + "; plus the event loop's worst lateness for the ticker's wake-up",
            f"delivery            {d.elapsed:.1f} s for {d.posts} posts in {d.batches} batches"
            f" at 50 requests/s and 1 message/s per channel against a minimum of"
            f" {d.minimum:.1f} s: {d.ratio:.2f}x; then {self.fast_posts} posts at {speedup:g}x"
            f" those limits (not timed); {self.rejected} 429s",
            f"posts               {self.tally.expected} expected, {self.tally.delivered}"
            f" delivered, {self.tally.lost} lost, {self.tally.duplicated} duplicated,"
            f" {self.tally.unknown} unknown, {self.failed_rows} rows failed",
            f"commands            {len(every)} run during the week: p50 {p50:.0f} ms,"
            f" p99 {p99:.0f} ms, {self.command_errors} answered with an error;"
            f" p50/p99 by command: {by_command}"
            + "".join(f"\n  {e}" for e in sorted(self.error_lines)[:5])
            + (
                "\n  of them {} while delivering at the real limits: p50 {:.0f} ms, p99 {:.0f} ms"
                " (the others shared the process with delivery at {:g}x)".format(
                    len(self.at_real_limits), *percentiles(self.at_real_limits), speedup
                )
                if speedup > 1
                else ""
            ),
            f"memory (RSS)        idle {self.idle_mb:.0f} MB, peak {self.peak_mb:.0f} MB",
            "event loop          late to wake a task: p50 {:.0f} ms, p99 {:.0f} ms, worst"
            " {:.0f} ms ({} samples, a quarter of a second apart)".format(
                *percentiles(self.loop_late),
                max(self.loop_late, default=0) * 1000,
                len(self.loop_late),
            ),
        ]


def percentiles(seconds: list[float]) -> tuple[float, float]:
    """The p50 and p99 of `seconds`, in milliseconds."""
    ordered = sorted(seconds) or [0.0]
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return ordered[len(ordered) // 2] * 1000, p99 * 1000


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE / 2**20


def timed(
    features: tuple[Feature[Any], ...], clock: JumpClock, figures: Figures
) -> tuple[Feature[Any], ...]:
    """The registry with every job of every feature measured: the real seconds from an
    occurrence's due time to the end of its job."""

    def measure(job: Job) -> Job:
        def record(occurrence: Occurrence) -> None:
            lag = (clock.now() - occurrence.due_at).total_seconds()
            figures.lags[job.kind] = max(figures.lags.get(job.kind, 0.0), lag)
            figures.runs[job.kind] = figures.runs.get(job.kind, 0) + 1

        async def run(tx: Any, community: Any, occurrence: Occurrence) -> None:
            assert job.run is not None
            await job.run(tx, community, occurrence)
            record(occurrence)

        async def decide(tx: Any, batch: Sequence[tuple[Any, Occurrence]]) -> Decisions:
            assert job.decide is not None
            writes = await job.decide(tx, batch)
            due = {community.id: occurrence for community, occurrence in batch}

            def measured(write: Write, occurrence: Occurrence) -> Write:
                async def measured(tx: Any) -> None:
                    await write(tx)
                    record(occurrence)

                return measured

            # Only what is written counts as run, as the scheduler counts it.
            return {i: measured(write, due[i]) for i, write in writes.items()}

        return replace(
            job,
            run=None if job.run is None else run,
            decide=None if job.decide is None else decide,
        )

    def wrap(feature: Feature[Any]) -> Feature[Any]:
        def jobs(service: Any, services: Any) -> tuple[Job, ...]:
            return tuple(measure(j) for j in feature.jobs(service, services))

        return replace(feature, jobs=jobs)

    return tuple(wrap(f) for f in features)


async def _expected(db: Database, end: datetime) -> tuple[set[str], int]:
    """The keys of every row due by `end`, and how many rows failed."""
    async with db.read() as tx:
        rows = (
            await tx.execute(
                sa.select(
                    outbox.c.key, outbox.c.status, outbox.c.next_attempt_at, outbox.c.attempts
                )
            )
        ).all()
    keys = {r.key for r in rows if not (r.attempts == 0 and r.next_attempt_at > end)}
    return keys, sum(r.status == Status.FAILED.value for r in rows)


class Drainers:
    """A drainer per platform, running until stopped (between batches, when idle)."""

    def __init__(self, cohort: Cohort, clock: JumpClock, platforms: list[LimitedPlatform]):
        self._drainers = [Drainer(cohort.db, clock, p, metrics=cohort.metrics) for p in platforms]
        self._tasks = [asyncio.ensure_future(d.run(poll_seconds=0.5)) for d in self._drainers]

    def wake(self) -> None:
        for drainer in self._drainers:
            drainer.wake()

    def states(self) -> list[str]:
        """Each drainer's task: running, or how it ended."""
        return [
            "running" if not t.done() else "cancelled" if t.cancelled() else repr(t.exception())
            for t in self._tasks
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


async def _commands(cohort: Cohort, world: World, rate: float, figures: Figures) -> None:
    """Members' commands at `rate` a second, each run concurrently as the platforms do."""
    rng = random.Random(5)
    lines, weights = zip(*COMMANDS, strict=True)
    running: set[asyncio.Task[None]] = set()

    async def one(caller: Caller, line: str) -> None:
        started, real = time.perf_counter(), figures.real
        answer = await cohort.dispatcher.run_line(caller, line)
        name, took = line.split()[0], time.perf_counter() - started
        figures.latencies.setdefault(name, []).append(took)
        if real and figures.real:
            figures.at_real_limits.append(took)
        if isinstance(answer, Reply) and answer.tone is Tone.ERROR:
            figures.command_errors += 1
            figures.error_lines.add(f"{name}: {answer.body[:80]}")

    index, user = world.users[0]
    warm = Caller(MemberRef(CommunityRef(*world.refs[index]), user), display_name=user)
    for line in lines:  # not timed: the first card starts the drawing process
        await cohort.dispatcher.run_line(warm, line)
    try:
        while True:
            await asyncio.sleep(1 / rate)
            index, user = rng.choice(world.users)
            platform, external = world.refs[index]
            caller = Caller(MemberRef(CommunityRef(platform, external), user), display_name=user)
            task = asyncio.ensure_future(one(caller, rng.choices(lines, weights)[0]))
            running.add(task)
            task.add_done_callback(running.discard)
    finally:
        # A command still running well after the week is counted and reported, not waited
        # for without end.
        if running:
            _, left = await asyncio.wait(running, timeout=LEFT_RUNNING_SECONDS)
            for task in left:
                task.cancel()
            if left:
                figures.command_errors += len(left)
                figures.error_lines.add(
                    f"{len(left)} command(s) still running {LEFT_RUNNING_SECONDS:g} s after"
                    " the week: cancelled"
                )


async def _sample(figures: Figures) -> None:
    """The resident memory, and how late the event loop wakes a sleeping task: a command
    waits that long for each of its turns on the loop."""
    loop = asyncio.get_running_loop()
    while True:
        figures.peak_mb = max(figures.peak_mb, rss_mb())
        asleep = loop.time()
        await asyncio.sleep(SAMPLE_SECONDS)
        figures.loop_late.append(max(0.0, loop.time() - asleep - SAMPLE_SECONDS))


async def run_week(
    url: str,
    world: World,
    server: FeedServer,
    platforms: list[LimitedPlatform],
    options: Options,
    timer: Phases,
) -> Figures:
    figures = Figures()
    clock = JumpClock(START - timedelta(hours=1))
    settings = Settings(database_url=url, parse_workers=0, _env_file=None)
    limits = FetchLimits(concurrency=50, per_host=50)  # one local host serves every feed
    sessions = session_factory(limits, AllowList.parse("127.0.0.1"))
    local = digests_feature(fetcher=lambda shared: FeedFetcher(sessions, limits, shared.clock))
    features = timed(with_digests(FEATURES, local), clock, figures)
    cohort = Cohort(settings, clock, Database.connect(url), features)
    serve_feeds(server, world)
    background: list[asyncio.Future[None]] = []
    try:
        await cohort.start()
        with timer.phase("refresh feeds"):
            await cohort.digests.refresh(clock.now())
        gc.collect()
        figures.idle_mb = rss_mb()
        background = [
            asyncio.ensure_future(_sample(figures)),
            asyncio.ensure_future(_commands(cohort, world, options.command_rate, figures)),
        ]
        with timer.phase("week"):
            await _step(cohort, clock, platforms, options, figures)
        keys, figures.failed_rows = await _expected(cohort.db, clock.now())
        figures.tally = tally(keys, platforms)
        figures.rejected = sum(p.rejected for p in platforms)
    finally:
        for task in background:
            task.cancel()
        await asyncio.gather(*background, return_exceptions=True)
        await cohort.close()
    return figures


async def _step(
    cohort: Cohort,
    clock: JumpClock,
    platforms: list[LimitedPlatform],
    options: Options,
    figures: Figures,
) -> None:
    """Every due time of the week, then its end: jump, tick, deliver everything due."""
    drainers = Drainers(cohort, clock, platforms)
    try:
        while True:
            due = await cohort.scheduler.next_due(clock.now(), END)
            clock.jump_to(due or END)
            since = [len(p.arrivals) for p in platforms]
            before = sum(figures.runs.values())
            await cohort.scheduler.tick()
            figures.busiest = max(
                figures.busiest, (sum(figures.runs.values()) - before, due), key=lambda b: b[0]
            )
            figures.due_times += due is not None
            drainers.wake()
            await _settled(cohort.db, clock, drainers)
            for platform, start in zip(platforms, since, strict=True):
                if figures.real:
                    figures.delivery.add(platform, start)
                else:
                    figures.fast_posts += len(platform.arrivals) - start
            if due is None:
                break
            delivered = sum(len(p.arrivals) for p in platforms)
            if figures.real and options.speedup > 1 and delivered >= options.slice:
                await drainers.stop()
                for platform in platforms:
                    platform.scale(options.speedup, platform.rate, platform.channel_interval)
                drainers = Drainers(cohort, clock, platforms)
                figures.real = False
    finally:
        await drainers.stop()


async def _settled(db: Database, clock: JumpClock, drainers: Drainers) -> None:
    """Wait for the outbox to be empty (the drainers look for retries every half second); a
    wait in which nothing settles for STALLED_SECONDS fails, saying what is left and why,
    rather than waiting without end."""
    left, since = -1, time.monotonic()
    while True:
        count = await count_unsettled(db, clock.now(), retries=True)
        if not count:
            return
        if count != left:
            left, since = count, time.monotonic()
        elif time.monotonic() - since > STALLED_SECONDS:
            raise RuntimeError(await _stall(db, clock, drainers, count))
        await asyncio.sleep(0.1)


async def _stall(db: Database, clock: JumpClock, drainers: Drainers, count: int) -> str:
    """What a stalled outbox holds, and whether its drainers still run."""
    columns = ("key", "status", "attempts", "next_attempt_at", "lease_until", "last_error")
    async with db.read() as tx:
        rows = (
            await tx.execute(
                sa.select(*(outbox.c[name] for name in columns))
                .where(outbox.c.status.in_((Status.PENDING.value, Status.SENDING.value)))
                .order_by(outbox.c.id)
                .limit(5)
            )
        ).all()
    shown = "; ".join(" ".join(str(value) for value in row) for row in rows)
    return (
        f"the outbox stalled at {clock.now():%a %H:%M:%S}: {count} row(s) unsettled for"
        f" {STALLED_SECONDS:g} s, drainers {drainers.states()}; first: {shown}"
    )
