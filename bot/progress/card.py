"""The PNG pictures: a member's progress card and the organizer's stats chart.

They are drawn on matplotlib's Agg canvas through its object API, so no global backend or
pyplot state is touched. matplotlib is imported inside the functions: it takes a moment to
load and nothing else needs it. The functions are CPU-bound; callers run them in the drawing
process (bot.pictures), so results and arguments must pickle.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from bot.checkins.messages import counted
from bot.checkins.streaks import Mark
from bot.progress.model import Progress, Stats
from bot.weeks import week_key

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

GREEN = "#2da44e"
COLORS = {
    Mark.CHECKED: GREEN,
    Mark.FROZEN: "#54aeff",
    Mark.HOLIDAY: "#8250df",
    Mark.PAUSED: "#afb8c1",
    Mark.SPARED: "#0969da",
    Mark.MISSED: "#ff8182",
    Mark.OPEN: "#fff8c5",
    None: "#eaeef2",
}
LABELS = {
    Mark.CHECKED: "checked in",
    Mark.FROZEN: "freeze",
    Mark.HOLIDAY: "holiday",
    Mark.PAUSED: "paused",
    Mark.SPARED: "kept by helping",
    Mark.MISSED: "missed",
    Mark.OPEN: "open",
}
MUTED = "#57606a"
WIDTH, HEIGHT, DPI = 8.0, 4.8, 100


def _literal(text: str) -> str:
    """Text matplotlib shows as written: a `$` would otherwise start mathematics."""
    return text.replace("$", r"\$")


def _figure() -> Figure:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH, HEIGHT), dpi=DPI)
    FigureCanvasAgg(figure)
    return figure


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _week_ticks(axes: Axes, weeks: list[str]) -> None:
    """Label every fourth week, counting back from the newest so it is always labelled."""
    shown = [i for i in range(len(weeks)) if (len(weeks) - 1 - i) % 4 == 0]
    axes.set_xticks(shown, [weeks[i] for i in shown], fontsize=8, color=MUTED)
    axes.set_xlim(-0.6, len(weeks) - 0.4)


def _plain(axes: Axes) -> None:
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)


def progress_card(progress: Progress) -> bytes:
    """The last 26 weeks as a check-in heatmap, hours per week and progress per phase."""
    from matplotlib.patches import Patch

    figure = _figure()
    grid = figure.add_gridspec(
        3, 1, height_ratios=(0.8, 3, 2.2), hspace=0.85, left=0.14, right=0.97, top=0.86
    )
    streak = progress.streak
    figure.suptitle(
        _literal(progress.member.display_name[:60]), x=0.03, ha="left", fontsize=15, weight="bold"
    )
    figure.text(
        0.03,
        0.895,
        f"streak {streak.current} (best {streak.best}) · {counted(streak.freezes, 'freeze')} · "
        f"{progress.checked} of {len(progress.weeks)} weeks · {progress.hours} h",
        fontsize=10,
        color=MUTED,
    )
    labels = [week_key(w.week)[5:] for w in progress.weeks]
    x = list(range(len(progress.weeks)))

    heat = figure.add_subplot(grid[0])
    heat.bar(x, 1, width=0.86, color=[COLORS[w.mark] for w in progress.weeks])
    heat.set_yticks([])
    heat.set_xticks([])  # the hours chart right below labels the same weeks
    heat.set_xlim(-0.6, len(labels) - 0.4)
    heat.set_ylabel("weeks", rotation=0, ha="right", va="center", fontsize=9, color=MUTED)
    _plain(heat)
    heat.spines["bottom"].set_visible(False)
    present = [m for m in LABELS if any(w.mark is m for w in progress.weeks)]
    heat.legend(
        handles=[Patch(color=COLORS[m], label=LABELS[m]) for m in present],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.05),
        ncols=max(1, len(present)),
        frameon=False,
        fontsize=8,
        handlelength=1,
    )

    hours = figure.add_subplot(grid[1])
    hours.bar(
        x,
        [w.hours for w in progress.weeks],
        width=0.7,
        color=[GREEN if w.mark is Mark.CHECKED else "#d0d7de" for w in progress.weeks],
    )
    hours.axhline(progress.member.weekly_hours, color=MUTED, linestyle="--", linewidth=1)
    hours.set_ylabel("hours", rotation=0, ha="right", va="center", fontsize=9, color=MUTED)
    hours.tick_params(axis="y", labelsize=8, colors=MUTED)
    _week_ticks(hours, labels)
    _plain(hours)
    hours.spines["left"].set_visible(True)

    phases = figure.add_subplot(grid[2])
    y = list(range(len(progress.phases)))[::-1]
    phases.barh(y, [p.total for p in progress.phases], color="#eaeef2", height=0.6)
    phases.barh(y, [p.done for p in progress.phases], color=GREEN, height=0.6)
    phases.set_yticks(
        y, [f"phase {p.phase.number}" for p in progress.phases], fontsize=8, color=MUTED
    )
    for row, p in zip(y, progress.phases, strict=True):
        phases.text(p.total + 0.2, row, f"{p.done}/{p.total}", va="center", fontsize=8)
    phases.set_xticks([])
    phases.set_xlim(0, max(p.total for p in progress.phases) * 1.15)
    _plain(phases)
    phases.spines["bottom"].set_visible(False)
    return _png(figure)


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

    figure = _figure()
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
    return _png(figure)
