"""Pictures are drawn in a drawing process, never on the event loop's; members' pictures do
not wait behind the background's; a drawing process that dies is replaced, and one stuck past
the deadline is killed, its picture left out."""

from __future__ import annotations

import asyncio
import os
import signal
import time

import pytest

from bot import pictures
from bot.interactive import interactive
from tests.support import loop_turns


def _pid(offset: int) -> int:
    return os.getpid() + offset


async def test_pictures_are_drawn_in_another_process_while_the_loop_goes_on() -> None:
    async with loop_turns() as turns:
        drawer = await pictures.draw(_pid, 0)
        assert turns() > 0
    assert drawer != os.getpid()
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


def _suicide(_: int) -> int:
    os.kill(os.getpid(), signal.SIGKILL)
    return 0


async def _gone(pid: int) -> bool:
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        await asyncio.sleep(0.05)
    return False


async def test_a_picture_stuck_past_the_deadline_is_left_out_and_its_process_killed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stuck = await pictures.draw(_pid, 0)  # the process that will draw the next
    assert stuck is not None
    monkeypatch.setattr(pictures, "DEADLINE_SECONDS", 0.5)
    started = time.monotonic()
    assert await pictures.draw(_slow, 60.0) is None
    assert time.monotonic() - started < 5
    assert await _gone(stuck)  # killed, not left drawing for a minute
    monkeypatch.undo()  # a new drawing process takes longer than 0.5 s to start
    assert await pictures.draw(_pid, 0) not in (stuck, os.getpid(), None)


async def test_a_picture_whose_drawing_process_dies_twice_is_left_out() -> None:
    first = await pictures.draw(_pid, 0)
    assert await pictures.draw(_suicide, 0) is None
    assert await pictures.draw(_pid, 0) not in (first, os.getpid(), None)
