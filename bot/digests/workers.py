"""Parsing feed documents in worker processes, in batches, each batch with a deadline.

Processes let parsing use every core (in threads it would share the interpreter lock with
the event loop), and let a parse that runs too long be killed: feedparser, which reads what
the fast reader cannot, is pure Python with patterns of its own. Documents waiting for a
worker go to it together, one round trip for all of them: a round trip per document cost
more than the parse. A batch past the deadline, or one that crashes its worker, ends that
worker; its documents are then parsed one by one in fresh workers, where only the culprit
fails, as its feed's parse error. Workers ignore Ctrl+C: the bot stops them itself, so a
Ctrl+C on `cohort run` prints no traceback from them.
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

from bot.digests.parse import PARSE_DEADLINE, Entry, ParsedFeed, ParseError, parse_sync

log = logging.getLogger(__name__)

ParseSync = Callable[[bytes, str, str, datetime], ParsedFeed]
Document = tuple[bytes, str, str, datetime]  # body, content type, base URL, now
Answer = tuple[str, Any]  # ("ok", a packed ParsedFeed) or ("error", why)

MAX_WORKERS = 2
_START_WITHIN = 60.0  # seconds for a new worker to say it is ready, on a very busy machine
_BATCH = 16  # documents sent to a worker at once, at most
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
    context.set_forkserver_preload([parse_sync.__module__])
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
    moment = datetime.fromtimestamp
    return ParsedFeed(
        title,
        tuple(
            [
                Entry(uid, url, name, None if ts is None else moment(ts, UTC), c, k)
                for uid, url, name, ts, c, k in entries
            ]
        ),
        warning,
        reader,
    )


def _answer(parse: ParseSync, document: Document) -> Answer:
    try:
        return ("ok", _pack(parse(*document)))
    except ParseError as error:
        return ("error", str(error))
    except Exception:  # a parser bug on some document: that feed's error, not the worker's
        return ("error", "the feed parser failed on this document")


def _serve(tx: Connection, parse: ParseSync) -> None:
    """A worker's life: parse each batch of documents received, answer, until the pipe
    closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tx.send_bytes(pickle.dumps(("ready", None)))  # the deadline counts parsing, not startup
    while True:
        try:
            batch = pickle.loads(tx.recv_bytes())  # noqa: S301 - from the bot itself
        except (EOFError, OSError):
            return
        answers = [_answer(parse, document) for document in batch]
        tx.send_bytes(pickle.dumps(answers, protocol=pickle.HIGHEST_PROTOCOL))


class _Answers(asyncio.Protocol):
    """The bot's end of a worker's socket once the loop owns it: a message is sent, and the
    answer, framed as Connection.send_bytes frames it, is read as it arrives. The loop keeps
    watching the socket between round trips, where reading each answer with sock_recv started
    and stopped watching it every time (about 40 us of the loop's CPU per round trip)."""

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._transport: asyncio.Transport | None = None
        self._buffer = bytearray()
        self._waiter: asyncio.Future[bytes] | None = None
        self._lost = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not subclasses of asyncio.Transport, but have its methods.
        self._transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        waiter = self._waiter
        if waiter is None or waiter.done() or len(self._buffer) < _HEADER.size:
            return
        (size,) = _HEADER.unpack_from(self._buffer)
        end = _HEADER.size + size
        if len(self._buffer) >= end:
            message = bytes(self._buffer[_HEADER.size : end])
            del self._buffer[:end]
            waiter.set_result(message)

    def connection_lost(self, exc: Exception | None) -> None:
        self._lost = True
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(EOFError())

    async def ask(self, message: bytes) -> bytes:
        """Send a framed message and wait for the answer (EOFError if the worker is gone).
        The transport buffers what the worker has not read yet, so a worker that stops
        reading never blocks the loop; the caller's deadline ends the wait."""
        if self._lost or self._transport is None:
            raise EOFError
        self._waiter = self._loop.create_future()
        self._transport.write(message)
        return await self._waiter

    def close(self) -> None:
        """Close the socket, from any thread (a stopped worker is stopped from a thread)."""
        if self._transport is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                self._loop.call_soon_threadsafe(self._transport.abort)


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
        self._answers: _Answers | None = None
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

    async def round_trip(self, batch: list[Document], deadline: float) -> list[Answer]:
        """Send documents and wait for their answers; TimeoutError past the deadline."""
        data = pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL)
        if self._answers is None:  # on the loop: the worker was started in a thread
            loop = asyncio.get_running_loop()
            _, self._answers = await loop.create_unix_connection(_Answers, sock=self.sock)
        async with asyncio.timeout(deadline):
            answer = await self._answers.ask(_HEADER.pack(len(data)) + data)
        answers: list[Answer] = pickle.loads(answer)  # noqa: S301 - from our own worker
        return answers

    def stop(self) -> None:
        """End the worker; from any thread (joining the process blocks)."""
        if self._answers is not None:
            self._answers.close()
        else:
            with contextlib.suppress(OSError):
                self.sock.close()
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)


class ParseWorkers:
    """Parser processes running `parse`, started on first use or by :meth:`start`. Call it
    like :func:`bot.digests.parse.parse_in_thread`; a parse past `deadline` seconds is killed
    and raises ParseError."""

    def __init__(
        self, workers: int, parse: ParseSync = parse_sync, deadline: float = PARSE_DEADLINE
    ) -> None:
        if workers < 1:
            raise ValueError("a pool needs at least one worker")
        self.workers = workers
        self.deadline = deadline
        self._parse = parse
        self._context: BaseContext | None = None
        self._idle: list[_Worker] = []
        self._waiting: list[tuple[Document, asyncio.Future[ParsedFeed]]] = []
        self._runners: set[asyncio.Task[None]] = set()

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
        parsed: asyncio.Future[ParsedFeed] = asyncio.get_running_loop().create_future()
        self._waiting.append(((body, content_type, base_url, now), parsed))
        # Runners that are done count for nothing: a runner's task is done as soon as it has
        # found nothing waiting, but leaves `_runners` only in a callback that runs later, and
        # a document asked for in between (by the caller its last answer just woke) would
        # wait for a runner that never comes.
        if sum(not runner.done() for runner in self._runners) < self.workers:
            runner = asyncio.ensure_future(self._run())
            self._runners.add(runner)
            runner.add_done_callback(self._runners.discard)
        return await parsed

    async def _run(self) -> None:
        """Hand waiting documents to a worker, a batch at a time, until none wait."""
        while self._waiting:
            batch, self._waiting = self._waiting[:_BATCH], self._waiting[_BATCH:]
            batch = [(document, parsed) for document, parsed in batch if not parsed.done()]
            if not batch:
                continue
            try:
                answers = await self._parse_batch([document for document, _ in batch])
            except ParseError as error:  # no worker could be started
                answers = [("error", str(error))] * len(batch)
            for (_, parsed), (kind, value) in zip(batch, answers, strict=True):
                if parsed.done():  # the refresh that wanted it was cancelled
                    continue
                if kind == "error":
                    parsed.set_exception(ParseError(value))
                else:
                    parsed.set_result(_unpack(value))

    async def _parse_batch(self, batch: list[Document]) -> list[Answer]:
        worker = self._idle.pop() if self._idle else await asyncio.to_thread(self._spawn)
        healthy = False
        problem = ""
        try:
            answers = await worker.round_trip(batch, self.deadline)
            healthy = True
            return answers
        except TimeoutError:
            problem = f"parsing took longer than {self.deadline:g} s and was stopped"
        except (EOFError, OSError):
            log.warning("a feed parser process died; starting a new one")
            problem = "the document made the feed parser crash"
        finally:
            # A worker past its deadline, dead, or left mid-batch by a cancelled refresh is
            # not trusted with another document.
            if healthy:
                self._idle.append(worker)
            else:
                await asyncio.to_thread(worker.stop)
        if len(batch) == 1:
            return [("error", problem)]
        # Which document did it is unknown: each is parsed again on its own.
        return [(await self._parse_batch([document]))[0] for document in batch]

    def pids(self) -> list[int]:
        """The process ids of the idle workers (all of them between two refreshes)."""
        return [w.process.pid for w in self._idle if w.process.pid is not None]

    async def close(self) -> None:
        for runner in list(self._runners):
            runner.cancel()
        idle, self._idle = self._idle, []
        for worker in idle:
            await asyncio.to_thread(worker.stop)
