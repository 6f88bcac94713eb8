"""A member's progress card, the PNG `progress` answers with, drawn in pixels with Pillow.

The card is read on phones as often as on screens: one column, text at 11 points and more, a
row of big numbers, one chart of the weeks (a column per week, coloured by what the week was,
with the hours checked in as a bar), and one bar per phase, all of the same length and aligned
so phases compare at a glance. A member in their first weeks sees the weeks ahead as empty
slots to fill rather than a long row of blanks before they joined.

It is drawn in the drawing process (bot.pictures), like every picture, so its argument and its
result pickle. Names and titles are drawn as written (no markup is read in them) and cut with
an ellipsis to fit.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw

from bot.checkins.streaks import Mark
from bot.progress.canvas import GREEN, GREY, INK, MUTED
from bot.progress.messages import SHORT_HISTORY, headline
from bot.progress.model import Progress, WeekRow
from bot.progress.raster import (
    WHITE,
    dashed,
    dashed_box,
    fitted,
    font,
    png,
    rgb,
    tint,
    upright,
)
from bot.weeks import WEEK, week_key

COLORS = {
    Mark.CHECKED: GREEN,
    Mark.FROZEN: "#54aeff",
    Mark.HOLIDAY: "#8250df",
    Mark.PAUSED: "#afb8c1",
    Mark.SPARED: "#0969da",
    Mark.MISSED: "#ff8182",
    Mark.OPEN: "#fff8c5",
    None: GREY,
}
LABELS = {
    Mark.CHECKED: "checked in",
    Mark.FROZEN: "freeze",
    Mark.HOLIDAY: "holiday",
    Mark.PAUSED: "paused",
    Mark.SPARED: "kept by helping",
    Mark.MISSED: "missed",
    Mark.OPEN: "this week",
}
PHASE_TITLE = 26  # characters of a phase's title on its bar's label
SIZE = WIDTH, HEIGHT = 800, 640
MARGIN = 32
SLOT_SHADE = 0.35  # how strongly a week's column shows its mark behind the hours bar
SLOT_EDGE = rgb("#d0d7de")


@dataclass(frozen=True, slots=True)
class Plot:
    """The weeks' chart area in pixels, and where a week and a number of hours fall in it."""

    left: int
    top: int
    right: int
    bottom: int
    slots: int  # weeks shown, past and ahead
    ceiling: float  # hours at the top

    def x(self, week: float) -> float:
        """The centre of column `week` (0 is the oldest): half a gap is left at each end."""
        return self.left + (week + 0.6) / (self.slots + 0.2) * (self.right - self.left)

    def y(self, hours: float) -> float:
        return self.bottom - hours / self.ceiling * (self.bottom - self.top)

    def column(self, week: float, share: float, hours: float) -> tuple[float, float, float, float]:
        half = share / 2 * (self.right - self.left) / (self.slots + 0.2)
        return self.x(week) - half, self.y(hours), self.x(week) + half, self.bottom


def _short(title: str) -> str:
    """A phase title cut at a word to fit beside its bar."""
    if len(title) <= PHASE_TITLE:
        return title
    cut = title[: PHASE_TITLE - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def step_between(ceiling: float) -> int:
    """The hours between two labels of the chart's scale: at most five steps to the top."""
    scale = 1
    while True:
        for step in (scale, 2 * scale, 5 * scale):
            if ceiling / step <= 5:
                return step
        scale *= 10


def _header(draw: ImageDraw.ImageDraw, progress: Progress) -> None:
    """The name, where the member stands, the four big numbers and what other features add."""
    width = WIDTH - 2 * MARGIN
    name = fitted(progress.member.display_name, font(22, bold=True), width)
    draw.text((MARGIN, 35), name, font=font(22, bold=True), fill=rgb(INK), anchor="ls")
    standing = progress.standing
    where = (
        f"Week {standing.week} · phase {standing.plan.phase.number}"
        if standing.plan is not None
        else f"Starts {standing.start.isoformat()}"
    )
    line = fitted(f"{where} · {headline(progress)}", font(14), width)
    draw.text((MARGIN, 67), line, font=font(14), fill=rgb(MUTED), anchor="ls")
    streak = progress.streak
    tiles = (
        (str(streak.current), "streak (weeks)"),
        (str(streak.best), "best streak"),
        (str(streak.freezes), "freezes held"),
        (str(progress.hours), "hours"),
    )
    for number, (value, label) in enumerate(tiles):
        left = MARGIN + number * 192
        colour = rgb(GREEN if number == 0 else INK)
        draw.text((left, 128), value, font=font(28, bold=True), fill=colour, anchor="ls")
        draw.text((left, 150), label, font=font(12), fill=rgb(MUTED), anchor="ls")
    if progress.notes:  # what other features add (helping); one line fits above the legend
        note = fitted(progress.notes[0], font(11), width)
        draw.text((MARGIN, 175), note, font=font(11), fill=rgb(INK), anchor="ls")


def _shown(progress: Progress) -> tuple[list[WeekRow], int]:
    """The weeks the chart shows, and how many empty slots follow for the weeks ahead."""
    rows = list(progress.weeks)
    if progress.counted_weeks < SHORT_HISTORY:
        begun = [w for w in rows if w.mark is not None] or rows[-1:]
        rows = begun[-SHORT_HISTORY:]
    return rows, max(0, SHORT_HISTORY - len(rows))


def _weeks(image: Image.Image, draw: ImageDraw.ImageDraw, progress: Progress) -> None:
    """A column per week coloured by its mark, the hours as a bar, the goal as a dashed line."""
    rows, ahead = _shown(progress)
    goal = progress.member.weekly_hours
    ceiling = max([goal, *(w.hours for w in rows), 1]) * 1.15
    plot = Plot(72, 205, 728, 390, len(rows) + ahead, ceiling)
    small, muted = font(11), rgb(MUTED)
    for index, row in enumerate(rows):
        draw.rectangle(plot.column(index, 0.86, ceiling), fill=tint(COLORS[row.mark], SLOT_SHADE))
        if row.hours:
            bar = GREEN if row.mark is Mark.CHECKED else MUTED
            draw.rectangle(plot.column(index, 0.56, row.hours), fill=rgb(bar))
    for index in range(len(rows), plot.slots):
        dashed_box(draw, plot.column(index, 0.86, ceiling), SLOT_EDGE)
    if ahead:
        middle = (plot.x(len(rows)) + plot.x(plot.slots - 1)) / 2
        draw.text(
            (middle, plot.y(ceiling / 2)), "weeks ahead", font=font(13), fill=muted, anchor="mm"
        )
    dashed(draw, (plot.left, plot.y(goal)), (plot.right, plot.y(goal)), muted)
    for offset, text in ((-8, "goal"), (8, f"{goal} h")):
        draw.text(
            (plot.right + 4, plot.y(goal) + offset), text, font=small, fill=muted, anchor="lm"
        )
    step = step_between(ceiling)
    for hours in range(0, int(ceiling) + 1, step):
        y = plot.y(hours)
        draw.line((plot.left - 4, y, plot.left, y), fill=muted)
        draw.text((plot.left - 7, y), str(hours), font=small, fill=muted, anchor="rm")
    upright(image, "hours", font(12), muted, (40, (plot.top + plot.bottom) // 2))
    draw.line((plot.left, plot.bottom, plot.right, plot.bottom), fill=rgb(INK))
    labels = [week_key(w.week)[5:] for w in rows]
    labels += [week_key(rows[-1].week + (n + 1) * WEEK)[5:] for n in range(ahead)]
    every = 1 if len(labels) <= SHORT_HISTORY else 4  # counted back, so the newest is labelled
    for index in range(len(labels) - 1, -1, -every):
        x = plot.x(index)
        draw.line((x, plot.bottom, x, plot.bottom + 4), fill=rgb(INK))
        draw.text((x, plot.bottom + 7), labels[index], font=small, fill=muted, anchor="mt")
    _legend(draw, rows, plot)


def _legend(draw: ImageDraw.ImageDraw, rows: list[WeekRow], plot: Plot) -> None:
    """The marks the chart shows, in one row above it; smaller when every mark is there."""
    shown = [(mark, label) for mark, label in LABELS.items() if any(w.mark is mark for w in rows)]
    x, y = plot.left + 4, plot.top - 18
    for points, swatch, gap in ((11, 14, 24), (10, 11, 12)):
        face = font(points)
        widths = [swatch + 8 + round(face.getlength(label)) + gap for _, label in shown]
        if x + sum(widths) - gap <= WIDTH - 8:
            break
    for (mark, label), width in zip(shown, widths, strict=True):
        draw.rectangle((x, y - swatch // 2, x + swatch, y + swatch // 2), fill=rgb(COLORS[mark]))
        draw.text((x + swatch + 8, y), label, font=face, fill=rgb(INK), anchor="lm")
        x += width


def _phases(draw: ImageDraw.ImageDraw, progress: Progress) -> None:
    """One bar per phase, all as long, filled by the share of its milestones done."""
    count = len(progress.phases)
    if not count:
        return
    left, right, bottom = 288, 688, 614
    row = min(35.0, 180 / count)  # more phases than the built-in five share the same space
    face = font(12) if row >= 24 else font(10)
    top = bottom - row * count
    for index, phase in enumerate(progress.phases):
        middle = top + (index + 0.5) * row
        half = row * 0.31
        draw.rectangle((left, middle - half, right, middle + half), fill=rgb(GREY))
        share = phase.done / phase.total if phase.total else 0.0
        if share:
            draw.rectangle(
                (left, middle - half, left + share * (right - left), middle + half), fill=rgb(GREEN)
            )
        title = fitted(
            f"{phase.phase.number}  {_short(phase.phase.title)}", face, left - 8 - MARGIN // 2
        )
        draw.text((left - 8, middle), title, font=face, fill=rgb(INK), anchor="rm")
        done = f"{phase.done}/{phase.total}" + (" ✓" if phase.complete else "")
        colour = rgb(GREEN if phase.complete else MUTED)
        draw.text((right + 12, middle), done, font=face, fill=colour, anchor="lm")


def progress_card(progress: Progress) -> bytes:
    """Big numbers, the weeks (marks and hours), and progress through each phase."""
    image = Image.new("RGB", SIZE, WHITE)
    draw = ImageDraw.Draw(image)
    _header(draw, progress)
    _weeks(image, draw, progress)
    _phases(draw, progress)
    return png(image)
