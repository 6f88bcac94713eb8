"""Parsing in worker processes: the same results as in a thread, a refresh through them, and a
document that kills its worker failing alone."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import Cohort
from bot.clock import ManualClock
from bot.digests import parse as parse_module
from bot.digests.feature import digests_feature, with_digests
from bot.digests.parse import (
    FAST,
    LENIENT,
    ParsedFeed,
    ParseError,
    parse_in_thread,
    parse_sync,
)
from bot.digests.workers import ParseWorkers
from bot.features import FEATURES
from bot.settings import Settings
from bot.storage.database import Database
from tests.fakes.feed_server import FeedServer, Post, loopback_fetcher, rss20
from tests.support import caller, reply

NOW = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)
BASE = "http://feeds.example.org/feed.xml"
CRASH = b"this document kills the process that parses it"


def parse_or_die(body: bytes, content_type: str, base_url: str, now: datetime) -> ParsedFeed:
    """parse_sync, except that one document ends its process the way a crash in the parser
    would."""
    if body == CRASH:
        os._exit(70)
    return parse_sync(body, content_type, base_url, now)


def document(name: str, count: int = 3) -> bytes:
    return rss20(
        [Post(f"{name} {n}", f"https://{name}.org/{n}", f"{name}-{n}") for n in range(count)]
    )


@pytest.fixture
async def workers() -> AsyncIterator[ParseWorkers]:
    pool = ParseWorkers(2, parse=parse_or_die)
    await pool.start()
    yield pool
    await pool.close()


async def test_worker_processes_parse_exactly_as_a_thread_does(workers: ParseWorkers) -> None:
    broken = (Path(__file__).parent / "corpus" / "rss20_unescaped_amp.xml").read_bytes()
    bodies = [broken, *(document(f"site{n}") for n in range(40))]
    parsed = await asyncio.gather(*(workers(b, "application/rss+xml", BASE, NOW) for b in bodies))
    assert parsed == [parse_sync(b, "application/rss+xml", BASE, NOW) for b in bodies]
    assert parsed[0].reader == LENIENT
    assert parsed[0].warning is not None
    assert {p.reader for p in parsed[1:]} == {FAST}


async def test_a_document_asked_for_as_soon_as_the_last_answer_came_is_parsed() -> None:
    pool = ParseWorkers(1, parse=parse_or_die)
    await pool.start()
    answered = 0

    async def one_after_another() -> None:
        nonlocal answered
        for n in range(5):
            await pool(document(f"site{n}"), "", BASE, NOW)
            answered += 1

    task = asyncio.ensure_future(one_after_another())
    try:
        await asyncio.wait([task], timeout=20)
        assert answered == 5  # the second document used to wait for a runner forever
    finally:
        task.cancel()
        await pool.close()


async def test_a_document_that_is_not_a_feed_is_a_parse_error_from_a_worker_too(
    workers: ParseWorkers,
) -> None:
    with pytest.raises(ParseError, match="web page"):
        await workers(b"<!DOCTYPE html><html><body>Blog</body></html>", "text/html", BASE, NOW)


async def test_a_document_that_kills_its_worker_fails_alone_and_new_workers_take_over(
    workers: ParseWorkers,
) -> None:
    good = [document(f"site{n}") for n in range(10)]
    results = await asyncio.gather(
        *(workers(b, "", BASE, NOW) for b in [good[0], CRASH, *good[1:]]),
        return_exceptions=True,
    )
    crashed = results.pop(1)
    assert isinstance(crashed, ParseError)
    assert "crash" in str(crashed)
    assert results == [parse_sync(b, "", BASE, NOW) for b in good]
    assert await workers(good[0], "", BASE, NOW) == parse_sync(good[0], "", BASE, NOW)


async def test_a_refresh_parses_in_worker_processes_when_the_settings_ask_for_them(
    settings: Settings, clock: ManualClock, db: Database, feed_server: FeedServer
) -> None:
    loopback = digests_feature(fetcher=lambda shared: loopback_fetcher(shared.clock))
    with_workers = settings.model_copy(update={"parse_workers": 2})
    core = Cohort(with_workers, clock, db, with_digests(FEATURES, loopback))
    assert core.parse_workers is not None
    assert core.digests.parse is core.parse_workers
    await core.start()
    try:
        old = [Post(f"Old story {n}", f"https://old.org/{n}", f"old-{n}") for n in range(3)]
        feed_server.serve("/f", rss20(old))
        organizer = caller("org", admin=True)
        await core.dispatcher.run_line(organizer, f"feeds add {feed_server.url('/f')}")
        fresh = Post("Fresh news", "https://new.org/1", "new-1", clock.now())
        feed_server.serve("/f", rss20([fresh, *old]))
        clock.advance(timedelta(hours=1))
        report = await core.digests.refresh(core.clock.now())
        assert (report.checked, report.new_items, report.failed) == (1, 1, 0)
        preview = reply(await core.dispatcher.run_line(organizer, "digest preview")).body
        assert "Fresh news" in preview
        assert "Old story" not in preview
    finally:
        await core.parse_workers.close()


def test_no_workers_means_parsing_in_a_thread(
    settings: Settings, clock: ManualClock, db: Database
) -> None:
    core = Cohort(settings.model_copy(update={"parse_workers": 0}), clock, db)
    assert core.parse_workers is None
    assert core.digests.parse is parse_in_thread


def test_a_pool_needs_a_worker() -> None:
    with pytest.raises(ValueError, match="at least one"):
        ParseWorkers(0)


STUCK = b"this document makes the parser loop forever"


def parse_or_hang(body: bytes, content_type: str, base_url: str, now: datetime) -> ParsedFeed:
    """parse_sync, except that one document never finishes, as a backtracking pattern would."""
    while body == STUCK:
        pass
    return parse_sync(body, content_type, base_url, now)


async def test_a_parse_past_its_deadline_is_killed_and_fails_alone() -> None:
    pool = ParseWorkers(2, parse=parse_or_hang, deadline=1.0)
    await pool.start()
    started = [w.process for w in pool._idle]
    try:
        good = [document(f"site{n}") for n in range(8)]
        results = await asyncio.gather(
            *(pool(b, "", BASE, NOW) for b in [STUCK, *good]), return_exceptions=True
        )
        stuck = results.pop(0)
        assert isinstance(stuck, ParseError)
        assert "longer than 1 s" in str(stuck)
        assert results == [parse_sync(b, "", BASE, NOW) for b in good]
        assert not all(p.is_alive() for p in started)  # the one stuck was killed
        assert all(w.process.is_alive() for w in pool._idle)
        assert await pool(good[0], "", BASE, NOW) == results[0]
    finally:
        await pool.close()


async def test_workers_ignore_ctrl_c_and_stop_with_the_pool(workers: ParseWorkers) -> None:
    pids = [w.process.pid for w in workers._idle]
    assert len(pids) == 2
    for pid in pids:
        assert pid is not None
        os.kill(pid, signal.SIGINT)  # what a Ctrl+C sends the whole process group
    await asyncio.sleep(0.2)
    assert await workers(document("after"), "", BASE, NOW) == parse_sync(
        document("after"), "", BASE, NOW
    )
    processes = [w.process for w in workers._idle]
    await workers.close()
    assert not any(p.is_alive() for p in processes)


async def test_a_parse_in_a_thread_past_its_deadline_is_a_parse_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def slow(body: bytes, content_type: str, base_url: str, now: datetime) -> ParsedFeed:
        time.sleep(1.0)
        return parse_sync(body, content_type, base_url, now)

    monkeypatch.setattr(parse_module, "PARSE_DEADLINE", 0.2)
    monkeypatch.setattr(parse_module, "parse_sync", slow)
    with pytest.raises(ParseError, match=r"longer than 0\.2 s"):
        await parse_in_thread(document("slow"), "", BASE, NOW)
