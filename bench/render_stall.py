"""How much drawing picture cards stalls the event loop: N concurrent `progress` cards.

Builds a core on a fresh SQLite file, enrols members on a Discord community, then has them ask
for their `progress` card all at once while a heartbeat task measures how late the event loop
wakes it (the stall every other command and platform connection feels) and another member
asks `help` every 20 ms (its latency). Modes:

- `on-loop`: cards drawn on the event loop itself, for comparison;
- `to-thread`: drawn in asyncio's default executor (`asyncio.to_thread`, up to six threads
  here), as Cohort did before: the issue's 248 ms stall;
- `one-thread`: drawn in one dedicated thread, for comparison;
- `cohort`: drawn as Cohort draws them now (`bot.pictures`: one drawing process), fair use
  off;
- `fair-use`: the same with the default fair-use limits, all cards from one member (the
  issue's case: one member, 40 cards).

    .venv/bin/python -m bench.render_stall [--cards 40] [--members 1] [--mode all]
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import contextlib
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

from bot.app import Cohort
from bot.clock import SystemClock
from bot.identity import Caller, CommunityRef, MemberRef, Platform
from bot.replies import Reply
from bot.settings import Settings

GUILD = CommunityRef(Platform.DISCORD, "bench")
HEARTBEAT = 0.002  # seconds the heartbeat asks to sleep


def member(n: int) -> Caller:
    return Caller(MemberRef(GUILD, f"m{n}"), display_name=f"member {n}")


async def heartbeat(stalls: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        before = time.perf_counter()
        await asyncio.sleep(HEARTBEAT)
        stalls.append(time.perf_counter() - before - HEARTBEAT)


async def light_load(cohort: Cohort, latencies: list[float], stop: asyncio.Event) -> None:
    other = member(999)
    while not stop.is_set():
        before = time.perf_counter()
        await cohort.dispatcher.run_line(other, "help")
        latencies.append(time.perf_counter() - before)
        await asyncio.sleep(0.02)


@contextlib.contextmanager
def drawn_with(place: Callable[..., Any]) -> Iterator[None]:
    """Draw the cards with `place(draw, subject)` instead of Cohort's drawing thread."""
    with mock.patch("bot.pictures.draw", place):
        yield


async def _on_loop(draw: Callable[..., Any], subject: Any) -> Any:
    return draw(subject)


@contextlib.contextmanager
def _pool(executor: concurrent.futures.Executor) -> Iterator[None]:
    async def there(draw: Callable[..., Any], subject: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(executor, draw, subject)

    with executor, drawn_with(there):
        yield


async def run(mode: str, cards: int, members: int, folder: Path) -> str:
    limits: dict[str, int] = {}
    if mode != "fair-use":
        limits = {
            "limit_member_concurrent": 0,
            "limit_member_per_minute": 0,
            "limit_community_concurrent": 0,
            "limit_community_per_minute": 0,
        }
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{folder / f'{mode}.db'}",
        parse_workers=0,
        _env_file=None,  # type: ignore[call-arg]
        **limits,
    )
    cohort = Cohort.from_settings(settings, SystemClock())
    await cohort.start()
    try:
        for n in range(max(members, 1)):
            await cohort.dispatcher.run_line(member(n), "join timezone:Europe/Berlin")
        await cohort.dispatcher.run_line(member(999), "join")
        await cohort.dispatcher.run_line(member(0), "progress")  # imports matplotlib
        stalls: list[float] = []
        latencies: list[float] = []
        stop = asyncio.Event()
        side = [
            asyncio.ensure_future(heartbeat(stalls, stop)),
            asyncio.ensure_future(light_load(cohort, latencies, stop)),
        ]
        cpu, wall = time.process_time(), time.perf_counter()
        context = contexts[mode]()
        with context:
            answers = await asyncio.gather(
                *(cohort.dispatcher.run_line(member(n % members), "progress") for n in range(cards))
            )
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        stop.set()
        await asyncio.gather(*side)
    finally:
        await cohort.close()
    drawn = sum(1 for a in answers if isinstance(a, Reply) and a.image is not None)
    stalls.sort()
    return (
        f"{mode:9} cards drawn {drawn:3}/{cards}  wall {wall:5.2f} s  cpu {cpu:5.2f} s  "
        f"loop stall max {max(stalls) * 1000:6.1f} ms p99 {_pct(stalls, 0.99) * 1000:6.1f} ms  "
        f"help latency max {max(latencies, default=0) * 1000:6.1f} ms "
        f"median {statistics.median(latencies or [0]) * 1000:5.1f} ms"
    )


contexts: dict[str, Callable[[], contextlib.AbstractContextManager[None]]] = {
    "on-loop": lambda: drawn_with(_on_loop),
    "to-thread": lambda: drawn_with(asyncio.to_thread),
    "one-thread": lambda: _pool(concurrent.futures.ThreadPoolExecutor(1)),
    "cohort": contextlib.nullcontext,
    "fair-use": contextlib.nullcontext,
}


def _pct(values: list[float], share: float) -> float:
    return values[min(len(values) - 1, round(share * (len(values) - 1)))] if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cards", type=int, default=40)
    parser.add_argument("--members", type=int, default=1)
    parser.add_argument("--mode", choices=("all", *contexts), default="all")
    args = parser.parse_args()
    modes = tuple(contexts) if args.mode == "all" else (args.mode,)
    with tempfile.TemporaryDirectory() as folder:
        for mode in modes:
            print(asyncio.run(run(mode, args.cards, args.members, Path(folder))), flush=True)


if __name__ == "__main__":
    main()
