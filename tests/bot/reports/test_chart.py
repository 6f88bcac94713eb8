"""The report's chart renders: a PNG of the size phones show well, with holiday weeks and weeks
nobody was expected in."""

from __future__ import annotations

import struct
from datetime import date, timedelta

from bot.progress.model import WeekStats
from bot.reports.chart import average, report_chart


def _weeks() -> tuple[WeekStats, ...]:
    first = date(2026, 10, 5)
    counts = [(0, 0), (41, 28), (42, 30), (0, 0), (44, 27), (45, 31), (46, 22), (47, 33), (48, 29)]
    return tuple(
        WeekStats(first + timedelta(weeks=i), expected, checked, i == 3)
        for i, (expected, checked) in enumerate(counts)
    )


def test_the_chart_is_a_png_of_800_by_440() -> None:
    data = report_chart(_weeks())
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (800, 440)


def test_the_average_leaves_out_holidays_and_weeks_nobody_was_expected_in() -> None:
    weeks = _weeks()[:-1]
    assert average(weeks) == (28 + 30 + 27 + 31 + 22 + 33) / (41 + 42 + 44 + 45 + 46 + 47)
    assert average(()) is None
