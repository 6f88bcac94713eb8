"""Parsing feed documents: well-formed ones in a thread, the rest in worker processes, each
document with a deadline.

The fast reader (:func:`bot.digests.parse.parse_fast`) runs in linear time on C parsers, so
it runs in a thread: a round trip to another process per document costs more than the parse.
What it cannot read goes to feedparser's lenient parser, pure Python with patterns of its
own, in a worker process: a parse past the deadline, or one that crashes its worker, ends
that worker only (the document is its feed's parse error) and a fresh worker takes the next
document. Workers ignore Ctrl+C: the bot stops them itself, so a Ctrl+C on `cohort run`
prints no traceback from them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import struct
from collections.abc import Callable
from datetime import UTC, datetime
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from multiprocessing.process import BaseProcess
from typing import Any

from bot.digests.parse import (
    PARSE_DEADLINE,
    Entry,
    ParsedFeed,
    ParseError,
    in_thread,
    parse_fast,
    parse_leniently,
)

log = logging.getLogger(__name__)

ParseSync = Callable[[bytes, str, str, datetime], ParsedFeed]

MAX_WORKERS = 2
_START_WITHIN = 60.0  # seconds for a new worker to say it is ready, on a very busy machine
_HEADER = struct.Struct("!i")  # a message's length, as Connection.send_bytes frames it


def default_workers() -> int:
    """One worker per core, at most two: a document takes a fraction of a millisecond, so more
    only hold memory (about 20 MB each)."""
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def _context() -> BaseContext:
    """forkserver where the system has it: workers fork from a small clean process that has
    already imported the parser, so they start in milliseconds and inherit none of the bot's
    threads or sockets (which plain fork would copy mid-flight)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([parse_leniently.__module__])
    return context


def _pack(parsed: ParsedFeed) -> tuple[Any, ...]:
    """A parsed feed as plain tuples and numbers: a third of the time to unpickle, on the
    event loop's side, of dataclasses holding datetimes."""
    entries = tuple(
        (
            e.uid,
            e.url,
            e.title,
            None if e.published_at is None else e.published_at.timestamp(),
            e.canonical,
            e.title_key,
        )
        for e in parsed.entries
    )
    return parsed.title, entries, parsed.warning, parsed.reader


def _unpack(packed: tuple[Any, ...]) -> ParsedFeed:
    title, entries, warning, reader = packed
    return ParsedFeed(
        title,
        tuple(
            Entry(uid, url, name, None if ts is None else datetime.fromtimestamp(ts, UTC), c, k)
            for uid, url, name, ts, c, k in entries
        ),
        warning,
        reader,
    )


def _serve(conn: Connection, parse: ParseSync) -> None:
    """A worker's life: parse each document received, answer, until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    conn.send_bytes(pickle.dumps(("ready", None)))  # the deadline counts parsing, not startup
    while True:
        try:
            message = conn.recv_bytes()
            body, content_type, base_url, now = pickle.loads(message)  # noqa: S301 - from the bot itself
        except (EOFError, OSError):
            return
        answer: tuple[str, Any]
        try:
            answer = ("ok", _pack(parse(body, content_type, base_url, now)))
        except ParseError as error:
            answer = ("error", str(error))
        except Exception:  # a parser bug on some document: that feed's error, not the worker's
            answer = ("error", "the feed parser failed on this document")
        conn.send_bytes(pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL))


class _Worker:
    """One worker process and the bot's end of its socket pair, read and written through the
    event loop (a worker that stops reading can never block the loop on a full buffer). The
    framing is that of :class:`multiprocessing.connection.Connection`, which the worker uses."""

    def __init__(self, context: BaseContext, parse: ParseSync) -> None:
        ours, child = context.Pipe()
        self.process: BaseProcess = context.Process(  # type: ignore[attr-defined]
            target=_serve, args=(child, parse), daemon=True
        )
        self.process.start()
        child.close()
        self.sock = socket.socket(fileno=os.dup(ours.fileno()))
        ours.close()
        try:
            self.sock.settimeout(_START_WITHIN)
            self._read_blocking()  # "ready": the deadline counts parsing, not startup
            self.sock.setblocking(False)
        except OSError:
            self.stop()
            raise ParseError("no feed parser process could be started") from None

    def _read_blocking(self) -> bytes:
        (size,) = _HEADER.unpack(self._exactly_blocking(_HEADER.size))
        return self._exactly_blocking(size)

    def _exactly_blocking(self, size: int) -> bytes:
        data = bytearray()
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return bytes(data)

    async def _exactly(self, size: int) -> bytes:
        loop = asyncio.get_running_loop()
        data = bytearray()
        while len(data) < size:
            chunk = await loop.sock_recv(self.sock, min(size - len(data), 1 << 20))
            if not chunk:
                raise EOFError
            data += chunk
        return bytes(data)

    async def round_trip(self, message: tuple[bytes, str, str, datetime], deadline: float) -> Any:
        """Send a document and wait for the answer; TimeoutError past the deadline."""
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(deadline):
            await loop.sock_sendall(self.sock, _HEADER.pack(len(data)) + data)
            (size,) = _HEADER.unpack(await self._exactly(_HEADER.size))
            answer = await self._exactly(size)
        return pickle.loads(answer)  # noqa: S301 - from our own worker

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


class ParseWorkers:
    """The fast reader in a thread, and processes for the rest (`parse`, feedparser's lenient
    parser by default), started on first use or by :meth:`start`. Call it like
    :func:`bot.digests.parse.parse_in_thread`; a parse in a worker past `deadline` seconds is
    killed and raises ParseError."""

    def __init__(
        self, workers: int, parse: ParseSync = parse_leniently, deadline: float = PARSE_DEADLINE
    ) -> None:
        if workers < 1:
            raise ValueError("a pool needs at least one worker")
        self.workers = workers
        self.deadline = deadline
        self._parse = parse
        self._context: BaseContext | None = None
        self._idle: list[_Worker] = []
        self._slots = asyncio.Semaphore(workers)

    def _spawn(self) -> _Worker:
        if self._context is None:
            self._context = _context()
        return _Worker(self._context, self._parse)

    async def start(self) -> None:
        """Start every worker now, so the first refresh does not wait for them."""
        while len(self._idle) < self.workers:
            self._idle.append(await asyncio.to_thread(self._spawn))

    async def __call__(
        self, body: bytes, content_type: str, base_url: str, now: datetime
    ) -> ParsedFeed:
        fast = await in_thread(parse_fast, body, content_type, base_url, now)
        if fast is not None:
            return fast
        return await self.in_worker(body, content_type, base_url, now)

    async def in_worker(
        self, body: bytes, content_type: str, base_url: str, now: datetime
    ) -> ParsedFeed:
        """Parse with `parse` in a worker process."""
        async with self._slots:
            worker = self._idle.pop() if self._idle else await asyncio.to_thread(self._spawn)
            healthy = False
            try:
                answer = await worker.round_trip((body, content_type, base_url, now), self.deadline)
                healthy = True
            except TimeoutError:
                raise ParseError(
                    f"parsing took longer than {self.deadline:g} s and was stopped"
                ) from None
            except (EOFError, OSError):
                log.warning("a feed parser process died; starting a new one")
                raise ParseError("the document made the feed parser crash") from None
            finally:
                # A worker past its deadline, dead, or left mid-document by a cancelled
                # refresh is not trusted with another document.
                if healthy:
                    self._idle.append(worker)
                else:
                    await asyncio.to_thread(worker.stop)
        kind, value = answer
        if kind == "error":
            raise ParseError(value)
        return _unpack(value)

    def pids(self) -> list[int]:
        """The process ids of the idle workers (all of them between two refreshes)."""
        return [w.process.pid for w in self._idle if w.process.pid is not None]

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for worker in idle:
            await asyncio.to_thread(worker.stop)
