"""Everything the goals feature says."""

from __future__ import annotations

from datetime import date

from bot.goals.model import Goal, Goals
from bot.markdown import escape
from bot.replies import Action, Reply, Tone

LISTED_DONE = 5


def due_in_the_past(today: date) -> str:
    return f"That due date has passed: pick {today.isoformat()} or later."


def due_too_far(latest: date) -> str:
    return f"That due date is too far ahead: pick one no later than {latest.isoformat()}."


def too_many(limit: int) -> str:
    return (
        f"You have {limit} open goals, the most there can be. Tick one off first: "
        "`goal list` shows their numbers, and `goal done 1` ticks off goal 1."
    )


def no_goal(number: int) -> str:
    return f"You have no goal {number}. `goal list` shows your goals with their numbers."


def _due(goal: Goal, today: date) -> str:
    if goal.due_on is None:
        return ""
    days = (goal.due_on - today).days
    if goal.done_at is not None:
        return f", was due {goal.due_on:%a %Y-%m-%d}"
    if days < 0:
        return f", **overdue** since {goal.due_on:%a %Y-%m-%d}"
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"in {days} days"
    return f", due {goal.due_on:%a %Y-%m-%d} ({when})"


def _line(goal: Goal, today: date) -> str:
    return f"**{goal.number}.** {escape(goal.text)}{_due(goal, today)}"


def added(goal: Goal, today: date) -> Reply:
    reminder = " I'll remind you on the day." if goal.due_on is not None else ""
    return Reply(
        title=f"Goal {goal.number} added",
        body=f"{_line(goal, today)}.{reminder} Tick it off with `goal done {goal.number}`.",
        tone=Tone.SUCCESS,
    )


def listing(goals: Goals) -> Reply:
    if not goals.open and not goals.done:
        return Reply(
            title="Your goals",
            body='No goals yet. Add one with `goal add text:"Ship a RAG demo" due:2026-12-31`.',
        )
    items = [_line(g, goals.today) for g in goals.open]
    done = sorted(goals.done, key=lambda g: g.done_at or g.created_at, reverse=True)
    items.extend(f"✅ {_line(g, goals.today)}" for g in done[:LISTED_DONE])
    body = f"{len(goals.open)} open, {len(goals.done)} done."
    if goals.open:
        body += f" Tick one off with its number, like `goal done {goals.open[0].number}`."
    return Reply(title="Your goals", body=body, items=tuple(items))


def completed(goal: Goal, first_time: bool) -> Reply:
    if not first_time:
        return Reply(body=f"Goal {goal.number} was already done.", tone=Tone.SUCCESS)
    return Reply(
        title=f"Goal {goal.number} done",
        body=f"{escape(goal.text)}: done. Nice work!",
        actions=(Action("My goals", "goal list"),),
        tone=Tone.SUCCESS,
    )
