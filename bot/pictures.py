"""Pictures (cards, charts) are drawn in a separate process, never on the event loop's.

Drawing with matplotlib is CPU work that holds the GIL for long stretches: drawn in threads
(asyncio's default executor), 40 concurrent cards stalled the event loop for up to 160 to
500 ms (p99 about 40 ms), and one dedicated drawing thread did no better
(`bench/render_stall.py`, on a loaded 2-core machine). In a drawing process the same 40 cards
stalled it for at most 21 to 38 ms (p99 5 to 10 ms), and the bot's own process spent 1.5 s of
CPU instead of 5.5 s.

Two drawing processes, each started on its first picture, draw one picture after another:
one for members' commands (`bot.interactive`), one for the background (the weekly report's
charts, drawn by the scheduler for every community at once). With one process, a member's
card waited behind a whole round of report charts. The progress card and the report's chart
are drawn with Pillow (about 11 and 7 ms); matplotlib, which draws the organizers' `stats`
chart, is loaded in a process on its first such chart only.

A picture is an extra, never what a reply or a report waits for without end: a drawing
process stuck past `DEADLINE_SECONDS` is killed and replaced, and the picture left out.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing.context import BaseContext
from typing import TypeVar

from bot.interactive import is_interactive

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)

WORKERS = 1  # per drawing process kind: members' commands, and the background
# A picture takes 10 to 250 ms (a cold process's first: about 1 s); one past this is stuck.
DEADLINE_SECONDS = 30.0
_lock = threading.Lock()
_pools: dict[bool, ProcessPoolExecutor] = {}  # by whether they draw for members' commands


def _context() -> BaseContext:
    """forkserver where the system has it (a clean process: none of the bot's threads or
    sockets), spawn elsewhere. No preload is set here: the feed parsers' pool sets its own on
    the same forkserver, and the drawing process loads Pillow in `_ready` instead."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _ready() -> None:
    """In the drawing process: leave Ctrl+C to the bot (which stops it), load Pillow."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Loaded once, before the first card.
    import PIL.ImageDraw
    import PIL.ImageFont  # noqa: F401


def _painter(interactive: bool) -> ProcessPoolExecutor:
    with _lock:
        if interactive not in _pools:
            _pools[interactive] = ProcessPoolExecutor(
                WORKERS, mp_context=_context(), initializer=_ready
            )
        return _pools[interactive]


def _replace(interactive: bool, broken: ProcessPoolExecutor) -> None:
    with _lock:
        if _pools.get(interactive) is broken:
            del _pools[interactive]
    broken.shutdown(wait=False)


def _kill(pool: ProcessPoolExecutor) -> None:
    """Kill a pool's drawing processes: its pending pictures fail with BrokenProcessPool."""
    # The pool has no public way to stop a busy worker before Python 3.14 (kill_workers).
    for process in list((pool._processes or {}).values()):
        process.kill()


async def draw(paint: Callable[[T], R], subject: T) -> R | None:
    """`paint(subject)` in a drawing process (both must pickle: a module-level function and
    plain data); the event loop goes on meanwhile. A drawing process that died (killed, out of
    memory) is replaced, and the picture drawn again once. None, the picture left out, when it
    died again or was stuck past the deadline (then it is killed and replaced)."""
    interactive = is_interactive()
    for _ in range(2):  # again once after a drawing process died
        pool = _painter(interactive)
        try:
            return await _within_deadline(pool, paint, subject)
        except BrokenProcessPool:
            log.warning("the drawing process died; starting another")
            _replace(interactive, pool)
        except TimeoutError:
            log.warning(
                "a picture took over %g s; its drawing process is replaced", DEADLINE_SECONDS
            )
            _kill(pool)
            _replace(interactive, pool)
            return None
    return None


async def _within_deadline(pool: ProcessPoolExecutor, paint: Callable[[T], R], subject: T) -> R:
    loop = asyncio.get_running_loop()
    return await asyncio.wait_for(loop.run_in_executor(pool, paint, subject), DEADLINE_SECONDS)
