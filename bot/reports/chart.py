"""The report's picture: the check-in rate of the report's week against the eight before it.

One bar per week, the report's week in green and the others pale, each with its rate written
on it; a holiday week says so instead of showing a rate, and a week nobody was expected in
says so. The dashed line is the average of the eight weeks before. Drawn in the drawing
process (bot.pictures), like every picture.
"""

from __future__ import annotations

from bot.progress.canvas import GREEN, GREY, INK, MUTED, PALE_GREEN, new_figure, plain, png
from bot.progress.model import WeekStats
from bot.weeks import week_key


def average(weeks: tuple[WeekStats, ...]) -> float | None:
    """The rate over these weeks together (holidays and empty weeks left out)."""
    counted = [w for w in weeks if w.rate is not None]
    expected = sum(w.expected for w in counted)
    return None if not expected else min(1.0, sum(w.checked_in for w in counted) / expected)


def report_chart(weeks: tuple[WeekStats, ...]) -> bytes:
    figure = new_figure(8.0, 4.4)
    this = weeks[-1]
    figure.text(0.04, 0.915, "Check-in rate", fontsize=20, weight="bold", color=INK)
    before = average(weeks[:-1])
    compared = "" if before is None else f" · average before: {round(before * 100)}%"
    figure.text(
        0.04,
        0.85,
        f"{week_key(this.week)} against the {len(weeks) - 1} weeks before{compared}",
        fontsize=13,
        color=MUTED,
    )
    axes = figure.add_axes((0.04, 0.17, 0.92, 0.6))
    x = list(range(len(weeks)))
    rates = [0.0 if w.rate is None else w.rate * 100 for w in weeks]
    axes.bar(x, rates, width=0.78, color=[PALE_GREEN] * (len(weeks) - 1) + [GREEN], zorder=2)
    if before is not None:
        axes.axhline(before * 100, color=MUTED, linestyle="--", linewidth=1.2, zorder=1)
    for i, week in enumerate(weeks):
        newest = i == len(weeks) - 1
        if week.holiday or week.rate is None:
            label = "holiday" if week.holiday else "nobody\nexpected"
            axes.bar(i, 100, width=0.78, color=GREY, zorder=0)
            axes.text(i, 50, label, ha="center", va="center", fontsize=12, color=MUTED, zorder=3)
            continue
        axes.text(
            i,
            rates[i] + 2,
            f"{round(rates[i])}%",
            ha="center",
            va="bottom",
            fontsize=15 if newest else 12,
            weight="bold" if newest else "normal",
            color=INK,
            zorder=3,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0},
        )
    labels = [
        week_key(w.week)[5:] + ("" if w.rate is None else f"\n{w.checked_in}/{w.expected}")
        for w in weeks
    ]
    axes.set_ylim(0, 112)
    axes.set_yticks([])
    axes.set_xticks(x, labels, fontsize=11, color=MUTED)
    axes.set_xlim(-0.5, len(weeks) - 0.5)
    plain(axes)
    return png(figure)
