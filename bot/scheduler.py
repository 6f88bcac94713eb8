"""The scheduler: turns each community's schedules into occurrences and runs each one once.

The database is the source of truth. On every tick, for each job and community, the latest
occurrence at or before now is computed in the community's time zone (APScheduler's
CronTrigger) and claimed by inserting a row keyed by its *local wall time*; only the process
whose insert succeeds acts on it, in the same transaction as the claim, writing outbox rows.

Rules, all tested:
- An occurrence missed by at most the catch-up window runs once, late, marked `late`; an older
  one is recorded as `skipped`. Only the latest missed occurrence of a schedule is considered,
  so a clock that jumps three weeks gives one catch-up or one skip, never three posts.
- A local time that does not exist on a spring-forward day runs as many minutes after the
  switch as it was meant to be after the hour (02:30 becomes 03:30 in Europe/Berlin).
- A local time that happens twice on a fall-back day runs once, at its first instant: both
  instants share one local-wall-time key.
- Occurrences from before a community existed never run.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from apscheduler.triggers.cron import CronTrigger

from bot.clock import Clock
from bot.communities.model import WEEKDAYS, Community, Schedule
from bot.metrics import Metrics
from bot.storage.database import Database
from bot.storage.tables import occurrences
from bot.storage.transaction import Transaction

log = logging.getLogger(__name__)

LATE_AFTER = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Occurrence:
    kind: str
    due_at: datetime  # UTC
    local_key: str  # YYYY-MM-DDTHH:MM in the community's zone
    late: bool
    started_at: datetime | None = None  # when the run began (the tick); None: at due_at

    @property
    def local_date(self) -> date:
        return date.fromisoformat(self.local_key[:10])


@dataclass(frozen=True, slots=True)
class Job:
    """A kind of scheduled work. `schedule` says when it runs for a community (None: not
    there); `run` does it inside the claiming transaction and writes outbox rows."""

    kind: str
    schedule: Callable[[Community], Schedule | None]
    run: Callable[[Transaction, Community, Occurrence], Awaitable[None]]


@functools.lru_cache(maxsize=1024)
def trigger(schedule: Schedule, timezone: str) -> CronTrigger:
    """The schedule's cron trigger; cached, since every tick asks for each community's."""
    zone = ZoneInfo(timezone)
    if schedule.cron:
        return CronTrigger.from_crontab(schedule.cron, timezone=zone)
    hour, minute = schedule.local_time.split(":")
    return CronTrigger(
        day_of_week=WEEKDAYS[schedule.weekday], hour=int(hour), minute=int(minute), timezone=zone
    )


def occurrences_between(
    schedule: Schedule, timezone: str, start: datetime, end: datetime, limit: int = 500
) -> list[datetime]:
    """Fire times t with start < t <= end, in UTC, oldest first (at most `limit`, the newest)."""
    cron = trigger(schedule, timezone)
    found: list[datetime] = []
    cursor = start
    while (fire := next_fire(cron, cursor)) is not None and fire <= end:
        found.append(fire)
        if len(found) > limit:
            found.pop(0)
        cursor = fire
    return found


def next_fire(cron: CronTrigger, after: datetime) -> datetime | None:
    """The first fire time strictly after `after`, in UTC.

    CronTrigger can return the second instant of a fall-back fold again and again when asked
    for the time after it; stepping the cursor past the fold gets it moving forward."""
    cursor = after + timedelta(microseconds=1)
    for _ in range(8):
        found: datetime | None = cron.get_next_fire_time(None, cursor)
        if found is None:
            return None
        fire = found.astimezone(UTC)
        if fire > after:
            return fire
        cursor += timedelta(minutes=30)
    return None


def local_key(moment: datetime, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%dT%H:%M")


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
    ) -> None:
        self._db = db
        self._all_communities = communities
        self._metrics = metrics or Metrics()
        self._clock = clock
        self._jobs = jobs
        self._catchup = catchup
        # The newest occurrence each (community, kind) has settled, so most ticks need no
        # database work; the claim table stays the source of truth.
        self._settled: dict[tuple[int, str], datetime | None] = {}

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
            due = self._first_due(communities, self._clock.now(), until)
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
        now = self._clock.now()
        ran = 0
        for community in communities:
            for job in self._jobs:
                schedule = job.schedule(community)
                if schedule is None or not schedule.enabled:
                    continue
                try:
                    ran += await self._settle(job, community, schedule, now)
                except Exception:
                    log.exception("scheduled %s failed for community %s", job.kind, community.id)
        return ran

    async def next_due(self, after: datetime, until: datetime) -> datetime | None:
        """The first occurrence of any job in (after, until], for stepping a simulated clock."""
        return self._first_due(await self._communities(), after, until)

    def _first_due(
        self, communities: Sequence[Community], after: datetime, until: datetime
    ) -> datetime | None:
        best: datetime | None = None
        for community in communities:
            for job in self._jobs:
                schedule = job.schedule(community)
                if schedule is None or not schedule.enabled:
                    continue
                first = next_fire(trigger(schedule, community.timezone), after)
                if first is not None and first <= until and (best is None or first < best):
                    best = first
        return best

    async def _communities(self) -> list[Community]:
        return await self._all_communities()

    async def _settle(
        self, job: Job, community: Community, schedule: Schedule, now: datetime
    ) -> int:
        key = (community.id, job.kind)
        if key not in self._settled:
            self._settled[key] = await self._last_claimed(community, job.kind)
        floor = max(community.created_at, self._settled[key] or community.created_at)
        missed = occurrences_between(schedule, community.timezone, floor, now)
        if not missed:
            return 0
        latest = missed[-1]
        if now - latest > self._catchup:
            status = "skipped"
        else:
            status = "late" if now - latest > LATE_AFTER else "ran"
        ran = 0
        async with self._db.write() as tx:
            for due in missed[:-1]:
                await self._claim(tx, community, job.kind, due, "skipped", now)
            claimed = await self._claim(tx, community, job.kind, latest, status, now)
            if claimed and status != "skipped":
                occurrence = Occurrence(
                    job.kind, latest, local_key(latest, community.timezone), status == "late", now
                )
                await job.run(tx, community, occurrence)
                ran = 1
        if ran:
            lag = (now - latest).total_seconds()
            self._metrics.scheduler_lag.labels(job.kind).observe(max(0.0, lag))
        self._settled[key] = latest
        return ran

    async def _last_claimed(self, community: Community, kind: str) -> datetime | None:
        async with self._db.read() as tx:
            found: datetime | None = await tx.scalar(
                sa.select(sa.func.max(occurrences.c.due_at)).where(
                    occurrences.c.community_id == community.id, occurrences.c.kind == kind
                )
            )
        return found

    async def _claim(
        self,
        tx: Transaction,
        community: Community,
        kind: str,
        due: datetime,
        status: str,
        now: datetime,
    ) -> bool:
        result = await tx.execute(
            tx.insert_ignoring_conflicts(
                occurrences,
                {
                    "community_id": community.id,
                    "kind": kind,
                    "local_key": local_key(due, community.timezone),
                    "due_at": due,
                    "status": status,
                    "claimed_at": now,
                },
            )
        )
        claimed = bool(result.rowcount)
        if claimed and status == "skipped":
            log.info("skipped %s for community %s due %s", kind, community.id, due.isoformat())
        return claimed
