"""The report's picture: the check-in rate of the report's week against the eight before it.

One bar per week, the report's week in green and the others pale, each with its rate written
on it; a holiday week says so instead of showing a rate, and a week nobody was expected in
says so. The dashed line is the average of the eight weeks before. Drawn with Pillow in the
drawing process (bot.pictures), like every picture.
"""

from __future__ import annotations

from PIL import Image, ImageDraw

from bot.progress.canvas import GREEN, GREY, INK, MUTED, PALE_GREEN
from bot.progress.model import WeekStats
from bot.progress.raster import WHITE, dashed, font, png, rgb
from bot.weeks import week_key

WIDTH, HEIGHT = 800, 440


def average(weeks: tuple[WeekStats, ...]) -> float | None:
    """The rate over these weeks together (holidays and empty weeks left out)."""
    counted = [w for w in weeks if w.rate is not None]
    expected = sum(w.expected for w in counted)
    return None if not expected else min(1.0, sum(w.checked_in for w in counted) / expected)


def report_chart(weeks: tuple[WeekStats, ...]) -> bytes:
    """800 x 440 pixels, drawn with Pillow: about a tenth of matplotlib's CPU, and the weekly
    report draws one per community inside its job's transaction."""
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    this = weeks[-1]
    draw.text((32, 37), "Check-in rate", font=font(20, bold=True), fill=rgb(INK), anchor="ls")
    before = average(weeks[:-1])
    compared = "" if before is None else f" · average before: {round(before * 100)}%"
    subtitle = f"{week_key(this.week)} against the {len(weeks) - 1} weeks before{compared}"
    draw.text((32, 66), subtitle, font=font(13), fill=rgb(MUTED), anchor="ls")
    left, top, right, bottom = 32, 101, 768, 365
    slot = (right - left) / len(weeks)

    def x(week: int) -> float:
        return left + (week + 0.5) * slot

    def y(rate: float) -> float:
        return bottom - rate / 112 * (bottom - top)

    half = 0.39 * slot
    small, muted = font(12), rgb(MUTED)
    for i, week in enumerate(weeks):
        if week.holiday or week.rate is None:
            draw.rectangle((x(i) - half, y(100), x(i) + half, bottom), fill=rgb(GREY))
            lines = ["holiday"] if week.holiday else ["nobody", "expected"]
            for n, line in enumerate(lines):
                offset = (n - (len(lines) - 1) / 2) * 19
                draw.text((x(i), y(50) + offset), line, font=small, fill=muted, anchor="mm")
    if before is not None:
        dashed(draw, (left, y(before * 100)), (right, y(before * 100)), muted)
    for i, week in enumerate(weeks):
        if week.holiday or week.rate is None:
            continue
        newest = i == len(weeks) - 1
        rate = week.rate * 100
        colour = rgb(GREEN if newest else PALE_GREEN)
        draw.rectangle((x(i) - half, y(rate), x(i) + half, bottom), fill=colour)
        label = font(15, bold=True) if newest else small
        at = (x(i), y(rate + 2))
        draw.rectangle(draw.textbbox(at, f"{round(rate)}%", font=label, anchor="md"), fill=WHITE)
        draw.text(at, f"{round(rate)}%", font=label, fill=rgb(INK), anchor="md")
    draw.line((left, bottom, right, bottom), fill=rgb(INK))
    for i, week in enumerate(weeks):
        draw.line((x(i), bottom, x(i), bottom + 4), fill=rgb(INK))
        draw.text(
            (x(i), bottom + 8), week_key(week.week)[5:], font=font(11), fill=muted, anchor="mt"
        )
        if week.rate is not None:
            counted = f"{week.checked_in}/{week.expected}"
            draw.text((x(i), bottom + 26), counted, font=font(11), fill=muted, anchor="mt")
    return png(image)
