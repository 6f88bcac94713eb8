"""The organizer's stats chart, rendered and read back pixel by pixel."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import numpy as np
from matplotlib.image import imread

from bot.progress.chart import stats_chart
from bot.progress.model import Stats, WeekStats

FIRST = date(2026, 9, 14)
WEEKS = 12
HOLIDAY, OPEN = 5, WEEKS - 1
RATE_BLUE = (0x09, 0x69, 0xDA)


def _stats() -> Stats:
    weeks = tuple(
        WeekStats(
            FIRST + timedelta(weeks=n),
            expected=60,
            checked_in=2 if n == OPEN else 45,
            holiday=n == HOLIDAY,
        )
        for n in range(WEEKS)
    )
    return Stats(60, weeks[OPEN].week, weeks, (), 0)


def _pixels(png: bytes) -> np.ndarray:
    return (imread(io.BytesIO(png))[:, :, :3] * 255).round().astype(int)


def _column(pixels: np.ndarray, week: int) -> np.ndarray:
    """The pixels of one week's column inside the plot: the axes span 8%-92% of the width and
    16%-86% of the height, and the weeks run from -0.6 to WEEKS - 0.4 across them."""
    height, width, _ = pixels.shape
    centre = width * (0.08 + 0.84 * (week + 0.6) / (WEEKS + 0.2))
    left, right = round(centre) - 4, round(centre) + 4
    return pixels[round(height * 0.14) : round(height * 0.84), left:right]


def _has(column: np.ndarray, colour: tuple[int, int, int]) -> bool:
    return bool((np.abs(column - np.array(colour)).sum(axis=2) < 30).any())


def test_the_stats_chart_shows_no_rate_for_the_open_week_nor_for_a_holiday(
    tmp_path: Path,
) -> None:
    png = stats_chart(_stats())
    (tmp_path / "stats.png").write_bytes(png)  # to look at after a change
    pixels = _pixels(png)
    assert pixels.shape[:2] == (480, 800)
    rated = [w for w in range(WEEKS) if _has(_column(pixels, w), RATE_BLUE)]
    assert HOLIDAY not in rated
    assert OPEN not in rated
    assert {0, 4, 6, 10} <= set(rated)


def test_the_stats_chart_marks_holiday_weeks_and_the_open_weeks_check_ins_so_far() -> None:
    pixels = _pixels(stats_chart(_stats()))
    holiday_shade = _column(pixels, HOLIDAY)[:20]  # the top of the column, above every bar
    ordinary_top = _column(pixels, 4)[:20]
    assert not (holiday_shade == 255).all(axis=2).all()
    assert (ordinary_top == 255).all(axis=2).all()
    assert _has(_column(pixels, OPEN), (0xFF, 0xF8, 0xC5))  # the open week's hatched bar
