"""How long a command's write waits on SQLite while the scheduler writes back to back: one task
runs write transactions of twenty inserts without a pause, another (the "commands") opens a
write every 20 ms; prints the commands' waits for the write lock (p50, p99, max).

Before writers queued in-process (`Database._turn`), SQLite's busy handler polled the lock
with sleeps of up to 100 ms and a waiting command kept losing it to the next scheduler
transaction.

    python -m bench.write_turns [--commands 150]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from bot.storage.database import Database


async def waits(folder: Path, commands: int) -> list[float]:
    db = Database.connect(f"sqlite+aiosqlite:///{folder / 'turns.db'}")
    async with db.write() as tx:
        await tx.execute(sa.text("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"))
    done = asyncio.Event()
    found: list[float] = []

    async def scheduler() -> None:
        while not done.is_set():
            async with db.write() as tx:
                for _ in range(20):
                    await tx.execute(sa.text("INSERT INTO t (v) VALUES ('job')"))

    async def command() -> None:
        for _ in range(commands):
            await asyncio.sleep(0.02)
            started = time.perf_counter()
            async with db.write() as tx:
                found.append(time.perf_counter() - started)
                await tx.execute(sa.text("INSERT INTO t (v) VALUES ('command')"))
        done.set()

    try:
        await asyncio.gather(scheduler(), command())
    finally:
        await db.dispose()
    return sorted(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.write_turns", description=__doc__)
    parser.add_argument("--commands", type=int, default=150)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cohort-turns-") as folder:
        found = asyncio.run(waits(Path(folder), args.commands))
    p50, p99 = found[len(found) // 2], found[round(0.99 * (len(found) - 1))]
    print(
        f"write turns: {len(found)} command writes waited p50 {p50 * 1000:.0f} ms,"
        f" p99 {p99 * 1000:.0f} ms, max {found[-1] * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
