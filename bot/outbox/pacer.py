"""Spacing requests to a platform: overall, per channel, and around rate limits."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timedelta

from bot.clock import Clock

log = logging.getLogger(__name__)


class Pacer:
    """Spaces requests: at most `per_second` overall and one per `channel_interval` per
    channel, measured on the monotonic clock; and keeps a channel the platform said is rate
    limited quiet until then, on the logical clock that also schedules retries."""

    MAX_HOLD = 60.0  # seconds; a longer wait is left to the rows' own next attempt

    def __init__(self, clock: Clock, per_second: float, channel_interval: float) -> None:
        self._clock = clock
        self._gap = 1.0 / per_second if per_second > 0 else 0.0
        self._channel_interval = channel_interval
        self._next_global = 0.0
        self._next_channel: dict[str, float] = {}
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
            start = max(now, self._next_global, self._next_channel.get(channel, 0.0))
            self._next_global = start + self._gap
            self._next_channel[channel] = start + self._channel_interval
        delay = start - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    def hold_channel(self, channel: str, seconds: float) -> None:
        """Keep a channel quiet for a while (the platform told us it is rate limited)."""
        if seconds <= self.MAX_HOLD:
            self._held[channel] = self._clock.now() + timedelta(seconds=seconds)
