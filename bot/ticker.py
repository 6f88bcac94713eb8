"""Drives the scheduler in a running bot: it ticks at each due time (and at least every few
seconds), and on SQLite a file lock makes sure only one process schedules."""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.scheduler import Scheduler

log = logging.getLogger(__name__)


class SchedulerBusy(Exception):
    """Another process already schedules on this SQLite file."""


class SchedulerLock:
    """An exclusive lock beside a SQLite database file. The OS releases it when the process
    dies, so a crash never leaves a stale lock. PostgreSQL needs none: claims are rows."""

    def __init__(self, database_url: str) -> None:
        url = make_url(database_url)
        database = url.database if url.get_backend_name() == "sqlite" else None
        self._path = (
            Path(f"{database}.scheduler-lock") if database and database != ":memory:" else None
        )
        self._fd: int | None = None

    def acquire(self) -> None:
        if self._path is None or self._fd is not None:
            return
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise SchedulerBusy(
                f"another Cohort process is already running the scheduler on {self._path.stem}; "
                "SQLite supports one scheduling process. Stop the other one, or move to "
                "PostgreSQL to run several."
            ) from None
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


STOP_GRACE = 10.0
"""Seconds a tick under way at shutdown may take to finish its transaction."""


async def run_ticker(scheduler: Scheduler, seconds: float, after_tick: Callable[[], None]) -> None:
    """Tick at each due time until cancelled: after a tick, sleep until the next occurrence of
    any job, or `seconds` at most (schedules changed meanwhile are seen within that). A slow
    tick is never run twice at once, and whatever fell due while it ran is run by the next
    tick, at once. When cancelled, a tick under way finishes first (within STOP_GRACE
    seconds), so a shutdown neither cuts a round of posts in half nor logs the cut as a
    failure."""
    under_way: asyncio.Task[float] | None = None

    async def tick_once() -> float:
        try:
            ran = await scheduler.tick()
            log.debug("scheduler tick: %s", "ran what was due" if ran else "nothing due")
            if ran:
                after_tick()
        except Exception:
            log.exception("scheduler tick failed")
        try:
            return await scheduler.seconds_until_due(seconds)
        except Exception:
            log.exception("looking for the next due time failed")
            return seconds

    try:
        while True:
            under_way = asyncio.ensure_future(tick_once())
            # Shielded: a cancellation stops the loop, and the finally below decides how long
            # the tick under way may still take.
            pause = await asyncio.shield(under_way)
            await asyncio.sleep(pause)
    finally:
        if under_way is not None and not under_way.done():
            log.info("letting the scheduler tick under way finish")
            try:
                await asyncio.wait_for(under_way, STOP_GRACE)
            except TimeoutError:
                log.warning("the scheduler tick did not finish in %g s; stopped it", STOP_GRACE)
