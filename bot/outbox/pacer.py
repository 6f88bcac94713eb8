"""Spacing requests to a platform: overall, per channel, and around rate limits."""

from __future__ import annotations

import asyncio
import logging
import math
import time
from datetime import datetime, timedelta

from bot.clock import Clock

log = logging.getLogger(__name__)


class Pacer:
    """Spaces requests: at most `per_second` overall and one per `channel_interval` per
    channel, measured on the monotonic clock; and keeps a channel the platform said is rate
    limited quiet until then, on the logical clock that also schedules retries.

    The overall budget is a row of slots `1 / per_second` apart. A request takes the first
    free slot once its channel may speak again, not the slot after the last one taken: the
    third post for one channel, due two intervals on, must not hold back the posts for other
    channels asked for after it (they would all wait for it, and the budget between go
    unused)."""

    MAX_HOLD = 60.0  # seconds; a longer wait is left to the rows' own next attempt
    FORGET_AFTER = 4096  # channels remembered before those quiet for a whole interval go
    # A channel's requests are spaced a little more than its limit: the platform measures
    # them when they arrive, and the way there does not take the same time twice.
    CHANNEL_MARGIN = 1.05

    def __init__(self, clock: Clock, per_second: float, channel_interval: float) -> None:
        self._clock = clock
        self._gap = 1.0 / per_second if per_second > 0 else 0.0
        self._channel_interval = channel_interval * self.CHANNEL_MARGIN
        self._taken: set[int] = set()  # global slots reserved, as multiples of the gap
        self._next_channel: dict[str, float] = {}
        self._sent: dict[str, float] = {}  # when each channel's last request really went
        self._held: dict[str, datetime] = {}
        self._lock = asyncio.Lock()

    async def wait(self, channel: str) -> None:
        held = self._held.pop(channel, None)
        if held is not None:
            quiet = (held - self._clock.now()).total_seconds()
            if quiet > 0:
                await asyncio.sleep(quiet)
        async with self._lock:
            now = time.monotonic()
            start = self._slot(max(now, self._next_channel.get(channel, 0.0)), now)
            self._next_channel[channel] = start + self._channel_interval
        delay = start - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        # A stalled event loop wakes a channel's previous request late and this one on time:
        # space them from when the previous one really went, or the platform answers 429.
        now = time.monotonic()
        went = self._sent.get(channel)
        at = now if went is None else max(now, went + self._channel_interval)
        self._sent[channel] = at  # before sleeping, so the channel's next request sees it
        if at > now:
            await asyncio.sleep(at - now)
        if len(self._sent) > self.FORGET_AFTER:
            self._forget(at - self._channel_interval)

    def _slot(self, ready: float, now: float) -> float:
        """The first free slot of the overall budget at or after `ready`, now taken."""
        if not self._gap:
            return ready
        slot = math.ceil(ready / self._gap)
        while slot in self._taken:
            slot += 1
        self._taken.add(slot)
        if len(self._taken) > self.FORGET_AFTER:  # slots gone by are free to forget
            self._taken = {s for s in self._taken if s * self._gap >= now}
        return slot * self._gap

    @property
    def channels(self) -> int:
        """How many channels it remembers."""
        return len(self._sent)

    def _forget(self, before: float) -> None:
        """Drop the channels quiet since `before`: a member's direct messages are a channel
        each, and a process runs for months."""
        self._sent = {c: t for c, t in self._sent.items() if t > before}
        self._next_channel = {c: t for c, t in self._next_channel.items() if t > before}

    def hold_channel(self, channel: str, seconds: float) -> None:
        """Keep a channel quiet for a while (the platform told us it is rate limited)."""
        if seconds <= self.MAX_HOLD:
            self._held[channel] = self._clock.now() + timedelta(seconds=seconds)
