"""Everything the retros say: the question, the form, the answer and the class summary."""

from __future__ import annotations

from datetime import date

from bot.checkins.messages import counted
from bot.classes.model import class_name
from bot.markdown import escape
from bot.replies import Action, ActionStyle, FieldKind, Form, FormField, Reply, Tone
from bot.retros.model import MAX_GOAL, MAX_TEXT, Answered, Draft, Summary

WRITE = Action("Write my retro", "retro", ActionStyle.PRIMARY)
SHARE_LABEL = "Show your goal, with your name, in the class summary? (yes or no)"
NOTHING_WRITTEN = (
    "Your retro has no answers yet: tell what went well (`retro well:...`), what you would "
    "change (`change:`) or one goal for the next quarter (`goal:`). `retro` alone opens the form."
)


def no_quarter_yet(first: date) -> str:
    return (
        f"Your first retro comes after your first 13 weeks, on {first:%a %Y-%m-%d}. "
        "I'll send you a message then."
    )


def ask(quarter: int) -> Reply:
    return Reply(
        title=f"Your quarter {quarter} retro",
        body=(
            f"You have finished quarter {quarter} of your journey: 13 more weeks. Take five "
            "minutes to look back: what went well, what you'd change, and one goal for the "
            "next quarter (it becomes one of your goals).\n\n"
            "Your answers are yours: only your goal is shown in your class's summary, and only "
            "if you say so. Run `retro` any time in the next weeks; `nudges off` stops "
            "these messages."
        ),
        actions=(WRITE,),
    )


def form(draft: Draft) -> Form:
    old = draft.existing
    return Form(
        title=f"Quarter {draft.quarter} retro",
        command=("retro",),
        intro=(
            f"Quarter {draft.quarter} of your journey ended on "
            f"{draft.ended:%a %Y-%m-%d}. Sending again updates your answers."
        ),
        fields=(
            FormField(
                "well",
                "What went well?",
                required=True,
                kind=FieldKind.LONG_TEXT,
                max_length=MAX_TEXT,
                value="" if old is None else old.went_well,
            ),
            FormField(
                "change",
                "What would you change?",
                kind=FieldKind.LONG_TEXT,
                max_length=MAX_TEXT,
                value="" if old is None else old.to_change,
            ),
            FormField(
                "goal",
                "One goal for the next quarter",
                max_length=MAX_GOAL,
                placeholder="Ship a RAG demo",
                value="" if old is None else old.goal,
            ),
            FormField(
                "share",
                SHARE_LABEL,
                max_length=5,
                value="yes" if old is not None and old.share else "no",
            ),
        ),
    )


def answered(result: Answered) -> Reply:
    retro = result.retro
    lines = ["Thanks: your retro is saved." if result.first else "Your retro is updated."]
    if result.goal_added is not None:
        lines.append(
            f"Your goal is now goal {result.goal_added}, due at the end of next quarter: "
            "`goal list` shows it."
        )
    elif result.goals_full:
        lines.append(
            "Your goal is kept with the retro, but you have the most open goals there can "
            "be: tick one off with `goal done` and add it with `goal add`."
        )
    elif retro.goal and retro.goal_number is not None:
        lines.append(f"Your goal stays goal {retro.goal_number}, as first written.")
    if retro.goal:
        shown = "is shown, with your name," if retro.share else "is not shown"
        lines.append(
            f"Your goal {shown} in your class's summary; nothing else you wrote ever is "
            f"(`retro share:{'no' if retro.share else 'yes'}` changes that)."
        )
    return Reply(
        title=f"Quarter {retro.quarter} retro",
        body=" ".join(lines),
        actions=(Action("My goals", "goal list"), Action("My class", "classmates")),
        tone=Tone.SUCCESS,
    )


def summary(found: Summary) -> Reply:
    name = class_name(found.class_month)
    lines = [
        f"The {name} has finished quarter {found.quarter} of the journey: "
        f"{found.answers} of its {counted(found.members, 'member')} looked back in a retro."
    ]
    ticked = counted(found.milestones, "milestone")
    done = f"Since the quarter began, the class ticked off {ticked}."
    if found.phases:
        phases = ", ".join(
            f"{count} phase {phase.number} ({escape(phase.title)})" for phase, count in found.phases
        )
        done += f" Phases finished so far: {phases}."
    lines.append(done)
    if found.blockers:
        stuck = ", ".join(f"{escape(title)} ({count})" for title, count in found.blockers)
        lines.append(f"What several of you are stuck on lately: {stuck}. Ask each other!")
    items = tuple(f"{escape(who)}: {escape(goal)}" for who, goal in found.goals)
    if found.private_goals:
        lines.append(f"{counted(found.private_goals, 'more goal')} set privately.")
    if items:
        lines.append("Goals for the next quarter:")
    return Reply(
        title=f"{name}: quarter {found.quarter} retro",
        body="\n\n".join(lines),
        items=items,
        actions=(Action("My class", "classmates"),),
        private=False,
    )
