"""Failover for the scale bench: two `cohort run` processes on PostgreSQL share two Discord
shards and the week's posts; one is SIGKILLed while posts are being delivered, and the bench
measures when its shard and its due work are taken over and whether anything was lost or
sent twice.

Both processes run with the production defaults for leases and ticks (shard lease 20 s,
outbox lease 30 s, a tick every 30 s) on a clock at real speed that starts 40 s before the
posts of every community (on the loopback Discord and Slack of bench/chaos_world.py) fall
due, so nothing is compressed here: the seconds printed are real ones.

Due work counts both halves of what the dead process left: the outbox rows it had claimed
(taken over when their lease runs out) and the occurrences it had not run, or had run in a
transaction the kill cut short (the survivor's next tick claims them). Each community's
weekly posts are expected whether or not a row was ever written for them, so an occurrence
nobody ran counts as lost; the occurrences claimed after the kill are counted apart.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.chaos import Process, _admin, _create_postgres, _environment
from bench.chaos_world import START, Deployment, seed, tally, unsettled
from bot.clock import ScaledClock
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import occurrences

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


async def _claimed_since(url: str, moment: datetime) -> int:
    """Occurrences claimed (and run, in the same transaction) at or after `moment`."""
    db = Database.connect(url)
    try:
        async with db.read() as tx:
            found = await tx.scalar(
                sa.select(sa.func.count())
                .select_from(occurrences)
                .where(occurrences.c.claimed_at >= moment)
            )
    finally:
        await db.dispose()
    return int(found or 0)


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


async def failover(admin_url: str) -> list[str]:
    """The failover figures, as lines."""
    name, url = await _create_postgres(admin_url)
    deployment = Deployment("postgresql", url, 2)
    processes: list[Process] = []
    work = Path(tempfile.mkdtemp(prefix="cohort-failover-"))
    try:
        await deployment.platforms.start(nonce_window=120.0)
        await seed(deployment, COMMUNITIES, 1)  # every post due one minute after START
        start = START + timedelta(seconds=60 - LEAD)
        clock_text = f"{start.isoformat()},{time.time() + 1.0},1"
        clock = ScaledClock.parse(clock_text)
        environment = _environment(deployment, clock_text)
        for name in ("COHORT_TICK_SECONDS", "COHORT_OUTBOX_LEASE_SECONDS"):
            del environment[name]  # the production defaults
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
        both = await _until(lambda: len(_shards(deployment)) == SHARDS, 90)
        if both is None:
            return ["failover            the two processes never held both shards"]
        if await _until(lambda: _posts(deployment) > 0, LEAD + 90) is None:
            return ["failover            no post was delivered before the kill"]
        await asyncio.sleep(0.5)  # a moment into the deliveries
        victim = processes[1]
        victim.kill()
        killed = time.monotonic()
        killed_at = clock.now()
        await victim.wait()
        gone = await _until(lambda: len(_shards(deployment)) < SHARDS, 30)
        shards = await _until(lambda: len(_shards(deployment)) == SHARDS, LIMIT)
        shard_seconds = None if shards is None else time.monotonic() - killed

        async def everything_due_delivered() -> bool:
            if await unsettled(deployment, clock.now()):
                return False
            found = await tally(deployment, clock.now())
            return not any(t.lost for t in found.values())

        done = await _until(everything_due_delivered, LIMIT)
        work_seconds = None if done is None else time.monotonic() - killed
        await asyncio.sleep(5.0)  # a late second copy would land by now
        await processes[0].stop()
        found = await tally(deployment, clock.now())
        expected = sum(t.expected for t in found.values())
        lost = sum(t.lost for t in found.values())
        duplicated = sum(t.duplicated for t in found.values())
        recovered = sum(t.recoveries for t in found.values())
        late_occurrences = await _claimed_since(url, killed_at)
        shard_lease, outbox_lease, tick = _defaults()
        return [
            f"failover            2 processes on PostgreSQL, {SHARDS} shards, one SIGKILLed"
            f" {'while' if gone is not None else 'before'} its shard was connected,"
            f" mid-delivery",
            f"  shard taken over  {_seconds(shard_seconds)} after the kill"
            f" (shard lease {shard_lease:g} s: up to two leases, then a reconnect)",
            f"  due work done     {_seconds(work_seconds)} after the kill"
            f" ({recovered} deliveries cut short were recovered, outbox lease {outbox_lease:g} s;"
            f" {late_occurrences} occurrences claimed after the kill, a tick every {tick:g} s)",
            f"  posts             {expected} expected, {expected - lost} delivered, {lost} lost,"
            f" {duplicated} duplicated",
        ]
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
