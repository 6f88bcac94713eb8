"""Pictures are drawn in a drawing process, never on the event loop's; members' pictures do
not wait behind the background's; and a drawing process that dies is replaced."""

from __future__ import annotations

import asyncio
import os
import signal
import time

from bot import pictures
from bot.interactive import interactive


def _pid(offset: int) -> int:
    return os.getpid() + offset


async def test_pictures_are_drawn_in_another_process_while_the_loop_goes_on() -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    ticking = asyncio.ensure_future(tick())
    try:
        drawer = await pictures.draw(_pid, 0)
    finally:
        ticking.cancel()
    assert drawer != os.getpid()
    assert ticks > 0
    assert await pictures.draw(_pid, 1) == drawer + 1  # the same process draws the next one


def _slow(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


async def test_a_member_s_picture_does_not_wait_behind_the_background_s() -> None:
    await pictures.draw(_pid, 0)  # both drawing processes started
    with interactive():
        await pictures.draw(_pid, 0)
    background = [asyncio.ensure_future(pictures.draw(_slow, 0.4)) for _ in range(3)]
    await asyncio.sleep(0.05)
    started = time.monotonic()
    with interactive():
        member = await pictures.draw(_slow, 0.0)
    assert time.monotonic() - started < 0.3
    assert member not in await asyncio.gather(*background)


async def test_a_drawing_process_that_died_is_replaced_and_the_picture_drawn() -> None:
    first = await pictures.draw(_pid, 0)
    os.kill(first, signal.SIGKILL)
    await asyncio.sleep(0.2)  # the pool notices its worker is gone
    second = await pictures.draw(_pid, 0)
    assert second not in (first, os.getpid())
