"""The report's chart renders: a PNG of the size phones show well, read back pixel by pixel:
a bar per week as tall as its rate, the report's week in green, holiday weeks and weeks nobody
was expected in shown as such."""

from __future__ import annotations

import io
import struct
from datetime import date, timedelta

import numpy as np
from PIL import Image

from bot.progress.canvas import GREEN, GREY, PALE_GREEN
from bot.progress.model import WeekStats
from bot.progress.raster import rgb
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


def _height(pixels: np.ndarray, week: int, weeks: int, colour: str) -> int:
    """How many pixels of `colour` the middle column of a week's bar holds."""
    column = pixels[:, round(32 + (week + 0.5) * 736 / weeks)]
    return int((np.abs(column - np.array(rgb(colour))).sum(axis=1) == 0).sum())


def test_each_bar_is_as_tall_as_its_rate_and_the_report_s_week_is_green() -> None:
    weeks = _weeks()
    pixels = np.asarray(Image.open(io.BytesIO(report_chart(weeks))).convert("RGB")).astype(int)
    newest = len(weeks) - 1
    assert _height(pixels, newest, len(weeks), GREEN) > 100
    assert _height(pixels, newest, len(weeks), PALE_GREEN) == 0
    per_point = _height(pixels, 1, len(weeks), PALE_GREEN) / (28 / 41 * 100)
    for i, week in enumerate(weeks[:-1]):
        if week.rate is None:  # the holiday and the week nobody was expected in
            assert _height(pixels, i, len(weeks), PALE_GREEN) == 0
            assert _height(pixels, i, len(weeks), GREY) > 100
        else:
            expected = week.rate * 100 * per_point
            assert abs(_height(pixels, i, len(weeks), PALE_GREEN) - expected) <= 3, i
