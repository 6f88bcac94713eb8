"""The event loop Cohort runs on: uvloop where it is installed, else asyncio's own.

uvloop does the loop's own work (polling sockets, timers, callbacks) in C. A refresh of 200
feeds is mostly that work and aiohttp's, so the bot process spends less CPU on each one
(docs/digests.md gives the figures). uvloop is a dependency on Linux and macOS; on Windows,
where it does not exist, and with COHORT_EVENT_LOOP=asyncio, asyncio's loop runs everything.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Literal, TypeVar

LoopChoice = Literal["uvloop", "asyncio"]
T = TypeVar("T")
log = logging.getLogger(__name__)


def loop_factory(choice: LoopChoice) -> Callable[[], asyncio.AbstractEventLoop] | None:
    """What makes the chosen loop; None for asyncio's own (also when uvloop is missing)."""
    if choice == "asyncio":
        return None
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def run(main: Coroutine[Any, Any, T], choice: LoopChoice = "uvloop") -> T:
    """Run `main` to its end on a new loop of the chosen kind, as asyncio.run does."""
    with asyncio.Runner(loop_factory=loop_factory(choice)) as runner:
        log.debug("the event loop is %s", type(runner.get_loop()).__module__)
        return runner.run(main)


def loop_name() -> str:
    """The running loop's kind, for the log and the benchmarks."""
    return (
        "uvloop" if type(asyncio.get_running_loop()).__module__.startswith("uvloop") else "asyncio"
    )
