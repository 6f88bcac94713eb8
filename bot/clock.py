"""Time as an input: the Clock protocol, the real clock and a settable clock for tests."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to: used by tests and by the console's `:advance`."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = moment.astimezone(UTC)


class OffsetClock:
    """A base clock (the machine's) plus an offset that only grows: the console's `:advance`
    moves it forward while time keeps flowing normally in between."""

    def __init__(self, base: Clock | None = None) -> None:
        self._base = base or SystemClock()
        self._offset = timedelta(0)

    @property
    def offset(self) -> timedelta:
        """How far ahead of the base clock this one is."""
        return self._offset

    def now(self) -> datetime:
        return self._base.now() + self._offset

    def advance(self, delta: timedelta) -> datetime:
        if delta < timedelta(0):
            raise ValueError("time only moves forward")
        self._offset += delta
        return self.now()

    def advance_to(self, moment: datetime) -> None:
        """Move forward to `moment`; a moment in the past leaves the clock as it is."""
        gap = moment - self.now()
        if gap > timedelta(0):
            self._offset += gap


class ScaledClock:
    """A clock that starts at `start` when the machine's clock reads `anchor` (seconds since
    the epoch) and runs `speed` times faster. Benchmarks only (`bench/chaos.py`, through the
    hidden COHORT_TEST_CLOCK setting): several processes given the same three values agree on
    the time, so a week of schedules falls due in minutes."""

    def __init__(self, start: datetime, anchor: float, speed: float) -> None:
        if start.tzinfo is None:
            raise ValueError("ScaledClock needs an aware datetime")
        if speed <= 0:
            raise ValueError("a clock's speed must be positive")
        self._start = start.astimezone(UTC)
        self._anchor = anchor
        self._speed = speed

    @classmethod
    def parse(cls, text: str) -> ScaledClock:
        """`<ISO start>,<anchor>,<speed>`, as bench/chaos.py writes it."""
        start, anchor, speed = text.split(",")
        return cls(datetime.fromisoformat(start), float(anchor), float(speed))

    def now(self) -> datetime:
        elapsed = time.time() - self._anchor
        return self._start + timedelta(seconds=elapsed * self._speed)
