"""Everything the prompts and reminders say, and the `nudges` setting."""

from __future__ import annotations

from datetime import date

from bot.checkins.messages import EXAMPLE
from bot.checkins.streaks import Streak
from bot.goals.model import Goal
from bot.markdown import escape
from bot.nudges.model import Reminder
from bot.replies import Action, ActionStyle, Reply, Tone
from bot.weeks import week_label

CHECK_IN = Action("Check in", "checkin", ActionStyle.PRIMARY)


def prompt(week: date, checked_in: int, holiday: bool, late: bool) -> Reply:
    lines = [
        f"How did {week_label(week)} go? Tell us what you got done, the hours you put in, "
        "what's next and what's in your way.",
        f"Run `checkin` for the form, or in one line: `{EXAMPLE}`. Check-ins stay open until "
        "Monday 12:00 in your own time zone.",
    ]
    if holiday:
        lines.append("This is a holiday week: check in if you like, nobody's streak breaks.")
    if checked_in:
        people = "member has" if checked_in == 1 else "members have"
        lines.append(f"{checked_in} {people} checked in already.")
    if late:
        lines.append("*(Posted late: the bot was offline at the scheduled time.)*")
    return Reply(
        title="Weekly check-in", body="\n\n".join(lines), actions=(CHECK_IN,), private=False
    )


def _keep(streak: Streak) -> str:
    if streak.freezes:
        return "If you skip it, one of the freezes you hold is spent and the streak holds."
    return "Without a check-in, the streak breaks."


def reminder(due: Reminder) -> Reply:
    return Reply(
        title=f"Your {due.streak.current}-week streak is waiting",
        body=(
            f"You haven't checked in for {week_label(due.week)} yet. It closes on Monday at "
            f"12:00 your time. {_keep(due.streak)}\n\n"
            "Send `checkin` to keep it going. Rather not get these? `nudges off`."
        ),
        actions=(CHECK_IN,),
    )


def goal_due(goal: Goal) -> Reply:
    return Reply(
        title="A goal is due today",
        body=(
            f"Your goal {goal.number} is due today: {escape(goal.text)}\n\n"
            f"Done? `goal done id:{goal.number}`. Rather not get these? `nudges off`."
        ),
        actions=(Action("Mark it done", f"goal done id:{goal.number}"),),
    )


def setting(on: bool, changed: bool) -> Reply:
    if on:
        body = (
            "Reminders are on: a message before your streak would break, at most once a week, "
            "and one on the day a goal is due."
        )
    else:
        body = "Reminders are off: no reminder messages. Turn them back on with `nudges on`."
    return Reply(title="Nudges", body=body, tone=Tone.SUCCESS if changed else Tone.INFO)
