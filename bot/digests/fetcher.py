"""Fetching feeds over HTTP with aiohttp: the only network code of the digests.

Every fetch is bounded: a concurrency limit across a batch, one deadline per request that
covers redirects and the whole body (so a server dripping a byte a second cannot hold a slot),
a cap on the decoded body (checked against Content-Length first, then while reading, and while
decompressing, so a gzip bomb stops at the cap), and at most a few redirects with loops
detected. Requests are conditional (ETag and Last-Modified) and identify Cohort by its
User-Agent. Only public addresses, and the private hosts an operator allows, are connected to
(:mod:`bot.digests.addresses`): organizers type the URLs, and a bot must not become a way to
probe the network it runs in.

The fetcher decides nothing about a feed's health: it reports what happened, and
:mod:`bot.digests.service` applies backoff and disabling.
"""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from enum import StrEnum
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver
from aiohttp.resolver import DefaultResolver

from bot.clock import Clock
from bot.digests.addresses import AddressRefused, AllowList, GuardedConnector
from bot.digests.urls import split

USER_AGENT = "Cohort/0.1 (community study bot; reading digest; +https://github.com/cohort-bot)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, application/xml;q=0.9, "
    "text/xml;q=0.9, */*;q=0.5"
)
MAX_RETRY_AFTER = 7 * 24 * 3600.0
_CHUNK = 64 * 1024
_PERMANENT = {301, 308}
_REDIRECTS = {301, 302, 303, 307, 308}


@dataclass(frozen=True, slots=True)
class FetchLimits:
    concurrency: int = 200  # fetches at once across all hosts: a refresh is one wave
    per_host: int = 4  # and at once from one host, to stay polite
    timeout: float = 20.0  # seconds for one request: redirects, headers and body
    connect_timeout: float = 8.0
    max_bytes: int = 4 * 1024 * 1024  # of decoded body
    max_redirects: int = 5
    user_agent: str = USER_AGENT


class Outcome(StrEnum):
    FETCHED = "fetched"
    NOT_MODIFIED = "not-modified"
    GONE = "gone"
    REFUSED = "refused"  # an address Cohort does not fetch (private, local)
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class FetchRequest:
    url: str
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True, slots=True)
class FetchResult:
    outcome: Outcome
    body: bytes = b""
    content_type: str = ""
    final_url: str = ""  # where the body came from, for relative links
    moved_to: str | None = None  # set when every redirect on the way was permanent
    etag: str | None = None
    last_modified: str | None = None
    status: int | None = None
    problem: str = ""
    retry_after: float | None = None  # seconds the server asked us to wait
    seconds: float = 0.0  # how long the fetch took, whatever its outcome


NOT_A_URL = "the address is not a valid URL"


class _Unfetchable(Exception):
    """An address Cohort never fetches, whatever it points at."""


def check_url(url: str) -> None:
    """Refuse what no fetch should be tried for: another scheme than http(s), no host, or a
    user name or password (they would be sent to the server, and shown in `feeds list`)."""
    parts = split(url)  # urlsplit's answer, without parsing a plain address twice
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _Unfetchable(NOT_A_URL)
    # urllib reads a user name (perhaps empty) exactly when the location has an "@".
    if "@" in parts.netloc:
        raise _Unfetchable("addresses with a user name or password are not followed")


class _Refused(Exception):
    def __init__(self, problem: str, status: int | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.status = status


def _failed(
    problem: str, status: int | None = None, retry_after: float | None = None
) -> FetchResult:
    return FetchResult(Outcome.FAILED, status=status, problem=problem, retry_after=retry_after)


SessionFactory = Callable[[], aiohttp.ClientSession]


def session_factory(
    limits: FetchLimits,
    allowed: AllowList = AllowList(),  # noqa: B008 - frozen, never mutated
    resolver: Callable[[], AbstractResolver] = DefaultResolver,
) -> SessionFactory:
    """Sessions for real use: no automatic decompression (the fetcher caps it), no cookies,
    no proxy from the environment, a connect timeout, a few connections per host, and only
    public addresses or those `allowed` connected to, whatever `resolver` answers."""

    def make() -> aiohttp.ClientSession:
        connector = GuardedConnector(
            allowed,
            limit=limits.concurrency,
            limit_per_host=limits.per_host,
            ttl_dns_cache=300,
            resolver=resolver(),
        )
        return aiohttp.ClientSession(
            connector=connector,
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=limits.connect_timeout),
        )

    return make


class Batch:
    """One session shared by the fetches of a refresh round, with the concurrency limit."""

    def __init__(self, fetcher: FeedFetcher, session: aiohttp.ClientSession) -> None:
        self._fetcher = fetcher
        self._session = session
        self._slots = asyncio.Semaphore(fetcher.limits.concurrency)

    async def fetch(self, request: FetchRequest) -> FetchResult:
        async with self._slots:
            return await self._fetcher.fetch_with(self._session, request)


class FeedFetcher:
    def __init__(self, sessions: SessionFactory, limits: FetchLimits, clock: Clock) -> None:
        self._sessions = sessions
        self.limits = limits
        self._clock = clock

    def now(self) -> datetime:
        """The time a round of fetches starts: network timing, the one clock digests read."""
        return self._clock.now()

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[Batch]:
        async with self._sessions() as session:
            if session.auto_decompress:
                raise ValueError("feed sessions must not decompress: the fetcher caps it")
            yield Batch(self, session)

    async def fetch_with(
        self, session: aiohttp.ClientSession, request: FetchRequest
    ) -> FetchResult:
        """Fetch one feed; never raises for anything the network or the server does."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        result = await self._bounded(session, request)
        return replace(result, seconds=loop.time() - started)

    async def _bounded(self, session: aiohttp.ClientSession, request: FetchRequest) -> FetchResult:
        seconds = self.limits.timeout
        try:
            async with asyncio.timeout(seconds):
                return await self._follow(session, request)
        except _Refused as refused:
            return _failed(refused.problem, refused.status)
        except (AddressRefused, _Unfetchable) as refused:
            return FetchResult(Outcome.REFUSED, problem=str(refused))
        except TimeoutError:
            return _failed(f"no complete answer within {seconds:g} s")
        except aiohttp.InvalidURL:  # including numeric hosts such as 127.1 and 2130706433
            return FetchResult(Outcome.REFUSED, problem=NOT_A_URL)
        except aiohttp.ClientError as error:
            return _failed(_network_problem(error))
        except OSError as error:
            return _failed(f"network error: {error.strerror or error}"[:200])
        except ValueError:  # urllib refusing an address, such as a redirect to "http://[x"
            return FetchResult(Outcome.REFUSED, problem=NOT_A_URL)

    async def _follow(self, session: aiohttp.ClientSession, request: FetchRequest) -> FetchResult:
        url = request.url
        visited = {url}
        permanent = True
        for _ in range(self.limits.max_redirects + 1):
            check_url(url)
            async with session.get(
                url,
                headers=self._headers(request),
                allow_redirects=False,
                raise_for_status=False,
            ) as response:
                status = response.status
                if status in _REDIRECTS:
                    location = response.headers.get("Location", "")
                    target = urljoin(url, location.strip()) if location.strip() else ""
                    if urlsplit(target).scheme not in ("http", "https"):
                        raise _Refused(f"HTTP {status} redirects to an unusable address", status)
                    if target in visited:
                        raise _Refused("the redirects go round in a loop", status)
                    visited.add(target)
                    permanent = permanent and status in _PERMANENT
                    url = target
                    continue
                result = await self._answer(response, request)
            moved = url if permanent and url != request.url else None
            return replace(result, final_url=url, moved_to=moved)
        raise _Refused(f"more than {self.limits.max_redirects} redirects")

    def _headers(self, request: FetchRequest) -> dict[str, str]:
        headers = {
            "User-Agent": self.limits.user_agent,
            "Accept": ACCEPT,
            "Accept-Encoding": "gzip, deflate",
        }
        if request.etag:
            headers["If-None-Match"] = request.etag
        if request.last_modified:
            headers["If-Modified-Since"] = request.last_modified
        return headers

    async def _answer(self, response: aiohttp.ClientResponse, request: FetchRequest) -> FetchResult:
        status = response.status
        if status == 304:
            return FetchResult(
                Outcome.NOT_MODIFIED,
                status=status,
                etag=response.headers.get("ETag") or request.etag,
                last_modified=response.headers.get("Last-Modified") or request.last_modified,
            )
        if status == 410:
            return FetchResult(Outcome.GONE, status=status, problem="HTTP 410 Gone")
        if status == 429 or status >= 500:
            return _failed(f"HTTP {status}", status, self._retry_after(response))
        if status != 200:
            return _failed(f"HTTP {status}", status)
        body = await self._body(response)
        return FetchResult(
            Outcome.FETCHED,
            body=body,
            content_type=response.headers.get("Content-Type", ""),
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            status=status,
        )

    async def _body(self, response: aiohttp.ClientResponse) -> bytes:
        cap = self.limits.max_bytes
        too_big = f"the feed is larger than {cap / 1024 / 1024:g} MB"
        if response.content_length is not None and response.content_length > cap:
            raise _Refused(too_big, response.status)
        encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
        if encoding not in ("identity", "", "gzip", "x-gzip", "deflate"):
            raise _Refused(f"the server sent an encoding Cohort did not ask for: {encoding[:20]}")
        # 32 + 15 window bits: zlib reads the gzip or zlib header, whichever comes.
        inflater = None if encoding in ("identity", "") else zlib.decompressobj(47)
        parts: list[bytes] = []
        size = 0
        async for chunk in response.content.iter_chunked(_CHUNK):
            if inflater is not None:
                try:
                    chunk = inflater.decompress(chunk, cap - size + 1)
                except zlib.error:
                    raise _Refused("the compressed body is corrupt", response.status) from None
                if inflater.unconsumed_tail:
                    raise _Refused(too_big, response.status)
            size += len(chunk)
            if size > cap:
                raise _Refused(too_big, response.status)
            parts.append(chunk)
        return b"".join(parts)

    def _retry_after(self, response: aiohttp.ClientResponse) -> float | None:
        """Seconds from a Retry-After header (a number or an HTTP date), within a week."""
        value = response.headers.get("Retry-After", "").strip()
        if not value:
            return None
        seconds: float
        if value.isdigit():
            seconds = float(value)
        else:
            try:
                when: datetime = parsedate_to_datetime(value)
            except (TypeError, ValueError):
                return None
            if when.tzinfo is None:
                return None
            seconds = (when - self._clock.now()).total_seconds()
        return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _network_problem(error: aiohttp.ClientError) -> str:
    if isinstance(error, aiohttp.ClientConnectorError):
        reason = error.os_error.strerror or str(error.os_error)
        return f"could not connect to {error.host}: {reason}"[:200]
    if isinstance(error, aiohttp.ClientPayloadError):
        return "the connection broke while the feed was being read"
    return f"network error: {type(error).__name__}"
