"""The organizer's stats chart, drawn on matplotlib's Agg canvas through its object API
(:mod:`bot.progress.canvas`), so no global backend or pyplot state is touched. CPU-bound: it is
drawn in the drawing process (bot.pictures), so its argument and result pickle."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.checkins.streaks import Mark
from bot.progress.canvas import GREEN, MUTED, new_figure, png
from bot.progress.card import COLORS
from bot.progress.model import Stats
from bot.weeks import week_key

if TYPE_CHECKING:
    from matplotlib.axes import Axes


def _week_ticks(axes: Axes, weeks: list[str]) -> None:
    """Label every fourth week, counting back from the newest so it is always labelled."""
    shown = [i for i in range(len(weeks)) if (len(weeks) - 1 - i) % 4 == 0]
    axes.set_xticks(shown, [weeks[i] for i in shown], fontsize=8, color=MUTED)
    axes.set_xlim(-0.6, len(weeks) - 0.4)


def _runs(points: list[tuple[int, float | None]]) -> list[list[tuple[int, float]]]:
    """The stretches of consecutive weeks that have a rate: a line never bridges a gap."""
    runs: list[list[tuple[int, float]]] = [[]]
    for x, value in points:
        if value is None:
            runs.append([])
        else:
            runs[-1].append((x, value))
    return [run for run in runs if run]


def stats_chart(stats: Stats) -> bytes:
    """Members checked in per week against those expected to, and the check-in rate of each
    closed week. The open week shows its check-ins so far, apart, with no rate (it would read
    as a drop); holiday weeks are marked as such, with no rate and a break in the line."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    figure = new_figure()
    axes = figure.add_axes((0.08, 0.16, 0.84, 0.7))
    figure.suptitle(
        f"Weekly check-ins · {stats.active} active members", x=0.03, ha="left", fontsize=14
    )
    x = list(range(len(stats.weeks)))
    open_x = next(i for i, w in zip(x, stats.weeks, strict=True) if w.week == stats.open_week)
    for i, week in zip(x, stats.weeks, strict=True):
        if week.holiday:
            axes.axvspan(i - 0.45, i + 0.45, color=COLORS[Mark.HOLIDAY], alpha=0.15, linewidth=0)
    closed = [i != open_x for i in x]
    axes.bar(x, [w.expected for w in stats.weeks], width=0.75, color="#eaeef2")
    axes.bar(
        x,
        [w.checked_in for w in stats.weeks],
        width=0.5,
        color=[GREEN if c else COLORS[Mark.OPEN] for c in closed],
        edgecolor=[GREEN if c else "#9a6700" for c in closed],
        hatch=["" if c else "//" for c in closed],
    )
    top = max((w.expected for w in stats.weeks), default=0) or 1
    for i, week in zip(x, stats.weeks, strict=True):
        if week.holiday:
            axes.text(
                i,
                top * 1.06,
                "holiday",
                ha="center",
                va="center",
                fontsize=7,
                color=COLORS[Mark.HOLIDAY],
            )
    axes.text(
        open_x,
        stats.weeks[open_x].checked_in + top * 0.02,
        "so far",
        ha="center",
        va="bottom",
        fontsize=8,
        color="#9a6700",
    )
    axes.set_ylim(0, top * 1.12)
    axes.set_ylabel("members", fontsize=9, color=MUTED)
    axes.tick_params(axis="y", labelsize=8, colors=MUTED)
    _week_ticks(axes, [week_key(w.week)[5:] for w in stats.weeks])
    rate = axes.twinx()
    points = [
        (i, None if not c or w.rate is None else w.rate * 100)
        for i, c, w in zip(x, closed, stats.weeks, strict=True)
    ]
    for run in _runs(points):
        rate.plot(*zip(*run, strict=True), color="#0969da", marker="o")
    rate.set_ylim(0, 105)
    rate.set_ylabel("check-in rate % (closed weeks)", fontsize=9, color="#0969da")
    rate.tick_params(axis="y", labelsize=8, colors="#0969da")
    handles = [
        Patch(color="#eaeef2", label="expected"),
        Patch(color=GREEN, label="checked in"),
        Patch(
            facecolor=COLORS[Mark.OPEN], edgecolor="#9a6700", hatch="//", label="open week, so far"
        ),
        Line2D([], [], color="#0969da", marker="o", label="rate"),
    ]
    if any(w.holiday for w in stats.weeks):
        handles.append(Patch(color=COLORS[Mark.HOLIDAY], alpha=0.3, label="holiday"))
    axes.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.08),
        ncols=len(handles),
        frameon=False,
        fontsize=8,
        handlelength=1.2,
    )
    axes.spines["top"].set_visible(False)
    rate.spines["top"].set_visible(False)
    return png(figure)
