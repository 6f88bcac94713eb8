"""The bench's scaled clock: processes given the same values agree, and time runs faster."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot import clock as clock_module
from bot.clock import ScaledClock

START = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)


def test_a_scaled_clock_runs_speed_times_faster_from_its_anchor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(clock_module.time, "time", lambda: 1_000.0)
    one = ScaledClock.parse(f"{START.isoformat()},990.0,30")
    other = ScaledClock(START, 990.0, 30)
    assert one.now() == other.now() == START + timedelta(seconds=300)


@pytest.mark.parametrize("text", ["2026-12-07T08:00:00,0,30", "2026-12-07T08:00:00+00:00,0,0"])
def test_a_scaled_clock_refuses_naive_starts_and_stopped_time(text: str) -> None:
    with pytest.raises(ValueError, match=r"ScaledClock|speed"):
        ScaledClock.parse(text)
