"""The progress card, drawn and read back pixel by pixel: what each part shows, and text that
never leaves the picture."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from bot.app import Cohort
from bot.checkins.streaks import Mark
from bot.progress.canvas import GREEN, GREY
from bot.progress.card import COLORS, HEIGHT, SLOT_SHADE, WIDTH, progress_card, step_between
from bot.progress.model import Progress
from bot.progress.raster import fitted, font, one_line, rgb, tint
from bot.progress.service import ProgressService
from tests.support import COMMUNITY, run

TOP_OF_CHART = 208  # a row inside the weeks' chart, above any bar of hours
MARKS = [Mark.CHECKED, Mark.HOLIDAY, Mark.MISSED, Mark.PAUSED, Mark.SPARED, Mark.FROZEN]


async def _progress(cohort: Cohort) -> Progress:
    await run(cohort, "join timezone:UTC hours:6")
    await run(cohort, "checkin hours:2 done:x")
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    service = cohort.services.get(ProgressService)
    return await service.progress(community, "ada", False, None, cohort.clock.now())


def _pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _runs(row: np.ndarray) -> list[tuple[int, int, int]]:
    """The colours along a row of pixels, each run once, white left out."""
    found: list[tuple[int, int, int]] = []
    for pixel in row:
        colour = (int(pixel[0]), int(pixel[1]), int(pixel[2]))
        if colour != (255, 255, 255) and (not found or found[-1] != colour):
            found.append(colour)
    return found


def _long_history(progress: Progress) -> Progress:
    """26 weeks cycling through every mark, ending with the open week, hours rising."""
    weeks = tuple(
        replace(week, mark=MARKS[n % len(MARKS)], hours=n % 7)
        for n, week in enumerate(progress.weeks[:-1])
    )
    return replace(progress, weeks=(*weeks, replace(progress.weeks[-1], mark=Mark.OPEN, hours=0)))


async def test_each_week_shows_its_mark_in_order_from_the_oldest(
    cohort: Cohort, tmp_path: Path
) -> None:
    progress = _long_history(await _progress(cohort))
    png = progress_card(progress)
    (tmp_path / "card.png").write_bytes(png)  # to look at after a change
    pixels = _pixels(png)
    assert pixels.shape[:2] == (HEIGHT, WIDTH)
    expected = [tint(COLORS[w.mark], SLOT_SHADE) for w in progress.weeks]
    assert _runs(pixels[TOP_OF_CHART, 72:729]) == expected


def _bar_heights(mask: np.ndarray) -> list[int]:
    """The height of each bar in a mask of its pixels: bars are runs of columns holding some."""
    heights: list[int] = []
    previous = 0
    for column in mask.sum(axis=0):
        if column and not previous:
            heights.append(0)
        if column:
            heights[-1] = max(heights[-1], int(column))
        previous = column
    return heights


async def test_a_weeks_bar_grows_with_its_hours(cohort: Cohort) -> None:
    base = await _progress(cohort)
    weeks = tuple(replace(w, mark=Mark.CHECKED, hours=n % 7) for n, w in enumerate(base.weeks))
    pixels = _pixels(progress_card(replace(base, weeks=weeks)))
    green = (np.abs(pixels - np.array(rgb(GREEN))).sum(axis=2) == 0)[200:395, 72:729]
    shown = [w.hours for w in weeks if w.hours]
    heights = _bar_heights(green)
    assert len(heights) == len(shown)
    per_hour = heights[0] / shown[0]
    for hours, height in zip(shown, heights, strict=True):
        assert abs(height - hours * per_hour) <= 2, (hours, height)


async def test_each_phase_bar_is_filled_by_the_share_of_milestones_done(cohort: Cohort) -> None:
    base = await _progress(cohort)
    phases = tuple(replace(p, done=p.total * n // 4) for n, p in enumerate(base.phases))
    pixels = _pixels(progress_card(replace(base, phases=phases)))
    bars = [
        row
        for row in pixels[420:HEIGHT]
        if (np.abs(row - np.array(rgb(GREY))).sum(axis=1) == 0).any()
        or (np.abs(row[288:689] - np.array(rgb(GREEN))).sum(axis=1) == 0).all()
    ]
    shares = sorted(
        {round(float((bar[288:689] == rgb(GREEN)).all(axis=1).mean()), 2) for bar in bars}
    )
    assert shares == sorted({round(p.done / p.total, 2) for p in phases})


async def test_a_new_member_sees_empty_slots_for_the_weeks_ahead(cohort: Cohort) -> None:
    pixels = _pixels(progress_card(await _progress(cohort)))
    runs = _runs(pixels[TOP_OF_CHART, 72:729])
    assert runs[0] == tint(COLORS[Mark.CHECKED], SLOT_SHADE)
    edges = np.abs(pixels[TOP_OF_CHART, 72:729] - np.array((0xD0, 0xD7, 0xDE))).sum(axis=1) == 0
    assert 2 * 7 <= edges.sum() <= 2 * 7 * 2  # both sides of each of the 7 slots ahead


@pytest.mark.parametrize("name", ["W" * 200, "$\\frac{1}{0}$ " * 30, "🚀" * 80, "مرحبا " * 40])
async def test_a_long_name_is_cut_inside_the_picture(cohort: Cohort, name: str) -> None:
    base = await _progress(cohort)
    card = progress_card(replace(base, member=replace(base.member, display_name=name)))
    header = _pixels(card)[:45]
    assert (header[:, WIDTH - 30 :] == 255).all()  # nothing reaches the right margin
    assert not (header[:, 32:200] == 255).all()  # and the name is there


@given(st.text(max_size=300), st.integers(min_value=8, max_value=700))
def test_fitted_text_is_the_text_or_a_prefix_and_an_ellipsis_that_fits(
    text: str, width: int
) -> None:
    face = font(12)
    shown = fitted(text, face, width)
    assert "\n" not in shown
    if shown != one_line(text):
        assert shown.endswith("…")
        assert one_line(text).startswith(shown[:-1])
        assert face.getlength(shown) <= width or shown == "…"


@given(st.floats(min_value=0.5, max_value=10_000))
def test_the_hours_scale_has_at_most_five_steps_of_a_round_size(ceiling: float) -> None:
    rounds = [first * 10**power for power in range(6) for first in (1, 2, 5)]
    step = step_between(ceiling)
    assert step in rounds
    assert ceiling / step <= 5
    smaller = rounds[: rounds.index(step)]
    assert not smaller or ceiling / smaller[-1] > 5  # the smallest round step that does
