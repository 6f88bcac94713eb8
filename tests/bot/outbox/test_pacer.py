"""Spacing requests: one per channel interval per channel even after the event loop stalled,
and a bounded memory of channels."""

from __future__ import annotations

import asyncio
import itertools
import time
from datetime import UTC, datetime

from bot.clock import ManualClock
from bot.outbox.pacer import Pacer

INTERVAL = 0.3


def pacer() -> Pacer:
    return Pacer(ManualClock(datetime(2026, 12, 1, tzinfo=UTC)), 1000.0, INTERVAL)


async def test_a_channel_s_requests_keep_their_interval_after_the_loop_stalled() -> None:
    spacing = pacer()
    went: list[float] = []

    async def request() -> None:
        await spacing.wait("general")
        went.append(time.monotonic())

    loop = asyncio.get_running_loop()
    # The second request is planned for INTERVAL after the first; the loop stalls just before
    # it, so it goes late, and the third (planned for 2 x INTERVAL) would follow at once.
    loop.call_later(INTERVAL * 0.9, time.sleep, INTERVAL * 0.9)
    await asyncio.gather(*(request() for _ in range(3)))
    gaps = [later - earlier for earlier, later in itertools.pairwise(went)]
    assert min(gaps) >= INTERVAL * 0.99, gaps


async def test_other_channels_do_not_wait_for_a_busy_one() -> None:
    spacing = pacer()
    started = time.monotonic()
    await spacing.wait("general")
    await spacing.wait("random")
    await spacing.wait("dm-ada")
    assert time.monotonic() - started < INTERVAL / 2


async def test_channels_quiet_for_an_interval_are_forgotten() -> None:
    spacing = pacer()
    spacing.FORGET_AFTER = 10
    for n in range(10):
        await spacing.wait(f"dm-{n}")
    await asyncio.sleep(INTERVAL * 1.1)
    await spacing.wait("dm-new")
    assert spacing.channels == 1
