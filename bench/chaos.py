"""Delivered exactly once, proven by killing it: `cohort run` processes under real faults.

Several `cohort run` processes share a PostgreSQL database (and one more runs alone on
SQLite), each connected to loopback fakes of Discord and Slack, with many communities whose
weekly challenge, digest, check-in prompt and matchup intros fall due within minutes: the
processes keep a shared fast clock (the hidden, benchmark-only COHORT_TEST_CLOCK setting).
Meanwhile the bench SIGKILLs random processes at random moments (mid-delivery too) and
restarts them, makes the fakes store a post and lose the answer (a 5xx or a dropped
connection after storing) and sends storms of 429s and 5xxs. Then it checks every expected
message against what each fake platform received: one line per platform, then

    chaos: 200 kills, 12000 expected, 12000 delivered, 0 lost, 0 duplicated

    python -m bench.chaos [--kills 20] [--seed 1] [--communities N] [--postgres URL]

Without --postgres (or COHORT_TEST_POSTGRES_URL) only the SQLite deployment runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import random
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.chaos_world import (
    START,
    Deployment,
    Tally,
    last_due,
    seed,
    tally,
    unsettled,
)
from bot.clock import ScaledClock
from bot.identity import Platform
from bot.storage.database import Database
from tests.fakes import discord_fake, slack_fake

REPO = Path(__file__).resolve().parents[1]
SPEED = 30.0  # logical seconds per real second: 20 minutes of posts fall due in 40 s
# The outbox lease the processes get, in logical seconds: 4 real seconds at SPEED, four of
# the drainer's once-a-second renewal checks (the default 30 s would be 1 real second here,
# no longer than one check, which no real deployment sees: there it spans thirty).
LEASE = 120.0
FREEZE = 1.5 * LEASE / SPEED  # real seconds a frozen process stops: 1.5 leases
LIFETIME = 8.0  # real seconds a process lives between two kills, on average (a start takes 2)
NONCE_WINDOW = 1.0  # real seconds the fake Discord remembers a nonce (Discord: minutes)
SETTLE_TIMEOUT = 120.0  # real seconds allowed, after the last kill, to deliver everything
MESSAGES = r"/channels/\d+/messages"
UP = b"logged in to Discord as"  # what a started process logs once it is about to deliver


@dataclass
class Options:
    kills: int = 20
    seed: int = 1
    communities: int | None = None  # per platform and deployment; by default grows with kills
    processes: int = 3  # on PostgreSQL
    postgres: str | None = None
    spread: int | None = None  # minutes (logical) the posts fall due over; by default 20,
    # or as long as the kills last, so that they strike while posts are being delivered

    def kill_gap(self, processes: int) -> float:
        return LIFETIME / processes

    def minutes(self, processes: int) -> int:
        if self.spread is not None:
            return self.spread
        killing = self.kills * self.kill_gap(processes)
        return max(20, math.ceil(killing * SPEED / 60))

    def per_platform(self, deployment: Deployment) -> int:
        """Communities per platform: one process on SQLite gets a third of the PostgreSQL
        deployment's, since it delivers alone."""
        wanted = self.communities or max(4, self.kills // 2)
        return max(1, wanted // 3) if deployment.name == "sqlite" else wanted


@dataclass
class Result:
    kills: int
    faults: int
    exits: int  # processes that stopped without being killed (each was started again)
    freezes: int  # processes stopped past their leases, then let go on
    seconds: float
    tail: float  # seconds from the last post falling due to everything delivered
    tallies: dict[Platform, Tally]

    def lines(self) -> list[str]:
        total = Tally("all")
        out = []
        for platform, t in self.tallies.items():
            total.add(t)
            out.append(
                f"{platform.value}: {t.expected} expected, {t.delivered} delivered, {t.lost} lost,"
                f" {t.duplicated} duplicated ({t.failed_rows} rows failed, {t.recoveries} leases"
                f" recovered, {t.orphans} stale answers kept, {t.history_lookups} history"
                f" lookups, {t.copies_deleted} later copies deleted)"
            )
            out.extend(f"  lost: {k}" for k in t.lost_keys[:10])
            out.extend(f"  duplicated: {k}" for k in t.duplicated_keys[:10])
        out.append(
            f"{self.faults} faults injected, {self.freezes} processes frozen past their leases,"
            f" {self.exits} processes stopped by themselves"
            f" (and were started again), {self.seconds:.1f} s in all, everything delivered"
            f" {self.tail:.1f} s after the last post fell due"
        )
        out.append(
            f"chaos: {self.kills} kills, {total.expected} expected, {total.delivered} delivered,"
            f" {total.lost} lost, {total.duplicated} duplicated"
        )
        return out


class Process:
    """One `cohort run` slot: started, killed and started again with the same settings."""

    def __init__(self, name: str, environment: dict[str, str], log: Path) -> None:
        self.name = name
        self._environment = environment
        self._log = log
        self._read = 0  # how far its log was read for the line that says it is up
        self._up = False
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        # A fresh port for Slack's HTTP mode each time: the last one may not be free yet.
        port = {"COHORT_HTTP_PORT": str(_free_port())}
        self._read = self._log.stat().st_size if self._log.exists() else 0
        self._up = False
        with self._log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "adapters.main",
                "run",
                env={**os.environ, "PYTHONPATH": str(REPO), **self._environment, **port},
                stdout=log,
                stderr=log,
            )

    @property
    def up(self) -> bool:
        """It is running and got as far as delivering (its log says it logged in to the
        fake Discord, after the core started). Only such a process is killed or frozen: on a
        loaded machine a start can take longer than a process's lifetime, and killing
        processes that never started would test nothing."""
        if self.process is None or self.process.returncode is not None:
            return False
        if not self._up:
            with self._log.open("rb") as log:
                log.seek(self._read)
                text = log.read()
            self._up = UP in text
            if not self._up:
                self._read += max(0, len(text) - len(UP))
        return self._up

    @property
    def exited(self) -> bool:
        """It stopped without being killed (a failed start, a crash)."""
        return self.process is not None and self.process.returncode not in (None, -9)

    async def freeze(self, seconds: float) -> bool:
        """Stop the process (SIGSTOP) for `seconds`, long enough for its leases to run out
        and other processes to take its rows over, then let it go on (SIGCONT)."""
        process = self.process
        if process is None or process.returncode is not None:
            return False
        process.send_signal(signal.SIGSTOP)
        await asyncio.sleep(seconds)
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(signal.SIGCONT)
        return True

    def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)

    async def wait(self) -> None:
        if self.process is not None:
            await self.process.wait()

    async def stop(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 20)
            except TimeoutError:
                self.kill()
                await self.process.wait()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(deployment: Deployment, clock: str) -> dict[str, str]:
    platforms = deployment.platforms
    return {
        "COHORT_DATABASE_URL": deployment.url,
        "COHORT_TEST_CLOCK": clock,
        "COHORT_TICK_SECONDS": "0.5",
        "COHORT_OUTBOX_LEASE_SECONDS": f"{LEASE:g}",
        "COHORT_PARSE_WORKERS": "0",
        "COHORT_LOG_LEVEL": "INFO",
        "DISCORD_TOKEN": discord_fake.TOKEN,
        "DISCORD_API_BASE_URL": platforms.discord.api_url,
        "DISCORD_GATEWAY_URL": platforms.discord.gateway_url,
        "SLACK_BOT_TOKEN": "xoxb-chaos",
        "SLACK_SIGNING_SECRET": "chaos-secret",
        "SLACK_API_URL": platforms.slack.api_url,
    }


def _inject(deployment: Deployment, rng: random.Random) -> None:
    """One fault on one of the deployment's platforms."""
    discord, slack = deployment.platforms.discord, deployment.platforms.slack
    post = "chat.postMessage"
    faults = [
        lambda: slack.fail(post, status=503, error="service_unavailable", commit=True),
        lambda: slack.fail(post, status=slack_fake.DROP, commit=True),
        lambda: slack.storm(post, 429, times=rng.randint(2, 5)),
        lambda: slack.storm(post, 503, times=2),
        lambda: discord.fail("POST", MESSAGES, discord_fake.DROP, commit=True),
        lambda: discord.fail("POST", MESSAGES, 503, commit=True),
        lambda: discord.fail("POST", MESSAGES, 429, times=rng.randint(2, 5), retry_after=0.5),
        lambda: discord.fail("POST", MESSAGES, 502, times=2),
    ]
    rng.choice(faults)()


async def _create_postgres(admin_url: str) -> tuple[str, str]:
    name = f"cohort_chaos_{uuid.uuid4().hex[:10]}"
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    await _admin(admin_url, f'CREATE DATABASE "{name}"')
    return name, url


async def _admin(admin_url: str, sql: str) -> None:
    db = Database.connect(admin_url)
    async with db.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.exec_driver_sql(sql)
    await db.dispose()


async def run(options: Options) -> Result:
    rng = random.Random(options.seed)
    work = Path(tempfile.mkdtemp(prefix="cohort-chaos-"))
    deployments = [Deployment("sqlite", f"sqlite+aiosqlite:///{work / 'cohort.db'}", 1)]
    postgres_name = None
    if options.postgres:
        postgres_name, url = await _create_postgres(options.postgres)
        deployments.insert(0, Deployment("postgresql", url, options.processes))
    processes: list[Process] = []
    try:
        slots = sum(d.processes for d in deployments)
        spread = options.minutes(slots)
        for deployment in deployments:
            await deployment.platforms.start(NONCE_WINDOW)
            await seed(deployment, options.per_platform(deployment), spread)
        began = time.monotonic()
        anchor = time.time() + 2.0  # the processes' clocks start together, a little ahead
        clock_text = f"{START.isoformat()},{anchor},{SPEED}"
        clock = ScaledClock.parse(clock_text)
        for deployment in deployments:
            environment = _environment(deployment, clock_text)
            for n in range(deployment.processes):
                name = f"{deployment.name}-{n}"
                processes.append(Process(name, environment, work / f"{name}.log"))
        await asyncio.gather(*(p.start() for p in processes))
        faults, exits, freezes = await _havoc(options, rng, processes, deployments, clock, spread)
        end, late_exits = await _settle(deployments, processes, clock)
        await asyncio.gather(*(p.stop() for p in processes))
        tallies: dict[Platform, Tally] = {p: Tally(p.value) for p in Platform}
        for deployment in deployments:
            for platform, found in (await tally(deployment, end)).items():
                tallies[platform].add(found)
        seconds = time.monotonic() - began
        tail = (end - last_due(spread)).total_seconds() / SPEED
        return Result(
            options.kills,
            faults,
            exits + late_exits,
            freezes,
            seconds,
            max(0.0, tail),
            {p: t for p, t in tallies.items() if p in deployments[0].communities},
        )
    finally:
        for process in processes:
            process.kill()
        for deployment in deployments:
            await deployment.platforms.close()
        if postgres_name and options.postgres:
            with contextlib.suppress(Exception):
                await _admin(
                    options.postgres, f'DROP DATABASE IF EXISTS "{postgres_name}" WITH (FORCE)'
                )


async def _havoc(
    options: Options,
    rng: random.Random,
    processes: list[Process],
    deployments: list[Deployment],
    clock: ScaledClock,
    spread: int,
) -> tuple[int, int, int]:
    """Kill random running processes at random moments while posts fall due (and restart
    each a moment later), injecting platform faults in between, and now and then freeze a
    process past its leases (its rows are taken over, and what it was doing when frozen
    finishes after: a stale drainer); how many faults, unbidden exits and freezes."""
    gap = options.kill_gap(len(processes))
    restarting: dict[Process, asyncio.Task[None]] = {}
    faults = exits = 0
    freezing: list[asyncio.Task[bool]] = []

    async def restart(process: Process, after: float) -> None:
        await process.wait()
        await asyncio.sleep(after)
        await process.start()

    for number in range(options.kills):
        await asyncio.sleep(rng.uniform(0.2, 1.8) * gap)
        while True:
            for process, task in list(restarting.items()):
                if task.done():
                    task.result()
                    del restarting[process]
            exits += await _revive(p for p in processes if p not in restarting)
            running = [p for p in processes if p not in restarting and p.up]
            if running:
                break
            await asyncio.sleep(0.2)  # every process is restarting or still starting
        victim = rng.choice(running)
        victim.kill()
        after = rng.uniform(0.1, 2 * NONCE_WINDOW)
        restarting[victim] = asyncio.create_task(restart(victim, after))
        if rng.random() < 0.7:
            _inject(rng.choice(deployments), rng)
            faults += 1
        others = [p for p in running if p is not victim]
        if number % 10 == 5 and others:
            freezing.append(asyncio.create_task(rng.choice(others).freeze(FREEZE)))
    while clock.now() < last_due(spread):
        await asyncio.sleep(0.5)
        if options.kills and rng.random() < 0.5:
            _inject(rng.choice(deployments), rng)
            faults += 1
    await asyncio.gather(*restarting.values())
    frozen = await asyncio.gather(*freezing)
    return faults, exits, sum(frozen)


async def _revive(processes: Iterable[Process]) -> int:
    """Start again the processes that stopped by themselves; how many there were."""
    stopped = [p for p in processes if p.exited]
    for process in stopped:
        await process.start()
    return len(stopped)


async def _settle(
    deployments: list[Deployment], processes: list[Process], clock: ScaledClock
) -> tuple[datetime, int]:
    """Wait until every row due so far is delivered (or failed), and every weekly post has
    arrived (an empty outbox alone may only mean that the processes started after the last
    kill have not ticked yet, on a loaded machine); the logical time then, and how many
    processes stopped by themselves meanwhile (they are started again)."""
    deadline = time.monotonic() + SETTLE_TIMEOUT
    exits = 0
    while time.monotonic() < deadline:
        exits += await _revive(processes)
        now = clock.now()
        if not any([await unsettled(d, now) for d in deployments]):
            tallies = [await tally(d, now) for d in deployments]
            if not any(t.lost for found in tallies for t in found.values()):
                return now, exits
        await asyncio.sleep(1.0)
    return clock.now(), exits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.chaos", description=__doc__)
    parser.add_argument("--kills", type=int, default=20, help="processes to SIGKILL")
    parser.add_argument("--seed", type=int, default=1, help="makes a run repeatable")
    parser.add_argument("--communities", type=int, help="per platform and deployment")
    parser.add_argument("--processes", type=int, default=3, help="on PostgreSQL")
    parser.add_argument("--spread", type=int, help="minutes (logical) posts fall due over")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("COHORT_TEST_POSTGRES_URL"),
        help="an admin URL; a database is created for the run and dropped after",
    )
    args = parser.parse_args(argv)
    options = Options(
        args.kills, args.seed, args.communities, args.processes, args.postgres, args.spread
    )
    result = asyncio.run(run(options))
    print("\n".join(result.lines()))
    last = result.tallies
    return 0 if not any(t.lost or t.duplicated for t in last.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
