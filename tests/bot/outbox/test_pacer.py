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


async def test_a_busy_channel_does_not_hold_back_the_requests_asked_after_it() -> None:
    spacing = Pacer(ManualClock(datetime(2026, 12, 1, tzinfo=UTC)), 50.0, INTERVAL)
    went: dict[str, float] = {}
    started = time.monotonic()

    async def request(name: str, channel: str) -> None:
        await spacing.wait(channel)
        went[name] = time.monotonic() - started

    # Three posts for one channel, then two for others: the others take the free slots of
    # the global budget while the first channel waits out its interval.
    await asyncio.gather(
        *(request(f"general-{n}", "general") for n in range(3)),
        request("random", "random"),
        request("dm-ada", "dm-ada"),
    )
    assert went["random"] < INTERVAL / 2, went
    assert went["dm-ada"] < INTERVAL / 2, went
    assert went["general-2"] - went["general-1"] >= INTERVAL * 0.99, went


async def test_requests_keep_to_the_global_budget_whatever_their_channels() -> None:
    per_second = 100.0
    spacing = Pacer(ManualClock(datetime(2026, 12, 1, tzinfo=UTC)), per_second, INTERVAL)
    went: list[float] = []

    async def request(channel: str) -> None:
        await spacing.wait(channel)
        went.append(time.monotonic())

    await asyncio.gather(*(request(f"c{n % 7}") for n in range(40)))
    went.sort()
    # However the channels' waits interleave, no window of a tenth of a second holds more
    # than a tenth of a second's budget (and one request for the window's own edge).
    for first, at in enumerate(went):
        within = sum(1 for later in went[first:] if later - at < 0.1 - 0.002)
        assert within <= per_second * 0.1 + 1, (first, within)


async def test_channels_quiet_for_an_interval_are_forgotten() -> None:
    spacing = pacer()
    spacing.FORGET_AFTER = 10
    for n in range(10):
        await spacing.wait(f"dm-{n}")
    await asyncio.sleep(INTERVAL * 1.1)
    await spacing.wait("dm-new")
    assert spacing.channels == 1
