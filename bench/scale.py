"""One simulated week of a whole Discord shard's worth of communities, through the real
scheduler and outbox, against fake platforms with Discord's and Slack's rate limits.

What runs. `--communities` communities (alternately Discord and Slack; each with its five
channels, a weekly schedule per purpose at its own local time on the hour, in one of eleven
time zones, and one local feed) and `--members` members spread over them (half to one and a
half times the average each), with eight weeks of history: check-ins (85% of weeks), streaks,
40% taking part in matchups, and 60% checked in for the simulated week already (the rest get
the Sunday reminder). All made with bulk inserts. Then one real `Cohort` core (every
registered feature, so every job of every feature: prompts, reminders, challenges, digests,
matchups and whatever report job is registered) refreshes every feed once from a loopback
feed server and runs the week 2026-W50.

How time is compressed. The core's clock runs at the real speed of the machine but jumps: the
bench asks the real scheduler for the next due occurrence of any job, moves the clock to it,
ticks the scheduler there, then lets the drainers deliver everything due in real time until
the outbox is empty, and only then jumps to the next due time. So nothing waits for the
quiet hours between posts, and everything that happens at a due time (the tick, every
delivery, the commands run meanwhile) takes the real time it takes.

The figures:
- lag: for every occurrence, the real seconds from its due time to the end of its job (the
  outbox rows queued, before the commit), the scheduler's tick starting at the due time; the
  worst is printed, with the busiest tick. In `cohort run` the ticker sleeps until each due
  time, so a tick starts as late as the event loop wakes a sleeping task (measured below),
  which the summary line adds on.
- delivery: the delivery time of each batch (what arrived between a tick and the outbox being
  empty again: first to last arrival, plus one request's gap) summed, against the fake
  platforms' minimum (posts / rate, or the busiest channel's posts at one a second) summed,
  over batches of at least a second's budget (50 posts), per platform. Only batches at the
  real limits count. With `--speedup K` the first `--slice` posts of the week go at the real
  limits (50 requests/s, 1 message/s per channel, per platform) and the rest K times faster
  (which is checked for loss and duplicates, never timed): at 50 requests/s the reminders
  and intros of 250,000 members would take hours of real time.
- lost and duplicated: every outbox key due by the end of the week against the keys each fake
  received (a duplicate counts each extra copy).
- commands: `--command-rate` commands a second (check-ins, progress, leaderboard, match
  status, challenge, help) from sampled members, through the dispatcher, all week: the p99 of
  their in-process latency while the ticks and deliveries run, and apart, that of those run
  while the platforms took posts at the real limits (with `--speedup`, the rest share the
  process with deliveries K times faster than any platform allows).
- memory: the resident set of this process (the core, the fakes and the bench together),
  idle after the history was generated (in a process of its own) and the core started, and
  the highest sampled during the week; and how late the event loop woke a task sleeping
  a quarter of a second, sampled all week.
- failover (PostgreSQL only; bench/scale_failover.py): two `cohort run` processes, one killed.

    python -m bench.scale [--communities 2500] [--members 250000] [--database URL]
           [--speedup 1] [--slice 3000] [--command-rate 5] [--no-failover]

`--database` is an admin URL of PostgreSQL (a database is created for the run and dropped);
without it the run uses a temporary SQLite file. The last line sums it up:

    scale: 2500 communities, 250000 members, lag 12 s, delivery 1.05x, 0 lost, 0 duplicated,
    idle 150 MB
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import multiprocessing
import os
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.scale_platform import LimitedPlatform, Tally
from bench.scale_run import Figures, run_week
from bench.scale_world import generate_apart
from tests.fakes.feed_server import FeedServer

RATE = 50.0
CHANNEL_INTERVAL = 1.0


@dataclass
class Options:
    communities: int = 2500
    members: int = 250_000
    database: str | None = None  # an admin URL of PostgreSQL; None: a temporary SQLite file
    speedup: float = 1.0
    slice: int = 3000
    command_rate: float = 5.0
    failover: bool = True
    seed: int = 20
    duplicate: int = 0  # faults injected for the smoke test: posts recorded twice
    lose: int = 0  # and posts answered as delivered but never recorded


@dataclass
class Result:
    options: Options
    dialect: str
    figures: Figures
    # wall, this process's CPU, the whole machine's CPU (seconds; None where unknown)
    phases: dict[str, tuple[float, float, float | None]] = field(default_factory=dict)
    failover: list[str] = field(default_factory=list)
    autovacuum: str | None = None  # PostgreSQL's setting

    @property
    def tally(self) -> Tally:
        return self.figures.tally

    def lines(self) -> list[str]:
        f, o = self.figures, self.options
        lines = [f"database            {self.dialect}"]
        if self.autovacuum is not None:
            # Without it the tables' statistics stay those of the generated history all week.
            lines[0] += f" (the server's autovacuum: {self.autovacuum})"
        lines += [
            f"phase {name:<13} {wall:7.1f} s wall, {cpu:7.1f} s CPU"
            + (
                ""
                if machine is None
                else f" (the machine's: {machine:.0f} s of {os.cpu_count()} cores)"
            )
            for name, (wall, cpu, machine) in self.phases.items()
        ]
        lines += f.lines(o.speedup)
        lines += self.failover
        lines.append(
            f"scale: {o.communities} communities, {o.members} members, lag {f.summary_lag:.0f} s,"
            f" delivery {f.delivery.ratio:.2f}x, {f.tally.lost} lost,"
            f" {f.tally.duplicated} duplicated, idle {f.idle_mb:.0f} MB"
        )
        return lines


class Phases:
    """The real wall-clock and CPU seconds of each phase of the run: this process's, and the
    whole machine's (the database server, the drawing processes and whatever else runs), so
    a figure can be read against how busy the machine was."""

    def __init__(self, into: dict[str, tuple[float, float, float | None]]) -> None:
        self._into = into

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        wall, cpu, machine = time.perf_counter(), time.process_time(), machine_cpu()
        yield
        after = machine_cpu()
        self._into[name] = (
            time.perf_counter() - wall,
            time.process_time() - cpu,
            None if after is None or machine is None else after - machine,
        )


def machine_cpu() -> float | None:
    """Seconds of CPU every process of the machine used since it started (Linux's /proc/stat:
    user, nice and system time of all cores); None elsewhere."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()
    except OSError:
        return None
    return sum(int(ticks) for ticks in fields[1:4]) / os.sysconf("SC_CLK_TCK")


async def run(options: Options, folder: Path) -> Result:
    """The whole bench, its files in `folder`."""
    from bench.chaos import _admin, _create_postgres

    postgres_name = None
    if options.database:
        postgres_name, url = await _create_postgres(options.database)
    else:
        url = f"sqlite+aiosqlite:///{folder / 'cohort.db'}"
    phases: dict[str, tuple[float, float, float | None]] = {}
    timer = Phases(phases)
    try:
        server = FeedServer()
        await server.start()
        try:
            arguments = (options.communities, options.members, options.seed, server.url(""))
            with (
                timer.phase("generate"),
                ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as apart,
            ):
                loop = asyncio.get_running_loop()
                world = await loop.run_in_executor(apart, generate_apart, url, *arguments)
            dialect = make_url(url).get_backend_name()
            platforms = [LimitedPlatform(p, RATE, CHANNEL_INTERVAL) for p in world.platforms()]
            platforms[0].duplicate_next, platforms[0].lose_next = options.duplicate, options.lose
            figures = await run_week(url, world, server, platforms, options, timer)
        finally:
            await server.stop()
        result = Result(options, dialect, figures, phases, autovacuum=world.autovacuum)
        if options.database and options.failover:
            from bench.scale_failover import failover

            with timer.phase("failover"):
                result.failover = await failover(options.database)
        return result
    finally:
        if postgres_name and options.database:
            with contextlib.suppress(Exception):
                await _admin(
                    options.database, f'DROP DATABASE IF EXISTS "{postgres_name}" WITH (FORCE)'
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__)
    parser.add_argument("--communities", type=int, default=2500)
    parser.add_argument("--members", type=int, default=250_000)
    parser.add_argument(
        "--database",
        default=os.environ.get("COHORT_SCALE_POSTGRES_URL"),
        help="a PostgreSQL admin URL; a database is created for the run and dropped after",
    )
    parser.add_argument("--speedup", type=float, default=1.0, help="after the slice")
    parser.add_argument("--slice", type=int, default=3000, help="posts at the real limits")
    parser.add_argument("--command-rate", type=float, default=5.0, help="commands a second")
    parser.add_argument("--no-failover", action="store_true", help="skip the failover run")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args(argv)
    options = Options(
        args.communities,
        args.members,
        args.database,
        args.speedup,
        args.slice,
        args.command_rate,
        not args.no_failover,
        args.seed,
    )
    with tempfile.TemporaryDirectory(prefix="cohort-scale-") as folder:
        result = asyncio.run(run(options, Path(folder)))
    print("\n".join(result.lines()))
    return 0 if not (result.tally.lost or result.tally.duplicated) else 1


if __name__ == "__main__":
    raise SystemExit(main())
