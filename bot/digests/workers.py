"""Parsing feed documents in worker processes: feedparser is pure Python, so in threads every
parse shares one core with the event loop; in processes a refresh uses every core and the bot
keeps answering commands while it parses.

A worker that dies (a document that crashes or exhausts the parser) breaks the whole pool in
:mod:`concurrent.futures`; the pool is then replaced, each document that was in flight is parsed
again in a process of its own, and the one that kills that process too is its feed's parse
error.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime
from multiprocessing.context import BaseContext

from bot.digests.parse import ParsedFeed, ParseError, parse_sync

log = logging.getLogger(__name__)

ParseSync = Callable[[bytes, str, str, datetime], ParsedFeed]

MAX_WORKERS = 4


def default_workers() -> int:
    """One worker per core, at most four: a refresh is short, and each worker holds about
    20 MB."""
    return max(1, min(MAX_WORKERS, os.cpu_count() or 1))


def _ready() -> bool:
    return True


def _context() -> BaseContext:
    """forkserver where the system has it: workers fork from a small clean process that has
    already imported the parser, so they start in milliseconds and inherit none of the bot's
    threads or sockets (which plain fork would copy mid-flight)."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([parse_sync.__module__])
    return context


class ParseWorkers:
    """A pool of parser processes, started on first use or by :meth:`start`. Call it like
    :func:`bot.digests.parse.parse_in_thread`."""

    def __init__(self, workers: int, parse: ParseSync = parse_sync) -> None:
        if workers < 1:
            raise ValueError("a pool needs at least one worker")
        self.workers = workers
        self._parse = parse
        self._pool: Executor | None = None

    def _executor(self) -> Executor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(self.workers, mp_context=_context())
        return self._pool

    async def start(self) -> None:
        """Start every worker now, so the first refresh does not wait for them."""
        loop = asyncio.get_running_loop()
        pool = self._executor()
        await asyncio.gather(*(loop.run_in_executor(pool, _ready) for _ in range(self.workers)))

    async def __call__(
        self, body: bytes, content_type: str, base_url: str, now: datetime
    ) -> ParsedFeed:
        pool = self._executor()
        try:
            return await self._run(pool, body, content_type, base_url, now)
        except BrokenProcessPool:
            self._replace(pool)
        # Some document in flight killed its worker, and which one is unknown: each of them
        # is parsed again in a process of its own, where only the culprit fails.
        alone = ProcessPoolExecutor(1, mp_context=_context())
        try:
            return await self._run(alone, body, content_type, base_url, now)
        except BrokenProcessPool:
            raise ParseError("the document made the feed parser crash") from None
        finally:
            await asyncio.to_thread(alone.shutdown, wait=True)

    async def _run(
        self, pool: Executor, body: bytes, content_type: str, base_url: str, now: datetime
    ) -> ParsedFeed:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(pool, self._parse, body, content_type, base_url, now)

    def _replace(self, broken: Executor) -> None:
        """Drop a broken pool, once however many parses saw it break."""
        if self._pool is broken:
            log.warning("a feed parser process died; starting new ones")
            broken.shutdown(wait=False, cancel_futures=True)
            self._pool = None

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            await asyncio.to_thread(pool.shutdown, wait=True, cancel_futures=True)
