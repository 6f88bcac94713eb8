"""CPU time of bench/digests.py's rounds, repeated: what a refresh costs the bot's process and
its parse workers, a figure that depends far less on what else runs than wall-clock time.

Each repetition prepares a fresh database following the bench's 200 loopback feeds and times
the first check (5,000 new items), then the hourly check an hour later, then, on another fresh
database, a hostile round (ReDoS, billion-laughs and slow-drip feeds among the 200) until the
other 197 are recorded. For each it prints the CPU milliseconds of the bot's process and of
its parse workers, then the median and range over the repetitions, and the load average
before each repetition. With `--profile FILE` the first checks run under cProfile (which
slows them: read the shares, not the times) and the statistics go to FILE.

    .venv/bin/python -m bench.digests_cpu [--repeat 5] [--loop uvloop|asyncio] [--profile FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import statistics
import tempfile
import time
from datetime import timedelta
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path

from bench import digests
from bot import eventloop
from bot.app import Cohort

Cpu = tuple[float, float, float]  # the bot's process, its parse workers, the loop's thread


def _cpu(cohort: Cohort) -> Cpu:
    return (*digests.cpu_seconds(cohort), time.thread_time())


def _delta(before: Cpu, after: Cpu) -> Cpu:
    return after[0] - before[0], after[1] - before[1], after[2] - before[2]


async def _checks(
    port: int, path: Path, count: int, hourly: Synchronized[int], profile: cProfile.Profile | None
) -> tuple[Cpu, Cpu]:
    cohort, clock = await digests.prepared(path, port, count, 200)
    hourly.value = 0
    before = _cpu(cohort)
    if profile is not None:
        profile.enable()
    report = await cohort.digests.refresh(cohort.clock.now())
    if profile is not None:
        profile.disable()
    first = _delta(before, _cpu(cohort))
    assert report.failed == 0, report
    assert report.new_items == count * 25, report
    clock.advance(timedelta(hours=1))
    hourly.value = 1
    before = _cpu(cohort)
    report = await cohort.digests.refresh(cohort.clock.now())
    hour = _delta(before, _cpu(cohort))
    assert report.failed == 0, report
    hourly.value = 0
    await cohort.close()
    return first, hour


async def _hostile(port: int, path: Path, count: int) -> Cpu:
    cohort, _ = await digests.prepared(path, port, count, 200, hostile=True)
    others = count - len(digests.HOSTILE)
    before = _cpu(cohort)
    refresh = asyncio.ensure_future(cohort.digests.refresh(cohort.clock.now()))
    await digests.others_recorded(path, others)
    used = _delta(before, _cpu(cohort))
    refresh.cancel()
    await asyncio.gather(refresh, return_exceptions=True)
    await cohort.close()
    return used


def _ms(values: list[float]) -> str:
    return (
        f"median {statistics.median(values) * 1000:.0f} ms,"
        f" {min(values) * 1000:.0f}-{max(values) * 1000:.0f}"
    )


async def run(
    port: int, count: int, repeat: int, hourly: Synchronized[int], profile_to: str | None
) -> None:
    profile = cProfile.Profile() if profile_to else None
    rows: dict[str, list[Cpu]] = {"first check": [], "hourly check": [], "hostile round": []}
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(repeat):
            load = os.getloadavg()[0]
            first, hour = await _checks(port, Path(tmp) / f"{n}.db", count, hourly, profile)
            hostile = await _hostile(port, Path(tmp) / f"{n}-hostile.db", count)
            for name, cpu in zip(rows, (first, hour, hostile), strict=True):
                rows[name].append(cpu)
            print(
                f"load {load:.2f}: "
                + "; ".join(
                    f"{name} bot {cpu[0] * 1000:.0f} ms (loop {cpu[2] * 1000:.0f}),"
                    f" workers {cpu[1] * 1000:.0f} ms"
                    for name, cpu in zip(rows, (first, hour, hostile), strict=True)
                ),
                flush=True,
            )
    for name, cpus in rows.items():
        print(
            f"{name}: bot {_ms([c[0] for c in cpus])} (the event loop's thread"
            f" {_ms([c[2] for c in cpus])}); workers {_ms([c[1] for c in cpus])};"
            f" both {_ms([c[0] + c[1] for c in cpus])}"
        )
    print(f"load average at the end (1, 5, 15 min): {os.getloadavg()}")
    if profile is not None and profile_to:
        profile.dump_stats(profile_to)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    digests.add_loop_option(parser)
    parser.add_argument("--profile", help="write cProfile statistics of the first checks here")
    args = parser.parse_args()
    count = 200
    with digests.served(count, 25) as (port, hourly):
        eventloop.run(run(port, count, args.repeat, hourly, args.profile), args.loop)


if __name__ == "__main__":
    main()
