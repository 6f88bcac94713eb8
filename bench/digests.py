"""How long a refresh of 200 feeds and the digest built from them take, against the slowest
single feed, and how much memory it uses.

A separate process serves 200 RSS feeds on 127.0.0.1, each answering after its own latency of
100 to 300 ms and holding 25 items (some stories appear in several feeds, as in real life).
The core runs on a migrated SQLite file; its feeds were checked once before, so everything
served counts as new. The timed part is one `refresh()` (fetch, parse, store) followed by the
weekly job's build-and-queue of the digest, in one transaction as the scheduler runs it. The
aim is a total of at most twice the slowest feed's latency.

All feeds share one host here, so the fetcher's per-host politeness limit is lifted for the
run: in real use the 200 feeds live on many hosts.

    .venv/bin/python -m bench.digests [--feeds 200] [--items 25] [--concurrency 100]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import resource
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

import aiohttp
from aiohttp import web

from bot.app import Cohort
from bot.clock import ManualClock
from bot.communities.model import Purpose
from bot.digests.fetcher import FeedFetcher, FetchLimits, FetchRequest
from bot.digests.parse import parse_in_thread
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


def document(n: int, items: int) -> bytes:
    rng = random.Random(1000 + n)
    entries = []
    for i in range(items):
        # One story in five is shared by ten feeds, like a launch everyone writes about.
        shared = i % 5 == 0
        story = f"shared-{(n // 10) * 100 + i}" if shared else f"f{n}-{i}"
        title = " ".join(rng.sample(WORDS, 7)).capitalize() + f" ({story})"
        published = NOW - timedelta(hours=rng.uniform(1, 150))
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


def serve(count: int, items: int, ports: multiprocessing.Queue[int]) -> None:
    """The feed server process: 200 feeds, each with its own latency."""
    bodies = {f"/feed/{n}": document(n, items) for n in range(count)}

    async def handler(request: web.Request) -> web.Response:
        n = int(request.match_info["n"])
        await asyncio.sleep(latency(n))
        return web.Response(body=bodies[request.path], content_type="application/rss+xml")

    async def main() -> None:
        app = web.Application()
        app.router.add_get("/feed/{n}", handler)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0, backlog=1024).start()
        ports.put(runner.addresses[0][1])
        await asyncio.Event().wait()

    asyncio.run(main())


async def prepared(path: Path, port: int, count: int, concurrency: int) -> Cohort:
    """A core following `count` feeds that were checked once before."""
    settings = Settings(database_url=f"sqlite+aiosqlite:///{path}", _env_file=None)
    clock = ManualClock(NOW)
    cohort = Cohort(settings, clock, Database.connect(settings.database_url))
    await cohort.start()
    if cohort.parse_workers is not None:  # as `cohort run` does
        await cohort.parse_workers.start()
    limits = FetchLimits(concurrency=concurrency, public_only=False)
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
    return cohort


async def timed_run(cohort: Cohort) -> tuple[float, float, float, int, int]:
    """Seconds for the refresh, for building and queueing the digest, in total; new items;
    digest messages."""
    community = await cohort.communities.resolve(CommunityRef(Platform.CONSOLE, "bench"))
    start = time.perf_counter()
    report = await cohort.digests.refresh()
    fetched = time.perf_counter()
    async with cohort.db.write() as conn:
        digest = await cohort.digests.post(conn, community, "2026-W49", NOW, late=False)
    done = time.perf_counter()
    assert digest is not None
    assert report.failed == 0, report
    return fetched - start, done - fetched, done - start, report.new_items, len(digest.sections)


async def slowest_alone(cohort: Cohort, port: int, count: int) -> float:
    """Seconds to fetch and parse the slowest feed on its own."""
    slowest = max(range(count), key=latency)
    start = time.perf_counter()
    async with cohort.digests.fetcher.batch() as batch:
        result = await batch.fetch(FetchRequest(f"http://127.0.0.1:{port}/feed/{slowest}"))
    parse = cohort.parse_workers or parse_in_thread
    await parse(result.body, result.content_type, result.final_url, NOW)
    return time.perf_counter() - start


async def run(count: int, items: int, port: int, concurrency: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        cohort = await prepared(Path(tmp) / "timed.db", port, count, concurrency)
        alone = await slowest_alone(cohort, port, count)
        refresh, build, total, new, sections = await timed_run(cohort)
        await cohort.close()
        cohort = await prepared(Path(tmp) / "traced.db", port, count, concurrency)
        tracemalloc.start()
        await timed_run(cohort)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        await cohort.close()
    slowest = max(latency(n) for n in range(count))
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"feeds: {count}, items per feed: {items}, fetches at once: {concurrency}")
    print(f"new items stored: {new}")
    print(f"slowest feed's latency: {slowest * 1000:.0f} ms")
    print(f"slowest feed fetched and parsed alone: {alone * 1000:.0f} ms")
    print(f"refresh (fetch, parse, store): {refresh * 1000:.0f} ms")
    print(f"digest built and queued: {build * 1000:.0f} ms ({sections} sections)")
    print(f"total: {total * 1000:.0f} ms = {total / alone:.2f}x the slowest feed alone")
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
    server = multiprocessing.Process(
        target=serve, args=(args.feeds, args.items, ports), daemon=True
    )
    server.start()
    try:
        asyncio.run(run(args.feeds, args.items, ports.get(timeout=30), args.concurrency))
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
