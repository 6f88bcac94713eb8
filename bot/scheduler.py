"""The scheduler: turns each community's schedules into occurrences and runs each one once.

The database is the source of truth. On every tick, for each job and community, the latest
occurrence at or before now is computed in the community's time zone (APScheduler's
CronTrigger) and claimed by inserting a row keyed by its *local wall time*; only the process
whose insert succeeds acts on it, in the same transaction as the claim, writing outbox rows.
Processes sharing a PostgreSQL database share a due time's occurrences: one another process
is running (or deciding, for a sweep) is passed over (an advisory lock tried, never waited
on) rather than waited for, and a sweep's occurrence one has decided is not decided again.

Rules, all tested:
- An occurrence missed by at most the catch-up window runs once, late, marked `late`; an older
  one is recorded as `skipped`. Only the latest missed occurrence of a schedule is considered,
  so a clock that jumps three weeks gives one catch-up or one skip, never three posts.
- A local time that does not exist on a spring-forward day runs as many minutes after the
  switch as it was meant to be after the hour (02:30 becomes 03:30 in Europe/Berlin).
- A local time that happens twice on a fall-back day runs once, at its first instant: both
  instants share one local-wall-time key.
- Occurrences from before a community existed never run.
- A paused community's occurrences (its platform took Cohort out) are recorded as skipped,
  so resuming it never replays them; whatever was queued before the pause stays queued.
- A sweep (a job with a `pending` check: the hourly reminders and retros, whose posts are
  idempotent by their outbox keys) claims an occurrence only where its read-only check finds
  work (and, one that decides before it writes, only where it writes); elsewhere, and for its
  older missed or skipped occurrences, it leaves no row. Its next run looks again.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Collection, Sequence
from datetime import datetime, timedelta

from bot import claims
from bot.clock import Clock
from bot.communities.chunked import FAILED, together
from bot.communities.model import Community, Schedule
from bot.due_times import DueTimes, in_turns, scheduled
from bot.fire_times import local_key, occurrences_between
from bot.jobs import Decide, Job, Occurrence, Write, nothing_to_write
from bot.metrics import Metrics
from bot.storage.database import Database
from bot.storage.transaction import Transaction

log = logging.getLogger(__name__)

LATE_AFTER = timedelta(minutes=5)
TOGETHER = 50
"""Communities a sweep decides with one call (a few queries for all of them, not a few each)
and then writes in one transaction (one each made it wait for SQLite's write turn once per
community, behind every delivery queued meanwhile). 250 decided at once took as long but held
the event loop longer: a member's command during Sunday 17:00 UTC at the full size waited
162 ms at p99, 62 ms with 50; 20 to a write transaction made that sweep 30 s, not 17."""
REREAD = 60.0
"""Real seconds the scheduler keeps its list of communities when this process changed none
(another process's changes are seen within this time)."""


Claim = tuple[Community, tuple[list[datetime], str, Write]]
"""A community's occurrences to claim (the latest runs, the older ones are skipped), the
latest's status, and the step that runs it."""

Communities = Callable[[], Awaitable[list[Community]]]
"""Every community with its schedules: `CommunityService.all` (the scheduler reads no
feature's tables itself)."""


class Scheduler:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        jobs: list[Job],
        catchup: timedelta,
        communities: Communities,
        metrics: Metrics | None = None,
        version: Callable[[], int] | None = None,
    ) -> None:
        self._db = db
        self._all_communities = communities
        # With `version` (it changes with every change this process makes to a community),
        # the communities are read again only when it changed or REREAD seconds have passed
        # (changes made by another process); without it, at every tick.
        self._version = version
        self._known: tuple[int, float, list[Community]] | None = None
        self._metrics = metrics or Metrics()
        self._clock = clock
        self._jobs = jobs
        self._catchup = catchup
        # The newest occurrence each (community, kind) has settled, so most ticks need no
        # database work; the claim table stays the source of truth.
        self._settled: dict[tuple[int, str], datetime | None] = {}
        self._due = DueTimes(jobs)
        self._ticked_at: datetime | None = None  # the clock when the last tick began

    async def tick(self) -> int:
        """Run every due occurrence once; returns how many ran (late ones included)."""
        return await self._tick(await self._communities())

    async def step_until(
        self,
        move_to: Callable[[datetime], None],
        until: datetime,
        after_tick: Callable[[], Awaitable[object]],
    ) -> None:
        """Move a simulated clock (`move_to` sets it) through every occurrence up to `until`,
        ticking at each and then calling `after_tick` (deliver what the tick queued): how the
        console and tests make time pass."""
        while True:
            communities = await self._communities()
            due = await self._due.first(communities, self._clock.now(), until)
            if due is None:
                break
            move_to(due)
            await self._tick(communities)
            await after_tick()
        if until > self._clock.now():
            move_to(until)
        await self.tick()
        await after_tick()

    async def _tick(self, communities: Sequence[Community]) -> int:
        now = self._ticked_at = self._clock.now()
        await self._load_settled(communities)
        between: dict[tuple[Schedule, str, datetime], list[datetime]] = {}
        plans: list[tuple[Job, Community, list[datetime]]] = []
        async for some in in_turns(communities):
            for community, job, schedule in scheduled(some, self._jobs):
                settled = self._settled.get((community.id, job.kind))
                floor = max(community.created_at, settled or community.created_at)
                # Many communities share a schedule, a zone and a floor: compute them once.
                shared = (schedule, community.timezone, floor)
                if shared not in between:
                    between[shared] = occurrences_between(schedule, community.timezone, floor, now)
                if between[shared]:
                    plans.append((job, community, between[shared]))
        wanted = await self._pending(plans, now)
        ran = 0
        for job, community, missed in plans:
            if job.deciding_sweep:
                continue
            try:
                ran += await self._settle(job, community, missed, now, wanted.get(job.kind))
            except Exception:
                log.exception(FAILED, job.kind, community.id)
        # Deciding sweeps last: the posts due now must not wait behind a round of reminders.
        for job in self._jobs:
            if job.decide is not None and job.deciding_sweep:
                batch = [(c, missed) for j, c, missed in plans if j is job]
                ran += await self._sweep(job, job.decide, batch, now, wanted.get(job.kind))
        return ran

    async def _sweep(
        self,
        job: Job,
        decide: Decide,
        batch: list[tuple[Community, list[datetime]]],
        now: datetime,
        pending: Collection[int] | None,
    ) -> int:
        """A sweep that decides before it writes: TOGETHER communities' decisions read at
        once, then one write transaction (their claims, their posts) for those with something
        to write, so an hour with nothing new writes nothing and a busy one takes SQLite's
        write turn a few times, not once a community. On a database other processes share,
        each chunk is decided and written in one transaction (`_decide_and_write`)."""
        runnable: list[tuple[Community, Occurrence]] = []
        for community, missed in batch:
            latest = missed[-1]
            status = self._status(community, latest, now)
            if not self._passed_over(job, community, latest, status, pending):
                runnable.append((community, self._occurrence(job, community, latest, status, now)))

        async def decided(chunk: Sequence[tuple[Community, Occurrence]]) -> list[Claim]:
            async with self._db.read() as tx:
                writes = await decide(tx, chunk)
            for community, occurrence in chunk:
                if community.id not in writes:
                    self._settled[(community.id, job.kind)] = occurrence.due_at
            return [
                (c, ([o.due_at], "late" if o.late else "ran", writes[c.id]))
                for c, o in chunk
                if c.id in writes
            ]

        async def written(chunk: Sequence[Claim]) -> list[int]:
            return [await self._run(job, chunk, now)]

        async def shared(chunk: Sequence[tuple[Community, Occurrence]]) -> list[int]:
            return [await self._decide_and_write(job, decide, chunk, now)]

        ran = 0
        for start in range(0, len(runnable), TOGETHER):
            chunk = runnable[start : start + TOGETHER]
            if self._db.shared:
                ran += sum(await together(job.kind, chunk, shared))
                continue
            # Each chunk written as soon as it is decided: the drainers start on its posts
            # while the next chunk is decided.
            ran += sum(await together(job.kind, await together(job.kind, chunk, decided), written))
        return ran

    async def _decide_and_write(
        self, job: Job, decide: Decide, chunk: Sequence[tuple[Community, Occurrence]], now: datetime
    ) -> int:
        """A sweep's chunk on a database other processes share (PostgreSQL), decided and
        written in one transaction that holds each community's occurrence lock: a community
        another process holds is passed over (not settled: a later tick looks again), one it
        has decided already is settled, so two processes never both decide one occurrence
        and each takes the chunks the other is not on."""
        async with self._db.write() as tx:
            held = await tx.try_locks([_lock(c, job.kind, o.due_at) for c, o in chunk])
            mine = [item for item, got in zip(chunk, held, strict=True) if got]
            before = await claims.decided(tx, job.kind, [c.id for c, _ in mine])
            fresh = [(c, o) for c, o in mine if c.id not in before or before[c.id] < o.due_at]
            writes = await decide(tx, fresh) if fresh else {}
            ran: list[tuple[Community, datetime, bool]] = []
            for community, occurrence in mine:  # only those decided now have a write
                status, write = "late" if occurrence.late else "ran", writes.get(community.id)
                done = write is not None and await claims.claim(
                    tx, community, job.kind, occurrence.due_at, status, now
                )
                if write is not None and done:
                    await write(tx)
                ran.append((community, occurrence.due_at, done))
            await claims.mark_decided(tx, job.kind, [(c.id, o.due_at) for c, o in fresh])
        return self._ran(job, ran, now)

    def _status(self, community: Community, latest: datetime, now: datetime) -> str:
        if community.paused_at is not None or now - latest > self._catchup:
            return "skipped"
        return "late" if now - latest > LATE_AFTER else "ran"

    async def _pending(
        self, plans: Sequence[tuple[Job, Community, list[datetime]]], now: datetime
    ) -> dict[str, Collection[int]]:
        """Each sweep's communities with work now, asked once per tick and only for sweeps
        that have an occurrence to run somewhere."""
        sweeps = {
            job.kind: job.pending
            for job, community, missed in plans
            if job.pending is not None and self._status(community, missed[-1], now) != "skipped"
        }
        found: dict[str, Collection[int]] = {}
        if not sweeps:
            return found
        async with self._db.read() as tx:
            for kind, pending in sweeps.items():
                try:
                    found[kind] = await pending(tx, now)
                except Exception:
                    # Run the sweep everywhere rather than nowhere: its posts are idempotent.
                    log.exception("the pending check of %s failed", kind)
        return found

    async def seconds_until_due(self, longest: float) -> float:
        """How long a running bot may sleep before its next tick: until the first occurrence
        of any job after the last tick began (0 when one fell due while it ran), at most
        `longest`, so schedules changed meanwhile, here or by another process, are seen
        within that."""
        now = self._clock.now()
        after = min(self._ticked_at or now, now)
        due = await self._due.first(
            await self._communities(), after, now + timedelta(seconds=longest)
        )
        return longest if due is None else max(0.0, (due - now).total_seconds())

    async def next_due(self, after: datetime, until: datetime) -> datetime | None:
        """The first occurrence of any job in (after, until], for stepping a simulated clock."""
        return await self._due.first(await self._communities(), after, until)

    async def _communities(self) -> list[Community]:
        if self._version is None:
            return await self._all_communities()
        version, moment = self._version(), time.monotonic()
        if self._known is None or self._known[0] != version or moment - self._known[1] > REREAD:
            self._known = (version, moment, await self._all_communities())
        return self._known[2]

    async def _settle(
        self,
        job: Job,
        community: Community,
        missed: list[datetime],
        now: datetime,
        pending: Collection[int] | None,
    ) -> int:
        latest = missed[-1]
        status = self._status(community, latest, now)
        if job.pending is not None:
            # A sweep: only its latest occurrence matters, and only where there is work.
            if self._passed_over(job, community, latest, status, pending):
                return 0
            missed = [latest]
        occurrence = self._occurrence(job, community, latest, status, now)

        run: Write = nothing_to_write  # a skipped occurrence is claimed, never run
        if (decide := job.decide) is not None and status != "skipped":
            if self._db.shared:
                # Decided once claimed, under the occurrence's lock: another process running
                # it is passed over, not decided twice (a chart drawn and thrown away).

                async def run(tx: Transaction) -> None:
                    decided = await decide(tx, [(community, occurrence)])
                    await decided.get(community.id, nothing_to_write)(tx)

            else:
                # Decided before the write transaction (a report's chart must not hold
                # SQLite's write turn); claimed whether or not there is something to write.
                async with self._db.read() as tx:
                    decided = await decide(tx, [(community, occurrence)])
                run = decided.get(community.id, nothing_to_write)
        elif (job_run := job.run) is not None:

            async def run(tx: Transaction) -> None:
                await job_run(tx, community, occurrence)

        return await self._run(job, [(community, (missed, status, run))], now)

    def _passed_over(
        self,
        job: Job,
        community: Community,
        latest: datetime,
        status: str,
        pending: Collection[int] | None,
    ) -> bool:
        """Whether a sweep leaves its occurrence without a run and without a row (skipped, or
        no work where its check looked; None: the check failed, so it runs everywhere),
        settled here if so."""
        if status == "skipped" or (pending is not None and community.id not in pending):
            self._settled[(community.id, job.kind)] = latest
            return True
        return False

    def _occurrence(
        self, job: Job, community: Community, latest: datetime, status: str, now: datetime
    ) -> Occurrence:
        key = local_key(latest, community.timezone)
        return Occurrence(job.kind, latest, key, status == "late", now)

    async def _run(self, job: Job, chunk: Sequence[Claim], now: datetime) -> int:
        """In one write transaction, for each community: claim the latest of its missed
        occurrences (the older ones as skipped) and, when claimed and not skipped, run it.
        Returns how many ran."""
        ran: list[tuple[Community, datetime, bool]] = []
        async with self._db.write() as tx:
            for community, (missed, status, run) in chunk:
                latest = missed[-1]
                if not await tx.try_lock(_lock(community, job.kind, latest)):
                    # Another process is running this occurrence (PostgreSQL): the next one
                    # is taken rather than waiting on its claim. Not settled here: a later
                    # tick finds its claim, or runs it if that process's transaction failed.
                    continue
                for due in missed[:-1]:
                    await claims.claim(tx, community, job.kind, due, "skipped", now)
                claimed = await claims.claim(tx, community, job.kind, latest, status, now)
                if claimed and status != "skipped":
                    await run(tx)
                ran.append((community, latest, claimed and status != "skipped"))
        return self._ran(job, ran, now)

    def _ran(self, job: Job, ran: Sequence[tuple[Community, datetime, bool]], now: datetime) -> int:
        """After a commit: each (community, occurrence, whether it ran) settled, the lag of
        those that ran observed; returns how many ran."""
        for community, latest, done in ran:
            if done:
                lag = (now - latest).total_seconds()
                self._metrics.scheduler_lag.labels(job.kind).observe(max(0.0, lag))
            self._settled[(community.id, job.kind)] = latest
        return sum(done for _, _, done in ran)

    async def _load_settled(self, communities: Sequence[Community]) -> None:
        """The newest claim of every (community, kind) not known yet, in one query."""
        if all((c.id, job.kind) in self._settled for c in communities for job in self._jobs):
            return
        async with self._db.read() as tx:
            newest = await claims.newest(tx)
        for community in communities:
            for job in self._jobs:
                key = (community.id, job.kind)
                self._settled.setdefault(key, newest.get(key))


def _lock(community: Community, kind: str, due: datetime) -> str:
    """The name of the lock a process holds while it runs or decides an occurrence."""
    return f"occurrence:{community.id}:{kind}:{due}"
