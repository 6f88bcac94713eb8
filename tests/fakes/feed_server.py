"""A loopback feed server for digest tests: documents, conditional answers, redirects, error
statuses, slow drips, huge bodies and gzip bombs on 127.0.0.1, recording every request; and
builders for RSS 2.0, RSS 1.0 and Atom documents."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import zlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape

import aiohttp
from aiohttp import web
from aiohttp.abc import AbstractResolver, ResolveResult

from bot.clock import Clock
from bot.digests.addresses import AllowList
from bot.digests.fetcher import FeedFetcher, FetchLimits, session_factory

LIMITS = FetchLimits(
    concurrency=8,
    timeout=1.0,
    connect_timeout=1.0,
    max_bytes=256 * 1024,
    max_redirects=4,
)
"""Small limits so every fault is reached quickly."""


class LoopbackOnlyResolver(AbstractResolver):
    """Resolves `localhost` and numeric hosts (as the system would, with no lookup) and
    nothing else, so a test that names a real host fails at once instead of reaching the
    internet."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        name = "127.0.0.1" if host.rstrip(".").lower() == "localhost" else host
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                name, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST
            )
        except socket.gaierror:
            raise OSError(f"tests never reach {host}") from None
        return [
            {
                "hostname": host,
                "host": str(address[0]),
                "port": port,
                "family": family,
                "proto": 0,
                "flags": socket.AI_NUMERICHOST,
            }
            for family, _, _, _, address in infos
        ]

    async def close(self) -> None:
        return None


def loopback_fetcher(clock: Clock, limits: FetchLimits = LIMITS) -> FeedFetcher:
    """A fetcher that reaches loopback addresses and nothing else, with no address policy:
    for tests of everything but the policy."""
    return FeedFetcher(
        lambda: aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(resolver=LoopbackOnlyResolver()),
            auto_decompress=False,
        ),
        limits,
        clock,
    )


def offline_fetcher(
    clock: Clock,
    allowed: AllowList = AllowList(),  # noqa: B008 - frozen
    limits: FetchLimits = FetchLimits(),  # noqa: B008 - frozen
) -> FeedFetcher:
    """The production fetcher (public addresses and `allowed` ones only) whose name lookups
    never leave the machine: every host but localhost fails to resolve."""
    return FeedFetcher(session_factory(limits, allowed, LoopbackOnlyResolver), limits, clock)


@dataclass(frozen=True)
class Post:
    title: str
    link: str
    guid: str | None = None
    published: datetime | None = None


def rss20(posts: Sequence[Post], title: str = "Test feed", encoding: str = "utf-8") -> bytes:
    items = []
    for post in posts:
        parts = [f"<title>{escape(post.title)}</title>", f"<link>{escape(post.link)}</link>"]
        if post.guid is not None:
            parts.append(f'<guid isPermaLink="false">{escape(post.guid)}</guid>')
        if post.published is not None:
            parts.append(f"<pubDate>{format_datetime(post.published)}</pubDate>")
        items.append(f"<item>{''.join(parts)}</item>")
    text = (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>http://example.org/</link>"
        f"{''.join(items)}</channel></rss>"
    )
    return text.encode(encoding)


def rss10(posts: Sequence[Post], title: str = "Test RDF feed") -> bytes:
    items = "".join(
        f'<item rdf:about="{escape(p.link)}"><title>{escape(p.title)}</title>'
        f"<link>{escape(p.link)}</link>"
        + (f"<dc:date>{p.published.isoformat()}</dc:date>" if p.published else "")
        + "</item>"
        for p in posts
    )
    return (
        '<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        f'<channel rdf:about="http://example.org/"><title>{escape(title)}</title>'
        f"<link>http://example.org/</link></channel>{items}</rdf:RDF>"
    ).encode()


def atom(posts: Sequence[Post], title: str = "Test Atom feed") -> bytes:
    entries = "".join(
        f"<entry><title>{escape(p.title)}</title>"
        f'<link href="{escape(p.link)}"/><id>{escape(p.guid or p.link)}</id>'
        + (f"<updated>{p.published.isoformat()}</updated>" if p.published else "")
        + "</entry>"
        for p in posts
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>{escape(title)}</title><id>urn:test</id>{entries}</feed>"
    ).encode()


@dataclass(frozen=True)
class Hit:
    path: str
    headers: dict[str, str]


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class FeedServer:
    routes: dict[str, Handler] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    latency: dict[str, float] = field(default_factory=dict)
    in_flight: int = 0
    most_in_flight: int = 0
    port: int = 0
    _runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.1)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def count(self, path: str) -> int:
        return sum(1 for h in self.hits if h.path == path)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.hits.append(Hit(request.path, dict(request.headers)))
        self.in_flight += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            if delay := self.latency.get(request.path):
                await asyncio.sleep(delay)
            handler = self.routes.get(request.path)
            if handler is None:
                return web.Response(status=404, text="not found")
            return await handler(request)
        finally:
            self.in_flight -= 1

    # --- What a path serves ---------------------------------------------------------------

    def serve(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = "application/rss+xml",
        status: int = 200,
        headers: dict[str, str] | None = None,
    ) -> None:
        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(
                body=body,
                status=status,
                content_type=None,
                headers={"Content-Type": content_type, **(headers or {})},
            )

        self.routes[path] = handler

    def conditional(self, path: str, body: bytes, etag: str, last_modified: str) -> None:
        """200 with validators, 304 when the request carries a matching one."""

        async def handler(request: web.Request) -> web.StreamResponse:
            validators = {"ETag": etag, "Last-Modified": last_modified}
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers=validators)
            return web.Response(
                body=body, headers={"Content-Type": "application/rss+xml", **validators}
            )

        self.routes[path] = handler

    def status(self, path: str, status: int, headers: dict[str, str] | None = None) -> None:
        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(status=status, text=f"status {status}", headers=headers)

        self.routes[path] = handler

    def redirect(self, path: str, to: str, status: int = 301) -> None:
        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(status=status, headers={"Location": to})

        self.routes[path] = handler

    def drip(self, path: str, every: float) -> None:
        """A feed that sends one byte at a time, forever."""

        async def handler(request: web.Request) -> web.StreamResponse:
            response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
            await response.prepare(request)
            with contextlib.suppress(ConnectionError):
                await response.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
                while True:
                    await asyncio.sleep(every)
                    await response.write(b" ")
            return response

        self.routes[path] = handler

    def huge(self, path: str, size: int, *, declared: bool) -> None:
        """`size` bytes of feed-looking text, with Content-Length or chunked."""

        async def handler(request: web.Request) -> web.StreamResponse:
            headers = {"Content-Type": "application/rss+xml"}
            if declared:
                headers["Content-Length"] = str(size)
            response = web.StreamResponse(headers=headers)
            await response.prepare(request)
            chunk = b"<!-- padding -->" * 4096
            sent = 0
            with contextlib.suppress(ConnectionError):
                while sent < size:
                    await response.write(chunk[: size - sent])
                    sent += len(chunk)
                await response.write_eof()
            return response

        self.routes[path] = handler

    def gzip_bomb(self, path: str, size: int) -> None:
        """A small gzip body that inflates to `size` bytes."""
        packer = zlib.compressobj(9, zlib.DEFLATED, 31)
        block = b"\0" * (1024 * 1024)
        body = b"".join(packer.compress(block) for _ in range(size // len(block))) + packer.flush()

        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(
                body=body,
                headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
            )

        self.routes[path] = handler

    def gzipped(self, path: str, document: bytes) -> None:
        packer = zlib.compressobj(6, zlib.DEFLATED, 31)
        body = packer.compress(document) + packer.flush()

        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(
                body=body,
                headers={"Content-Type": "application/rss+xml", "Content-Encoding": "gzip"},
            )

        self.routes[path] = handler
