"""Failover for the scale bench: two `cohort run` processes on PostgreSQL share two Discord
shards and the week's posts; one is SIGKILLed while posts are being delivered, and the bench
measures when its shard and its due work are taken over and whether anything was lost or
sent twice.

Both processes run with the production defaults for leases and ticks (shard lease 20 s,
outbox lease 30 s, a tick every 30 s) on a clock at real speed that starts 40 s before the
posts of every community (on the loopback Discord and Slack of bench/chaos_world.py) fall
due, so nothing is compressed here: the seconds printed are real ones.

What the dead process left has two halves, each timed from the kill: the outbox rows it had
claimed ("claims taken over": every row being delivered at the kill is delivered or claimed
again, once its lease ran out) and the occurrences it had not run, or had run in a
transaction the kill cut short ("occurrences": claimed by the survivor's next tick; the
seconds to the start of that tick). "Due work done" is every post due delivered, which on top
of the takeover takes the time the survivor needs for the whole round alone (at Slack's pace
of 4 posts a second, 140 Slack posts take 35 s). Each community's weekly posts are expected
whether or not a row was ever written for them, so an occurrence nobody ran counts as lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.chaos import Process, _admin, _create_postgres, _environment
from bench.chaos_world import START, Deployment, seed, tally, unsettled
from bot.clock import ScaledClock
from bot.outbox import Status
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import occurrences, outbox

COMMUNITIES = 20  # per platform
LEAD = 40.0  # real seconds from the processes' start to the posts falling due
SHARDS = 2
LIMIT = 300.0  # real seconds allowed for the takeover before the bench gives up


def _defaults() -> tuple[float, float, float]:
    """The production defaults the processes run with: shard lease, outbox lease, tick."""
    settings = Settings(_env_file=None)
    return (
        settings.discord_shard_lease_seconds,
        settings.outbox_lease_seconds,
        settings.tick_seconds,
    )


async def _occurrences(url: str) -> int:
    """Occurrences claimed so far (each run in the transaction that claimed it)."""
    db = Database.connect(url)
    try:
        async with db.read() as tx:
            found = await tx.scalar(sa.select(sa.func.count()).select_from(occurrences))
    finally:
        await db.dispose()
    return int(found or 0)


async def _claims(url: str, ids: set[int] | None = None) -> dict[int, tuple[str, str, int]]:
    """Outbox rows (those being delivered, or those of `ids`): status, owner, recoveries."""
    query = sa.select(outbox.c.id, outbox.c.status, outbox.c.owner, outbox.c.recoveries)
    if ids is None:
        query = query.where(outbox.c.status == Status.SENDING.value)
    else:
        query = query.where(outbox.c.id.in_(sorted(ids)))
    db = Database.connect(url)
    try:
        async with db.read() as tx:
            return {r.id: (r.status, str(r.owner), r.recoveries) for r in await tx.execute(query)}
    finally:
        await db.dispose()


class _Claims:
    """The rows being delivered at the kill, watched until each left the claim it was under
    then: delivered by the survivor, or taken over from the killed process (recovered). The
    killed process's rows are told apart at the end: they are the ones recovered since."""

    def __init__(self, url: str, at_kill: dict[int, tuple[str, str, int]]) -> None:
        self._url = url
        self._at_kill = at_kill
        self._left: dict[int, float] = {}  # seconds after the kill each left its claim

    async def all_left(self, since_kill: float) -> bool:
        now = await _claims(self._url, set(self._at_kill) - set(self._left))
        for row_id, (status, owner, recoveries) in now.items():
            _, owner_then, recoveries_then = self._at_kill[row_id]
            if (
                status != Status.SENDING.value
                or owner != owner_then
                or recoveries != recoveries_then
            ):
                self._left[row_id] = since_kill
        for row_id in set(self._at_kill) - set(self._left) - set(now):
            self._left[row_id] = since_kill  # deleted: not this bench's doing, but gone
        return len(self._left) == len(self._at_kill)

    async def taken_over(self) -> tuple[int, float | None]:
        """How many of the killed process's rows were taken over, and when the last was."""
        now = await _claims(self._url, set(self._at_kill))
        theirs = [i for i, (_, _, r) in now.items() if r > self._at_kill[i][2]]
        return len(theirs), max((self._left[i] for i in theirs if i in self._left), default=None)


def _posts(deployment: Deployment) -> int:
    discord, slack = deployment.platforms.discord, deployment.platforms.slack
    return len(slack.posted_keys()) + sum(len(m) for m in discord.messages.values())


def _shards(deployment: Deployment) -> list[tuple[int, int]]:
    return sorted(c.shard for c in deployment.platforms.discord._connections)


async def _until(check: object, limit: float) -> float | None:
    """Seconds until `check()` is true (polled), or None after `limit` seconds."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        result = check()  # type: ignore[operator]
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return time.monotonic() - started
        await asyncio.sleep(0.2)
    return None


@dataclass
class _Round:
    """What one round measured, in real seconds from the kill (or from the same moment when
    nothing is killed); None: not within LIMIT."""

    waiting: int = 0  # posts queued and not delivered yet at that moment
    shards: float | None = None
    stranded: int = 0  # rows the killed process was delivering, taken over
    claims: float | None = None  # when the last of them was
    occurrences: int = 0  # run after that moment
    last_occurrence: float | None = None  # when the last of them was seen claimed
    done: float | None = None
    expected: int = 0
    lost: int = 0
    duplicated: int = 0
    recovered: int = 0


async def failover(admin_url: str) -> list[str]:
    """The failover figures, as lines: a round where one process is killed, and the same
    round where none is, for how long the survivor's share of the work takes anyway."""
    try:
        killed = await _round(admin_url, kill=True)
        calm = await _round(admin_url, kill=False)
    except RuntimeError as error:
        return [f"failover            {error}"]
    shard_lease, outbox_lease, tick = _defaults()
    ran = (
        f" by {killed.last_occurrence:.1f} s"
        if killed.occurrences and killed.last_occurrence is not None
        else ""
    )
    return [
        f"failover            2 processes on PostgreSQL, {SHARDS} shards, one SIGKILLed"
        f" mid-delivery, {killed.waiting} posts queued and not delivered yet then",
        f"  shard taken over  {_seconds(killed.shards)} after the kill"
        f" (shard lease {shard_lease:g} s: up to two leases, then a reconnect)",
        (
            f"  claims taken over {_seconds(killed.claims)} after the kill: the"
            f" {killed.stranded} outbox rows the killed process was delivering claimed again"
            f" (outbox lease {outbox_lease:g} s)"
            if killed.stranded
            else "  claims taken over none to take over: the killed process held no outbox row"
            " at the kill"
        ),
        f"  occurrences       {killed.occurrences} run after the kill{ran}"
        f" (a tick every {tick:g} s)",
        f"  due work done     {_seconds(killed.done)} after the kill: every post due delivered"
        f" ({killed.recovered} deliveries cut short were recovered); without a kill, from the"
        f" same moment: {_seconds(calm.done)}",
        f"  posts             {killed.expected} expected, {killed.expected - killed.lost}"
        f" delivered, {killed.lost} lost, {killed.duplicated} duplicated (without a kill:"
        f" {calm.expected} expected, {calm.lost} lost, {calm.duplicated} duplicated)",
    ]


async def _round(admin_url: str, *, kill: bool) -> _Round:
    name, url = await _create_postgres(admin_url)
    deployment = Deployment("postgresql", url, 2)
    processes: list[Process] = []
    work = Path(tempfile.mkdtemp(prefix="cohort-failover-"))
    found = _Round()
    try:
        await deployment.platforms.start(nonce_window=120.0)
        await seed(deployment, COMMUNITIES, 1)  # every post due one minute after START
        start = START + timedelta(seconds=60 - LEAD)
        clock_text = f"{start.isoformat()},{time.time() + 1.0},1"
        clock = ScaledClock.parse(clock_text)
        environment = _environment(deployment, clock_text)
        for setting in ("COHORT_TICK_SECONDS", "COHORT_OUTBOX_LEASE_SECONDS"):
            del environment[setting]  # the production defaults
        environment.update(
            DISCORD_SHARD_COUNT=str(SHARDS),
            DISCORD_SHARDS_PER_PROCESS="1",
            COHORT_LOG_LEVEL="INFO",
        )
        for n in range(2):
            processes.append(Process(f"pg-{n}", environment, work / f"pg-{n}.log"))
            await processes[-1].start()
            if n == 0:  # the first takes shard 0 before the second starts
                await _until(lambda: len(_shards(deployment)) == 1, 60)
        if await _until(lambda: len(_shards(deployment)) == SHARDS, 90) is None:
            raise RuntimeError("the two processes never held both shards")
        if await _until(lambda: _posts(deployment) > 0, LEAD + 90) is None:
            raise RuntimeError("no post was delivered before the kill")
        await asyncio.sleep(0.5)  # a moment into the deliveries
        if kill:
            processes[1].kill()
        killed = time.monotonic()
        claims = _Claims(url, await _claims(url))  # both processes': the victim's among them
        ran_before = await _occurrences(url)
        found.waiting = await unsettled(deployment, clock.now())
        if kill:
            await processes[1].wait()
        gone = False
        last_count, last_seen = ran_before, None

        async def shards_back() -> bool:
            # Once the fake saw the victim's shard go (its connection closed), connected again.
            nonlocal gone
            gone = gone or len(_shards(deployment)) < SHARDS
            return gone and len(_shards(deployment)) == SHARDS

        async def claims_left() -> bool:
            return await claims.all_left(time.monotonic() - killed)

        async def everything_due_delivered() -> bool:
            nonlocal last_count, last_seen
            count = await _occurrences(url)
            if count != last_count:
                last_count, last_seen = count, time.monotonic() - killed
            if await unsettled(deployment, clock.now()):
                return False
            tallied = await tally(deployment, clock.now())
            return not any(t.lost for t in tallied.values())

        since = time.monotonic() - killed
        shards, _, done = (
            None if seconds is None else seconds + since
            for seconds in await asyncio.gather(
                _until(shards_back, LIMIT if kill else 0),
                _until(claims_left, LIMIT),
                _until(everything_due_delivered, LIMIT),
            )
        )
        found.shards, found.done = shards, done
        found.stranded, found.claims = await claims.taken_over()
        found.occurrences, found.last_occurrence = last_count - ran_before, last_seen
        await asyncio.sleep(5.0)  # a late second copy would land by now
        await processes[0].stop()
        await processes[1].stop()
        tallied = await tally(deployment, clock.now())
        found.expected = sum(t.expected for t in tallied.values())
        found.lost = sum(t.lost for t in tallied.values())
        found.duplicated = sum(t.duplicated for t in tallied.values())
        found.recovered = sum(t.recoveries for t in tallied.values())
        return found
    finally:
        for process in processes:
            process.kill()
        for process in processes:
            with contextlib.suppress(Exception):
                await process.wait()
        await deployment.platforms.close()
        shutil.rmtree(work, ignore_errors=True)
        with contextlib.suppress(Exception):
            await _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _seconds(value: float | None) -> str:
    return "not within 300 s" if value is None else f"{value:.1f} s"
