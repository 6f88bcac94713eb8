"""How long a refresh of 200 feeds and the digest built from them take, against the slowest
single feed, and how much memory it uses.

A separate process serves 200 RSS feeds on 127.0.0.1, each answering after its own latency of
100 to 300 ms and holding 25 items (some stories appear in several feeds, as in real life).
The core runs on a migrated SQLite file with its parse workers started, as `cohort run` has
them. Two rounds are timed, each one `refresh()` (fetch, parse, store) followed by the weekly
job's build-and-queue of the digest in one transaction, as the scheduler runs it:

- the first check of every feed: everything served is new and every document is parsed;
- the hourly check an hour later, as the bot runs all week: half the feeds send an ETag and
  answer 304, a quarter send the same body again without validators, and a quarter have
  published two new items.

It also prints how long the parser takes for all of the first check's documents with no
network at all, and which reader read them, and times a hostile round: a first check in
which one feed's body made the old HTML sniff backtrack (ReDoS), one is a billion-laughs
document and one drips 4 MB slowly, measuring when the other feeds are all recorded. The
aims (docs/digests.md): first check within 1.5x the slowest feed alone, hourly check within
1.3x, parsing alone within 0.3x, the others of the hostile round within 1.5x. CPU seconds
of the bot's process and its parse workers are printed beside each round: on a shared
machine the wall-clock figures depend on what else runs, the CPU time much less.

All feeds share one host here, so the fetcher's per-host politeness limit is lifted for the
run: in real use the 200 feeds live on many hosts.

The bot's side runs as `cohort run` has it: on the event loop COHORT_EVENT_LOOP would choose
(`--loop`), with the objects start-up built frozen out of the collector's full passes.

    .venv/bin/python -m bench.digests [--feeds 200] [--items 25] [--concurrency 200]
        [--loop uvloop|asyncio]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import multiprocessing
import os
import random
import resource
import sqlite3
import tempfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from typing import get_args
from xml.sax.saxutils import escape

import sqlalchemy as sa
from aiohttp import web

from bot import eventloop
from bot.app import Cohort
from bot.clock import ManualClock
from bot.communities.model import Purpose
from bot.digests.addresses import AllowList
from bot.digests.feature import digests_feature, with_digests
from bot.digests.fetcher import FeedFetcher, FetchLimits, FetchRequest, session_factory
from bot.digests.model import RefreshReport
from bot.features import FEATURES
from bot.identity import CommunityRef, Platform
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import feeds

NOW = datetime(2026, 12, 4, 15, 0, tzinfo=UTC)
WORDS = [
    *("agents", "alignment", "attention", "benchmark", "caching", "compiler", "dataset"),
    *("diffusion", "distillation", "embedding", "evaluation", "finetuning", "gradient"),
    *("inference", "kernel", "latency", "memory", "multimodal", "optimizer", "pipeline"),
    *("quantization", "reasoning", "retrieval", "sampling", "scaling", "sparse", "tokenizer"),
    *("training", "transformer", "vector", "vision", "weights"),
]


def latency(n: int) -> float:
    return random.Random(n).uniform(0.1, 0.3)


def document(n: int, items: int, fresh: int = 0) -> bytes:
    """Feed n's document, with `fresh` items published since the first check at its top."""
    rng = random.Random(1000 + n)
    entries = []
    for i in range(-fresh, items):
        # One story in five is shared by ten feeds, like a launch everyone writes about.
        shared = i >= 0 and i % 5 == 0
        story = f"shared-{(n // 10) * 100 + i}" if shared else f"f{n}-{i}"
        title = " ".join(rng.sample(WORDS, 7)).capitalize() + f" ({story})"
        hours_ago = rng.uniform(1, 150) if i >= 0 else 0.1 * -i
        published = NOW - timedelta(hours=hours_ago)
        entries.append(
            f"<item><title>{escape(title)}</title>"
            f"<link>https://news{n % 17}.example.org/{story}?utm_source=rss</link>"
            f"<guid>{story}</guid><pubDate>{format_datetime(published)}</pubDate>"
            f"<description>{escape(' '.join(rng.sample(WORDS, 20)))}</description></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Feed {n}</title><link>https://news.example.org/</link>"
        f"{''.join(entries)}</channel></rss>"
    ).encode()


REDOS = b"<!---->" * 580 + b"x"
"""4 KB that the old HTML sniff (a nested repetition) would have read for longer than the
universe has existed."""
LAUGHS = (
    (
        b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            b'<!ENTITY a%d "%s">' % (n, (b"&a%d;" % (n - 1) if n > 1 else b"&a;") * 10)
            for n in range(1, 10)
        )
        + b']><rss version="2.0"><channel><title>&a9;</title></channel></rss>'
    )
    .decode()
    .encode("utf-16")
)
"""A billion-laughs document in UTF-16, which the old byte scan for <!ENTITY missed."""
HOSTILE = ("redos", "laughs", "drip")


def serve(
    count: int, items: int, ports: multiprocessing.Queue[int], hourly: Synchronized[int]
) -> None:
    """The feed server process: `count` feeds, each with its own latency and manners. Feeds
    0, 2, 4... send an ETag and honour it; feeds 4k+3 have two new items once `hourly` is set.
    /hostile/<kind> serves the hostile feeds."""
    first = {n: document(n, items) for n in range(count)}
    later = {n: document(n, items, fresh=2) for n in range(count) if n % 4 == 3}

    async def hostile(request: web.Request) -> web.StreamResponse:
        kind = request.match_info["kind"]
        if kind != "drip":
            return web.Response(body=REDOS if kind == "redos" else LAUGHS)
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
        await response.prepare(request)
        with contextlib.suppress(ConnectionError):
            for _ in range(64):  # 4 MB, 64 KB every half second: 32 s in all
                await response.write(b" " * 65536)
                await asyncio.sleep(0.5)
        return response

    async def handler(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        await asyncio.sleep(latency(n))
        headers = {"ETag": f'"feed-{n}"'} if n % 2 == 0 else {}
        if headers and request.headers.get("If-None-Match") == headers["ETag"]:
            return web.Response(status=304, headers=headers)
        body = later[n] if hourly.value and n in later else first[n]
        return web.Response(body=body, content_type="application/rss+xml", headers=headers)

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{n}", handler)
        app.router.add_get("/hostile/{kind}", hostile)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0, backlog=1024).start()
        ports.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


async def prepared(
    path: Path, port: int, count: int, concurrency: int, hostile: bool = False
) -> tuple[Cohort, ManualClock]:
    """A core following `count` feeds that were checked once before; with `hostile`, the
    last three are the hostile feeds."""
    settings = Settings(database_url=f"sqlite+aiosqlite:///{path}", _env_file=None)
    clock = ManualClock(NOW)
    # The production session (address policy included), with this machine's address allowed.
    limits = FetchLimits(concurrency=concurrency, per_host=concurrency)
    sessions = session_factory(limits, AllowList.parse("127.0.0.1"))
    local = digests_feature(fetcher=lambda shared: FeedFetcher(sessions, limits, shared.clock))
    database = Database.connect(settings.database_url)
    cohort = Cohort(settings, clock, database, with_digests(FEATURES, local))
    await cohort.start()
    if cohort.parse_workers is not None:  # as `cohort run` does
        await cohort.parse_workers.start()
    ref = CommunityRef(Platform.CONSOLE, "bench")
    community = await cohort.communities.resolve(ref, cohort.clock.now())
    await cohort.communities.configure(community, channels={Purpose.DIGEST: "reading"})
    urls = [f"http://127.0.0.1:{port}/feed/{n}" for n in range(count)]
    if hostile:
        urls[-len(HOSTILE) :] = [f"http://127.0.0.1:{port}/hostile/{kind}" for kind in HOSTILE]
    async with cohort.db.write() as conn:
        await conn.execute(
            feeds.insert(),
            [
                {
                    "community_id": community.id,
                    "url": url,
                    "title": f"Feed {n}",
                    "added_by": "bench",
                    "added_at": NOW - timedelta(days=30),
                    "baselined": True,
                }
                for n, url in enumerate(urls)
            ],
        )
    gc.freeze()  # as `cohort run` does once started: what start-up built stays put
    return cohort, clock


@dataclass(frozen=True)
class Round:
    refresh: float  # seconds to fetch, parse and store
    build: float  # seconds to build and queue the digest
    new: int
    sections: int
    cpu: tuple[float, float]  # CPU seconds of this process and of its parse workers
    lag: float  # the longest the event loop was late to wake a task up, in seconds

    @property
    def total(self) -> float:
        return self.refresh + self.build


def cpu_seconds(cohort: Cohort) -> tuple[float, float]:
    """CPU seconds of this process, and of its parse workers alive now."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    workers = 0.0
    for pid in cohort.parse_workers.pids() if cohort.parse_workers else []:
        with contextlib.suppress(OSError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            workers += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own.ru_utime + own.ru_stime, workers


async def loop_lag(worst: list[float]) -> None:
    """Until cancelled, keep in `worst[0]` the longest a 1 ms sleep overslept: how long the
    event loop could not run anything else (Discord heartbeats, Slack acks)."""
    loop = asyncio.get_running_loop()
    while True:
        start = loop.time()
        await asyncio.sleep(0.001)
        worst[0] = max(worst[0], loop.time() - start - 0.001)


async def timed_round(cohort: Cohort, clock: ManualClock, week: str) -> Round:
    community = await cohort.communities.resolve(
        CommunityRef(Platform.CONSOLE, "bench"), cohort.clock.now()
    )
    worst = [0.0]
    monitor = asyncio.ensure_future(loop_lag(worst))
    cpu = cpu_seconds(cohort)
    start = time.perf_counter()
    report = await cohort.digests.refresh(cohort.clock.now())
    fetched = time.perf_counter()
    async with cohort.db.write() as conn:
        digest = await cohort.digests.building.post(conn, community, week, clock.now(), late=False)
    done = time.perf_counter()
    assert digest is not None
    assert report.failed == 0, report
    after = cpu_seconds(cohort)
    monitor.cancel()
    used = (after[0] - cpu[0], after[1] - cpu[1])
    return Round(
        fetched - start, done - fetched, report.new_items, len(digest.sections), used, worst[0]
    )


async def hostile_round(
    cohort: Cohort, path: Path, others: int
) -> tuple[float, float, RefreshReport]:
    """Seconds until every feed but the hostile ones is recorded, seconds for the whole
    refresh, and its report."""
    start = time.perf_counter()
    refresh = asyncio.ensure_future(cohort.digests.refresh(cohort.clock.now()))
    await others_recorded(path, others)
    others_done = time.perf_counter() - start
    report = await refresh
    return others_done, time.perf_counter() - start, report


async def others_recorded(path: Path, others: int) -> None:
    """Return once `others` feeds that are not hostile are recorded. The database file is
    polled every 10 ms from a plain sqlite3 connection: a poll through the bot's own engine
    costs its event loop 0.35 ms of CPU and several hops to a database thread each time,
    which the round it measures then pays."""
    recorded = (
        "SELECT count(*) FROM feeds WHERE checked_at IS NOT NULL AND url NOT LIKE '%/hostile/%'"
    )
    with contextlib.closing(sqlite3.connect(path)) as poll:
        while True:
            if poll.execute(recorded).fetchone()[0] >= others:
                return
            await asyncio.sleep(0.01)


async def parsing_alone(cohort: Cohort, count: int, items: int) -> tuple[float, Counter[str]]:
    """Seconds the parser takes for every first-check document at once, with no network, and
    how many documents each reader read."""
    bodies = [document(n, items) for n in range(count)]
    start = time.perf_counter()
    parse = cohort.digests.parse
    parsed = await asyncio.gather(
        *(parse(b, "application/rss+xml", "http://bench/", NOW) for b in bodies)
    )
    return time.perf_counter() - start, Counter(p.reader for p in parsed)


async def slowest_alone(cohort: Cohort, port: int, count: int) -> float:
    """Seconds to fetch and parse the slowest feed on its own."""
    slowest = max(range(count), key=latency)
    start = time.perf_counter()
    async with cohort.digests.refreshing.fetcher.batch() as batch:
        result = await batch.fetch(FetchRequest(f"http://127.0.0.1:{port}/feed/{slowest}"))
    await cohort.digests.parse(result.body, result.content_type, result.final_url, NOW)
    return time.perf_counter() - start


async def run(
    count: int, items: int, port: int, concurrency: int, hourly: Synchronized[int]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cohort, clock = await prepared(Path(tmp) / "timed.db", port, count, concurrency)
        workers = cohort.parse_workers.workers if cohort.parse_workers else 0
        alone = await slowest_alone(cohort, port, count)
        floor, readers = await parsing_alone(cohort, count, items)
        first = await timed_round(cohort, clock, "2026-W49")
        clock.advance(timedelta(hours=1))
        hourly.value = 1
        hour = await timed_round(cohort, clock, "2026-W50")
        await cohort.close()
        hourly.value = 0
        cohort, clock = await prepared(Path(tmp) / "traced.db", port, count, concurrency)
        tracemalloc.start()
        await timed_round(cohort, clock, "2026-W49")
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        await cohort.close()
        path = Path(tmp) / "hostile.db"
        cohort, clock = await prepared(path, port, count, concurrency, True)
        others = count - len(HOSTILE)
        others_done, whole, hostile_report = await hostile_round(cohort, path, others)
        async with cohort.db.read() as conn:
            problems = (
                await conn.execute(
                    sa.select(feeds.c.url, feeds.c.problem).where(feeds.c.url.like("%/hostile/%"))
                )
            ).all()
        await cohort.close()
    slowest = max(latency(n) for n in range(count))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"feeds: {count}, items per feed: {items}, fetches at once: {concurrency}")
    print(f"parse workers: {workers or 'none (a thread)'}, cores: {os.cpu_count()}")
    print(f"event loop: {eventloop.loop_name()}")
    print(f"load average at the end (1, 5, 15 min): {os.getloadavg()}")
    read_by = ", ".join(f"{reader}: {n}" for reader, n in readers.items())
    print(f"parser: {read_by} document(s) of the first check")
    print(f"slowest feed's latency: {slowest * 1000:.0f} ms")
    print(f"slowest feed fetched and parsed alone: {alone * 1000:.0f} ms")
    for name, result in (("first check", first), ("hourly check", hour)):
        print(
            f"{name}: {result.new} new items; refresh {result.refresh * 1000:.0f} ms +"
            f" digest {result.build * 1000:.0f} ms ({result.sections} sections) ="
            f" {result.total * 1000:.0f} ms = {result.total / alone:.2f}x the slowest feed alone"
            f" (the refresh alone {result.refresh / alone:.2f}x;"
            f" CPU: bot {result.cpu[0] * 1000:.0f} ms, parse workers {result.cpu[1] * 1000:.0f} ms;"
            f" the event loop waited {result.lag * 1000:.0f} ms at most)"
        )
    print(
        f"parsing the first check's documents alone, no network: {floor * 1000:.0f} ms"
        f" = {floor / alone:.2f}x the slowest feed alone"
    )
    print(
        f"hostile round: the other {others} feeds recorded in {others_done * 1000:.0f} ms ="
        f" {others_done / alone:.2f}x the slowest feed alone; the whole refresh"
        f" {whole:.1f} s ({hostile_report.failed} failed)"
    )
    for url, problem in problems:
        print(f"  {url.rsplit('/', 1)[1]}: {problem}")
    print(f"peak Python allocations during a run (tracemalloc): {traced_peak / 1024 / 1024:.1f} MB")
    print(f"peak resident memory of the process: {rss:.0f} MB")


def add_loop_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--loop",
        choices=get_args(eventloop.LoopChoice),
        default=Settings.model_fields["event_loop"].default,
        help="the event loop, as COHORT_EVENT_LOOP chooses it for `cohort run`",
    )


@contextlib.contextmanager
def served(feeds: int, items: int) -> Iterator[tuple[int, Synchronized[int]]]:
    """The feeds served by a process of their own while the block runs: its port, and the
    switch that makes it answer as an hour later."""
    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    hourly: Synchronized[int] = multiprocessing.Value("i", 0)
    server = multiprocessing.Process(target=serve, args=(feeds, items, ports, hourly), daemon=True)
    server.start()
    try:
        yield ports.get(timeout=30), hourly
    finally:
        server.terminate()
        server.join()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=25)
    parser.add_argument(
        "--concurrency", type=int, default=FetchLimits().concurrency, help="fetches at once"
    )
    add_loop_option(parser)
    args = parser.parse_args()
    with served(args.feeds, args.items) as (port, hourly):
        eventloop.run(run(args.feeds, args.items, port, args.concurrency, hourly), args.loop)


if __name__ == "__main__":
    main()
