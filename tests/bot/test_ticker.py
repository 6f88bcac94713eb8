"""The running bot's ticker and the one-scheduler-per-SQLite-file lock."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from bot import ticker
from bot.ticker import SchedulerBusy, SchedulerLock, run_ticker


def test_a_second_scheduler_on_the_same_sqlite_file_is_refused_with_the_reason(
    tmp_path: Path,
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'cohort.db'}"
    first, second = SchedulerLock(url), SchedulerLock(url)
    first.acquire()
    with pytest.raises(SchedulerBusy, match="SQLite supports one scheduling process"):
        second.acquire()
    first.release()
    second.acquire()  # free again once the first one stopped
    second.release()


def test_postgresql_needs_no_lock() -> None:
    url = "postgresql+asyncpg://postgres@127.0.0.1:5432/cohort"
    first, second = SchedulerLock(url), SchedulerLock(url)
    first.acquire()
    second.acquire()


class CountingScheduler:
    def __init__(self, sleep: float = 0.0) -> None:
        self.ticks = 0
        self.enough = asyncio.Event()
        self.sleep = sleep
        self.asked: list[float] = []

    async def seconds_until_due(self, longest: float) -> float:
        self.asked.append(longest)
        return min(self.sleep, longest)

    async def tick(self) -> int:
        self.ticks += 1
        if self.ticks == 3:
            self.enough.set()
        if self.ticks == 2:
            raise RuntimeError("a failing tick must not stop the ticker")
        return 1


async def test_the_ticker_keeps_ticking_through_failures_and_stops_when_cancelled() -> None:
    scheduler = CountingScheduler()
    woken: list[int] = []
    task = asyncio.ensure_future(
        run_ticker(scheduler, 0.01, lambda: woken.append(1))  # type: ignore[arg-type]
    )
    await asyncio.wait_for(scheduler.enough.wait(), timeout=30)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()
    assert len(woken) >= 2  # every successful tick that ran something woke the senders


async def test_the_ticker_wakes_at_the_next_due_time_not_after_its_longest_sleep() -> None:
    scheduler = CountingScheduler(sleep=0.05)  # the next occurrence is 50 ms away
    task = asyncio.ensure_future(run_ticker(scheduler, 3600, lambda: None))  # type: ignore[arg-type]
    # Three ticks within 30 s: an interval ticker would sleep an hour after the first.
    await asyncio.wait_for(scheduler.enough.wait(), timeout=30)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert scheduler.asked[:2] == [3600, 3600]


class BlockingScheduler:
    """A scheduler whose tick waits until the test lets it finish."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.finished = False

    async def seconds_until_due(self, longest: float) -> float:
        return longest

    async def tick(self) -> int:
        self.started.set()
        await self.release.wait()
        self.finished = True
        return 1


async def test_a_tick_under_way_at_shutdown_finishes_instead_of_failing(
    caplog: pytest.LogCaptureFixture,
) -> None:
    scheduler = BlockingScheduler()
    woken: list[int] = []
    task = asyncio.ensure_future(
        run_ticker(scheduler, 60, lambda: woken.append(1))  # type: ignore[arg-type]
    )
    await asyncio.wait_for(scheduler.started.wait(), timeout=30)
    task.cancel()
    await asyncio.sleep(0.05)
    assert not task.done()  # waiting for the tick
    scheduler.release.set()
    await asyncio.gather(task, return_exceptions=True)
    assert scheduler.finished
    assert woken == [1]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_tick_that_outlasts_the_grace_period_is_stopped_with_a_warning(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ticker, "STOP_GRACE", 0.05)
    scheduler = BlockingScheduler()
    task = asyncio.ensure_future(run_ticker(scheduler, 60, lambda: None))  # type: ignore[arg-type]
    await asyncio.wait_for(scheduler.started.wait(), timeout=30)
    task.cancel()
    await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), timeout=30)
    assert not scheduler.finished
    assert "did not finish in 0.05 s" in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
