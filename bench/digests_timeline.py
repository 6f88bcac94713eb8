"""Where the time of a first check goes, feed by feed: the timelines behind bench/digests.py's
hostile-round figure.

Runs first checks of bench/digests.py's 200 loopback feeds on fresh databases, alternately a
plain one and a hostile one (its last three feeds being the ReDoS body, the billion-laughs
document and the 4 MB slow drip), and for each prints when the feeds other than the hostile
ones were all recorded (the database file polled with plain sqlite3, as the bench does), and
beside it, in milliseconds from the start of the round: when the last of them was fetched,
when its parse ended, how long documents waited for a parse worker and parsed (median and
longest), when the transaction recording the last of them started and how long after that
last result it started, how many transactions recorded the round, the longest the event loop
was late, and the CPU time of the bot's process. A hostile round is stopped once the others
are recorded (the drip would hold it for 20 s).

The timestamps come from wrapping a few methods of the refresh (fetch, parse, record): the
wrapping costs a few microseconds per feed. The load average is printed at the end: on a
shared machine, read the structure (what waits on what) rather than the absolute figures.

    .venv/bin/python -m bench.digests_timeline [--rounds 4] [--loop uvloop|asyncio]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import digests
from bot import eventloop
from bot.digests.fetcher import Batch, FetchRequest, FetchResult
from bot.digests.parse import ParsedFeed
from bot.digests.refreshing import RefreshService
from bot.digests.workers import ParseWorkers


class Timeline:
    """Moments of one round, in seconds from its start."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.fetched: dict[str, float] = {}  # by URL: the answer (body included) was read
        self.parsing: dict[str, tuple[float, float]] = {}  # by URL: handed to a parser, parsed
        self.done: dict[str, float] = {}  # by URL: the result went to the writer
        self.transactions: list[tuple[float, float]] = []  # latest result in it, start

    def now(self) -> float:
        return time.perf_counter() - self.start


CURRENT: list[Timeline] = []


def instrument() -> None:
    """Wrap the refresh's fetch, parse and record steps to note their moments in CURRENT[0]."""
    fetch = Batch.fetch
    fetch_and_parse = RefreshService._fetch_and_parse
    record = RefreshService.record
    parse = ParseWorkers.__call__

    async def timed_fetch(self: Batch, request: FetchRequest) -> FetchResult:
        result = await fetch(self, request)
        CURRENT[0].fetched[request.url] = CURRENT[0].now()
        return result

    async def timed_fetch_and_parse(self: RefreshService, *args: Any) -> Any:
        result = await fetch_and_parse(self, *args)
        CURRENT[0].done[args[1].url] = CURRENT[0].now()
        return result

    async def timed_record(self: RefreshService, tx: Any, checks: Any, now: datetime) -> Any:
        timeline = CURRENT[0]
        latest = max((timeline.done.get(feed.url, 0.0) for feed, _ in checks), default=0.0)
        timeline.transactions.append((latest, timeline.now()))
        return await record(self, tx, checks, now)

    async def timed_parse(
        self: ParseWorkers, body: bytes, content_type: str, url: str, now: datetime
    ) -> ParsedFeed:
        timeline = CURRENT[0]
        handed = timeline.now()
        try:
            return await parse(self, body, content_type, url, now)
        finally:
            timeline.parsing[url] = (handed, timeline.now())

    Batch.fetch = timed_fetch  # type: ignore[method-assign]
    RefreshService._fetch_and_parse = timed_fetch_and_parse  # type: ignore[method-assign, assignment]
    RefreshService.record = timed_record  # type: ignore[method-assign]
    ParseWorkers.__call__ = timed_parse  # type: ignore[method-assign, assignment]


async def one_round(port: int, path: Path, count: int, hostile: bool) -> str:
    cohort, _ = await digests.prepared(path, port, count, 200, hostile)
    others = count - (len(digests.HOSTILE) if hostile else 0)
    worst = [0.0]
    monitor = asyncio.ensure_future(digests.loop_lag(worst))
    cpu = time.process_time()
    timeline = Timeline()
    CURRENT[:] = [timeline]
    refresh = asyncio.ensure_future(cohort.digests.refresh(cohort.clock.now()))
    await digests.others_recorded(path, others)
    recorded = timeline.now()
    cpu = time.process_time() - cpu
    refresh.cancel()
    monitor.cancel()
    await asyncio.gather(refresh, monitor, return_exceptions=True)
    await cohort.close()

    def normal(moments: dict[str, Any]) -> list[Any]:
        return [m for url, m in moments.items() if "/hostile/" not in url]

    last_done = max(normal(timeline.done))
    latest, started = max(t for t in timeline.transactions if t[0] <= last_done)
    waits = sorted(end - handed for handed, end in normal(timeline.parsing))

    def ms(seconds: float) -> str:
        return f"{seconds * 1000:.0f}"

    return (
        f"{'hostile' if hostile else 'plain':7} recorded {ms(recorded)}; last fetched"
        f" {ms(max(normal(timeline.fetched)))}, last parsed"
        f" {ms(max(end for _, end in normal(timeline.parsing)))} (wait+parse median"
        f" {ms(statistics.median(waits))}, longest {ms(waits[-1])}); last transaction started"
        f" {ms(started)}, {ms(started - latest)} after its latest result;"
        f" {len(timeline.transactions)} transactions; loop late {ms(worst[0])} at most;"
        f" bot CPU {ms(cpu)}"
    )


async def run(port: int, count: int, rounds: int) -> None:
    instrument()
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(rounds):
            for hostile in (False, True):
                path = Path(tmp) / f"{n}-{hostile}.db"
                print(await one_round(port, path, count, hostile), flush=True)
    print(f"load average at the end (1, 5, 15 min): {os.getloadavg()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=4, help="pairs of plain and hostile rounds")
    digests.add_loop_option(parser)
    args = parser.parse_args()
    count = 200
    with digests.served(count, 25) as (port, _):
        eventloop.run(run(port, count, args.rounds), args.loop)


if __name__ == "__main__":
    main()
