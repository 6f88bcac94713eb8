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

The aim is a total of at most twice the slowest feed alone. The first round is bound by
feedparser's CPU time, so the bench also prints how long the parse workers take for all of
its documents with no network at all: no refresh can be quicker than that.

All feeds share one host here, so the fetcher's per-host politeness limit is lifted for the
run: in real use the 200 feeds live on many hosts.

    .venv/bin/python -m bench.digests [--feeds 200] [--items 25] [--concurrency 100]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import resource
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from multiprocessing.sharedctypes import Synchronized
from pathlib import Path
from xml.sax.saxutils import escape

import aiohttp
from aiohttp import web

from bot.app import Cohort
from bot.clock import ManualClock
from bot.communities.model import Purpose
from bot.digests.fetcher import FeedFetcher, FetchLimits, FetchRequest
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


def serve(
    count: int, items: int, ports: multiprocessing.Queue[int], hourly: Synchronized[int]
) -> None:
    """The feed server process: `count` feeds, each with its own latency and manners. Feeds
    0, 2, 4... send an ETag and honour it; feeds 4k+3 have two new items once `hourly` is set."""
    first = {n: document(n, items) for n in range(count)}
    later = {n: document(n, items, fresh=2) for n in range(count) if n % 4 == 3}

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
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0, backlog=1024).start()
        ports.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


async def prepared(
    path: Path, port: int, count: int, concurrency: int
) -> tuple[Cohort, ManualClock]:
    """A core following `count` feeds that were checked once before."""
    settings = Settings(database_url=f"sqlite+aiosqlite:///{path}", _env_file=None)
    clock = ManualClock(NOW)
    cohort = Cohort(settings, clock, Database.connect(settings.database_url))
    await cohort.start()
    if cohort.parse_workers is not None:  # as `cohort run` does
        await cohort.parse_workers.start()
    limits = FetchLimits(concurrency=concurrency)
    cohort.digests.fetcher = FeedFetcher(
        lambda: aiohttp.ClientSession(
            auto_decompress=False, connector=aiohttp.TCPConnector(limit=limits.concurrency)
        ),
        limits,
        clock,
    )
    ref = CommunityRef(Platform.CONSOLE, "bench")
    community = await cohort.communities.resolve(ref)
    await cohort.communities.configure(community, channels={Purpose.DIGEST: "reading"})
    async with cohort.db.write() as conn:
        await conn.execute(
            feeds.insert(),
            [
                {
                    "community_id": community.id,
                    "url": f"http://127.0.0.1:{port}/feed/{n}",
                    "title": f"Feed {n}",
                    "added_by": "bench",
                    "added_at": NOW - timedelta(days=30),
                    "baselined": True,
                }
                for n in range(count)
            ],
        )
    return cohort, clock


@dataclass(frozen=True)
class Round:
    refresh: float  # seconds to fetch, parse and store
    build: float  # seconds to build and queue the digest
    new: int
    sections: int

    @property
    def total(self) -> float:
        return self.refresh + self.build


async def timed_round(cohort: Cohort, clock: ManualClock, week: str) -> Round:
    community = await cohort.communities.resolve(CommunityRef(Platform.CONSOLE, "bench"))
    start = time.perf_counter()
    report = await cohort.digests.refresh()
    fetched = time.perf_counter()
    async with cohort.db.write() as conn:
        digest = await cohort.digests.post(conn, community, week, clock.now(), late=False)
    done = time.perf_counter()
    assert digest is not None
    assert report.failed == 0, report
    return Round(fetched - start, done - fetched, report.new_items, len(digest.sections))


async def parsing_alone(cohort: Cohort, count: int, items: int) -> float:
    """Seconds the parser takes for every first-check document at once, with no network."""
    bodies = [document(n, items) for n in range(count)]
    start = time.perf_counter()
    parse = cohort.digests.parse
    await asyncio.gather(*(parse(b, "application/rss+xml", "http://bench/", NOW) for b in bodies))
    return time.perf_counter() - start


async def slowest_alone(cohort: Cohort, port: int, count: int) -> float:
    """Seconds to fetch and parse the slowest feed on its own."""
    slowest = max(range(count), key=latency)
    start = time.perf_counter()
    async with cohort.digests.fetcher.batch() as batch:
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
        floor = await parsing_alone(cohort, count, items)
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
    slowest = max(latency(n) for n in range(count))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"feeds: {count}, items per feed: {items}, fetches at once: {concurrency}")
    print(f"parse workers: {workers or 'none (a thread)'}, cores: {os.cpu_count()}")
    print(f"slowest feed's latency: {slowest * 1000:.0f} ms")
    print(f"slowest feed fetched and parsed alone: {alone * 1000:.0f} ms")
    for name, result in (("first check", first), ("hourly check", hour)):
        print(
            f"{name}: {result.new} new items; refresh {result.refresh * 1000:.0f} ms +"
            f" digest {result.build * 1000:.0f} ms ({result.sections} sections) ="
            f" {result.total * 1000:.0f} ms = {result.total / alone:.2f}x the slowest feed alone"
        )
    print(
        f"parsing the first check's documents alone, no network: {floor * 1000:.0f} ms"
        f" = {floor / alone:.2f}x the slowest feed alone"
    )
    print(f"peak Python allocations during a run (tracemalloc): {traced_peak / 1024 / 1024:.1f} MB")
    print(f"peak resident memory of the process: {rss:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=25)
    parser.add_argument(
        "--concurrency", type=int, default=FetchLimits().concurrency, help="fetches at once"
    )
    args = parser.parse_args()
    ports: multiprocessing.Queue[int] = multiprocessing.Queue()
    hourly: Synchronized[int] = multiprocessing.Value("i", 0)
    server = multiprocessing.Process(
        target=serve, args=(args.feeds, args.items, ports, hourly), daemon=True
    )
    server.start()
    try:
        port = ports.get(timeout=30)
        asyncio.run(run(args.feeds, args.items, port, args.concurrency, hourly))
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
