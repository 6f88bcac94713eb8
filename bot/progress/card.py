"""The PNG pictures: a member's progress card and the organizer's stats chart.

They are drawn on matplotlib's Agg canvas through its object API (:mod:`bot.progress.canvas`),
so no global backend or pyplot state is touched. The functions are CPU-bound; callers run them
in the drawing process (bot.pictures), so results and arguments must pickle.

The card is read on phones as often as on screens: one column, text at 13 points and more, a
row of big numbers, one chart of the weeks (a column per week, coloured by what the week was,
with the hours checked in as a bar), and one bar per phase, all of the same length and aligned
so phases compare at a glance. A member in their first weeks sees the weeks ahead as empty
slots to fill rather than a long row of blanks before they joined.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.checkins.streaks import Mark
from bot.progress.canvas import (
    GREEN,
    GREY,
    INK,
    MUTED,
    literal,
    new_figure,
    plain,
    png,
)
from bot.progress.messages import SHORT_HISTORY, headline
from bot.progress.model import Progress, Stats
from bot.weeks import WEEK, week_key

if TYPE_CHECKING:
    from matplotlib.axes import Axes

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


def _week_ticks(axes: Axes, weeks: list[str]) -> None:
    """Label every fourth week, counting back from the newest so it is always labelled."""
    shown = [i for i in range(len(weeks)) if (len(weeks) - 1 - i) % 4 == 0]
    axes.set_xticks(shown, [weeks[i] for i in shown], fontsize=8, color=MUTED)
    axes.set_xlim(-0.6, len(weeks) - 0.4)


def _short(title: str) -> str:
    """A phase title cut at a word to fit beside its bar."""
    if len(title) <= PHASE_TITLE:
        return title
    cut = title[: PHASE_TITLE - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def progress_card(progress: Progress) -> bytes:
    """Big numbers, the weeks (marks and hours), and progress through each phase."""
    from matplotlib.patches import Patch

    figure = new_figure(8.0, 6.4)
    figure.text(
        0.04,
        0.945,
        literal(progress.member.display_name[:40]),
        fontsize=22,
        weight="bold",
        color=INK,
    )
    standing = progress.standing
    where = (
        f"Week {standing.week} · phase {standing.plan.phase.number}"
        if standing.plan is not None
        else f"Starts {standing.start.isoformat()}"
    )
    figure.text(0.04, 0.895, f"{where} · {headline(progress)}", fontsize=14, color=MUTED)
    streak = progress.streak
    tiles = (
        (str(streak.current), "streak (weeks)"),
        (str(streak.best), "best streak"),
        (str(streak.freezes), "freezes held"),
        (str(progress.hours), "hours"),
    )
    for number, (value, label) in enumerate(tiles):
        left = 0.04 + number * 0.24
        color = GREEN if number == 0 else INK
        figure.text(left, 0.80, value, fontsize=28, weight="bold", color=color)
        figure.text(left, 0.765, label, fontsize=12, color=MUTED)
    if progress.notes:  # what other features add (helping); one line fits above the legend
        figure.text(0.04, 0.727, literal(progress.notes[0][:110]), fontsize=11, color=INK)

    rows = list(progress.weeks)
    if progress.counted_weeks < SHORT_HISTORY:
        begun = [w for w in rows if w.mark is not None] or rows[-1:]
        rows = begun[-SHORT_HISTORY:]
    ahead = max(0, SHORT_HISTORY - len(rows)) if len(rows) < SHORT_HISTORY else 0
    weeks = figure.add_axes((0.09, 0.39, 0.82, 0.29))
    x = list(range(len(rows) + ahead))
    top = max([progress.member.weekly_hours, *(w.hours for w in rows), 1]) * 1.15
    weeks.bar(x[: len(rows)], top, width=0.86, color=[COLORS[w.mark] for w in rows], alpha=0.35)
    weeks.bar(
        x[: len(rows)],
        [w.hours for w in rows],
        width=0.56,
        color=[GREEN if w.mark is Mark.CHECKED else MUTED for w in rows],
    )
    if ahead:
        weeks.bar(
            x[len(rows) :],
            top,
            width=0.86,
            color="white",
            edgecolor="#d0d7de",
            linestyle="--",
            linewidth=1.2,
        )
        weeks.text(
            len(rows) + (ahead - 1) / 2,
            top / 2,
            "weeks ahead",
            ha="center",
            va="center",
            fontsize=13,
            color=MUTED,
        )
    weeks.axhline(progress.member.weekly_hours, color=MUTED, linestyle="--", linewidth=1)
    weeks.text(
        len(x) - 0.3,
        progress.member.weekly_hours,
        f"goal\n{progress.member.weekly_hours} h",
        fontsize=11,
        color=MUTED,
        va="center",
    )
    weeks.set_ylim(0, top)
    weeks.set_ylabel("hours", fontsize=12, color=MUTED)
    weeks.tick_params(axis="y", labelsize=11, colors=MUTED)
    labels = [week_key(w.week)[5:] for w in rows]
    labels += [week_key(rows[-1].week + (n + 1) * WEEK)[5:] for n in range(ahead)]
    step = 1 if len(labels) <= SHORT_HISTORY else 4
    shown = [i for i in range(len(labels)) if (len(labels) - 1 - i) % step == 0]
    weeks.set_xticks(shown, [labels[i] for i in shown], fontsize=11, color=MUTED)
    weeks.set_xlim(-0.6, len(labels) - 0.4)
    plain(weeks)
    present = [m for m in LABELS if any(w.mark is m for w in rows)]
    weeks.legend(
        handles=[Patch(color=COLORS[m], label=LABELS[m]) for m in present],
        loc="lower left",
        bbox_to_anchor=(0.0, 1.0),
        ncols=max(1, len(present)),
        frameon=False,
        fontsize=11,
        handlelength=1,
        borderaxespad=0.2,
    )

    count = len(progress.phases)
    phases = figure.add_axes((0.36, 0.04, 0.5, 0.055 * count))
    y = list(range(count))[::-1]
    phases.barh(y, 1.0, color=GREY, height=0.62)
    shares = [p.done / p.total if p.total else 0.0 for p in progress.phases]
    phases.barh(y, shares, color=GREEN, height=0.62)
    for row, p in zip(y, progress.phases, strict=True):
        title = _short(p.phase.title)
        phases.text(
            -0.02,
            row,
            literal(f"{p.phase.number}  {title}"),
            ha="right",
            va="center",
            fontsize=12,
            color=INK,
        )
        done = f"{p.done}/{p.total}" + (" ✓" if p.complete else "")
        phases.text(1.03, row, done, va="center", fontsize=12, color=GREEN if p.complete else MUTED)
    phases.set_xlim(0, 1)
    phases.set_ylim(-0.6, count - 0.4)
    phases.axis("off")
    return png(figure)


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
