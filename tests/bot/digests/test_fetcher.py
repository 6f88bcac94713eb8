"""The fetcher against a loopback server: every fault ends in bounded time and memory with the
problem reported, and the other fetches of the batch are unaffected."""

from __future__ import annotations

import asyncio
import tracemalloc
from collections.abc import Callable
from datetime import timedelta
from email.utils import format_datetime
from urllib.parse import urlsplit

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.clock import ManualClock
from bot.digests.fetcher import (
    FeedFetcher,
    FetchLimits,
    FetchRequest,
    FetchResult,
    Outcome,
    check_url,
)
from tests.fakes.feed_server import LIMITS, FeedServer, Post, loopback_fetcher, rss20

DOCUMENT = rss20([Post("Hello", "https://a.org/1", "g1")])
BOUND = 5.0  # seconds any single fetch may take in these tests, whatever the server does


async def fetch(
    fetcher: FeedFetcher, server: FeedServer, path: str, etag: str | None = None
) -> FetchResult:
    async with fetcher.batch() as batch:
        request = FetchRequest(server.url(path), etag=etag)
        return await asyncio.wait_for(batch.fetch(request), BOUND)


Setup = Callable[[FeedServer], object]


def _loop(server: FeedServer) -> None:
    server.redirect("/f", "/g")
    server.redirect("/g", "/f")


def _chain(server: FeedServer) -> None:
    for n in range(6):
        server.redirect(f"/{'f' if n == 0 else n}", f"/{n + 1}")


FAULTS: list[tuple[str, Setup, str]] = [
    ("gone", lambda s: s.status("/f", 410), "HTTP 410"),
    ("not-found", lambda s: s.status("/f", 404), "HTTP 404"),
    ("server-error", lambda s: s.status("/f", 503), "HTTP 503"),
    ("no-content", lambda s: s.status("/f", 204), "HTTP 204"),
    ("slow-drip", lambda s: s.drip("/f", 0.05), "no complete answer within 1 s"),
    ("huge-declared", lambda s: s.huge("/f", 20 * 1024 * 1024, declared=True), "larger than"),
    ("huge-chunked", lambda s: s.huge("/f", 20 * 1024 * 1024, declared=False), "larger than"),
    ("gzip-bomb", lambda s: s.gzip_bomb("/f", 20 * 1024 * 1024), "larger than"),
    ("redirect-loop", _loop, "loop"),
    ("redirect-chain", _chain, "more than 4 redirects"),
    ("redirect-elsewhere", lambda s: s.redirect("/f", "ftp://a.org/feed"), "unusable address"),
    ("redirect-garbled", lambda s: s.redirect("/f", "http://[::1/feed"), "not a valid URL"),
    (
        "bad-encoding",
        lambda s: s.serve("/f", b"abc", headers={"Content-Encoding": "br"}),
        "encoding Cohort did not ask for",
    ),
    (
        "corrupt-gzip",
        lambda s: s.serve("/f", b"\x1f\x8bnot gzip at all", headers={"Content-Encoding": "gzip"}),
        "compressed body is corrupt",
    ),
]


@pytest.mark.parametrize(("setup", "problem"), [f[1:] for f in FAULTS], ids=[f[0] for f in FAULTS])
async def test_each_fault_is_reported_within_bounds(
    feed_server: FeedServer, clock: ManualClock, setup: Setup, problem: str
) -> None:
    setup(feed_server)
    result = await fetch(loopback_fetcher(clock), feed_server, "/f")
    assert result.outcome in (Outcome.FAILED, Outcome.GONE, Outcome.REFUSED)
    assert problem in result.problem
    assert result.body == b""


@pytest.mark.parametrize(
    "setup",
    [
        lambda s: s.huge("/f", 20 * 1024 * 1024, declared=False),
        lambda s: s.gzip_bomb("/f", 64 * 1024 * 1024),
    ],
    ids=["20-mb-body", "gzip-bomb"],
)
async def test_huge_bodies_never_sit_in_memory(
    feed_server: FeedServer, clock: ManualClock, setup: Setup
) -> None:
    setup(feed_server)
    fetcher = loopback_fetcher(clock)
    tracemalloc.start()
    try:
        result = await fetch(fetcher, feed_server, "/f")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "larger than" in result.problem
    assert peak < 8 * LIMITS.max_bytes  # the server streamed 20 or 64 MB


async def test_a_feed_is_fetched_with_its_headers(
    feed_server: FeedServer, clock: ManualClock
) -> None:
    feed_server.serve(
        "/f", DOCUMENT, headers={"ETag": '"v1"', "Last-Modified": "Sat, 28 Nov 2026 10:00:00 GMT"}
    )
    result = await fetch(loopback_fetcher(clock), feed_server, "/f")
    assert result.outcome is Outcome.FETCHED
    assert result.body == DOCUMENT
    assert result.etag == '"v1"'
    assert result.last_modified == "Sat, 28 Nov 2026 10:00:00 GMT"
    assert result.moved_to is None
    (hit,) = feed_server.hits
    assert hit.headers["User-Agent"].startswith("Cohort/")
    assert hit.headers["Accept-Encoding"] == "gzip, deflate"
    assert "If-None-Match" not in hit.headers


async def test_gzip_bodies_are_inflated(feed_server: FeedServer, clock: ManualClock) -> None:
    feed_server.gzipped("/f", DOCUMENT)
    result = await fetch(loopback_fetcher(clock), feed_server, "/f")
    assert result.body == DOCUMENT


async def test_a_matching_etag_gets_304_and_no_body(
    feed_server: FeedServer, clock: ManualClock
) -> None:
    feed_server.conditional("/f", DOCUMENT, '"v1"', "Sat, 28 Nov 2026 10:00:00 GMT")
    fetcher = loopback_fetcher(clock)
    first = await fetch(fetcher, feed_server, "/f")
    again = await fetch(fetcher, feed_server, "/f", etag=first.etag)
    assert again.outcome is Outcome.NOT_MODIFIED
    assert again.body == b""
    assert again.etag == '"v1"'
    assert feed_server.hits[-1].headers["If-None-Match"] == '"v1"'


@pytest.mark.parametrize(
    ("statuses", "moved"),
    [((301,), True), ((308, 301), True), ((301, 302), False), ((307,), False)],
)
async def test_only_permanent_redirects_all_the_way_move_the_feed(
    feed_server: FeedServer, clock: ManualClock, statuses: tuple[int, ...], moved: bool
) -> None:
    for n, status in enumerate(statuses):
        feed_server.redirect(f"/hop{n}", f"/hop{n + 1}", status)
    feed_server.serve(f"/hop{len(statuses)}", DOCUMENT)
    result = await fetch(loopback_fetcher(clock), feed_server, "/hop0")
    assert result.outcome is Outcome.FETCHED
    assert result.final_url == feed_server.url(f"/hop{len(statuses)}")
    assert result.moved_to == (result.final_url if moved else None)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (None, None),
        ("soon", None),
        ("99999999", 7 * 24 * 3600.0),
        ("http-date", 3600.0),
    ],
)
async def test_retry_after_is_read_in_seconds_or_as_a_date(
    feed_server: FeedServer,
    clock: ManualClock,
    header: str | None,
    seconds: float | None,
) -> None:
    if header == "http-date":
        header = format_datetime(clock.now() + timedelta(hours=1), usegmt=True)
    feed_server.status("/f", 429, {"Retry-After": header} if header else None)
    result = await fetch(loopback_fetcher(clock), feed_server, "/f")
    assert result.problem == "HTTP 429"
    assert result.retry_after == seconds


async def test_one_bad_feed_does_not_hold_up_the_batch(
    feed_server: FeedServer, clock: ManualClock
) -> None:
    feed_server.drip("/slow", 0.05)
    for n in range(6):
        feed_server.serve(f"/ok{n}", DOCUMENT)
    async with loopback_fetcher(clock).batch() as batch:
        results = await asyncio.wait_for(
            asyncio.gather(
                batch.fetch(FetchRequest(feed_server.url("/slow"))),
                *(batch.fetch(FetchRequest(feed_server.url(f"/ok{n}"))) for n in range(6)),
            ),
            BOUND,
        )
    assert results[0].outcome is Outcome.FAILED
    assert [r.outcome for r in results[1:]] == [Outcome.FETCHED] * 6


async def test_the_concurrency_limit_holds(feed_server: FeedServer, clock: ManualClock) -> None:
    for n in range(12):
        feed_server.serve(f"/f{n}", DOCUMENT)
        feed_server.latency[f"/f{n}"] = 0.05
    fetcher = loopback_fetcher(clock, FetchLimits(concurrency=3, timeout=2.0))
    async with fetcher.batch() as batch:
        results = await asyncio.gather(
            *(batch.fetch(FetchRequest(feed_server.url(f"/f{n}"))) for n in range(12))
        )
    assert all(r.outcome is Outcome.FETCHED for r in results)
    assert feed_server.most_in_flight == 3


async def test_sessions_that_decompress_on_their_own_are_refused(clock: ManualClock) -> None:
    fetcher = FeedFetcher(lambda: aiohttp.ClientSession(), LIMITS, clock)
    with pytest.raises(ValueError, match="must not decompress"):
        async with fetcher.batch():
            pass


def _refused_by_urllib(url: str) -> str | None:
    """Why check_url must refuse `url`, read by urllib alone (None: it may be fetched)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "ValueError"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not a URL"
    if parts.username is not None or parts.password is not None:
        return "credentials"
    return None


@given(
    st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "http:", ""]),
    st.text(alphabet="aZ09.-_:@/?#[]% \t", max_size=30),
)
def test_addresses_are_refused_as_urllib_reads_them(prefix: str, rest: str) -> None:
    url = prefix + rest
    try:
        check_url(url)
        refused: str | None = None
    except ValueError:
        refused = "ValueError"
    except Exception as error:  # the fetcher's own refusal
        refused = "credentials" if "password" in str(error) else "not a URL"
    assert refused == _refused_by_urllib(url), url
