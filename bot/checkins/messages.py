"""Everything the check-in says, and how weeks and streaks are written in any reply."""

from __future__ import annotations

from bot.checkins.model import Draft, Saved
from bot.checkins.streaks import MAX_FREEZES, Streak
from bot.milestones.messages import move_on_actions, move_on_text
from bot.replies import (
    Action,
    ActionStyle,
    Choice,
    Field,
    FieldKind,
    Form,
    FormField,
    Reply,
    Tone,
)
from bot.weeks import week_key, week_label

REQUIRED = ("done", "hours")
LONG_ANSWERS = ("done", "next", "blockers")
MAX_LENGTHS = {"hours": 2, "confidence": 1, "milestones": 1000}
EXAMPLE = 'checkin hours:5 done:"Finished the pandas chapter"'
SPARE = ("next", "confidence")
"""Left out first where a platform's form has little room (a Discord modal holds five)."""
MAX_SUBJECTS = 12
SUBJECT_LABEL = "What is the blocker about?"
MATCH_WORDS = Choice("None of these: match my words", "auto")
UNKNOWN_SUBJECT = (
    "That isn't a milestone or topic of this community's roadmap: pick one of the suggestions "
    "in the form, or give `about:m:<milestone id>`, `about:t:<topic id>` or `about:auto`."
)


def counted(number: int, noun: str) -> str:
    """A number of things, like 1 week or 3 weeks."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def weeks(count: int) -> str:
    return counted(count, "week")


def streak_fields(streak: Streak) -> tuple[Field, ...]:
    return (
        Field("Streak", weeks(streak.current)),
        Field("Best", weeks(streak.best)),
        Field("Freezes", f"{streak.freezes} of {MAX_FREEZES}"),
    )


def missing(names: list[str]) -> str:
    wanted = " and ".join(f"`{n}`" for n in names)
    return (
        f"A check-in needs {wanted}: what you got done and the hours you put in, for example "
        f"`{EXAMPLE}`. Run `checkin` alone to get the form."
    )


def form(draft: Draft) -> Form:
    existing = draft.existing
    prefill = {}
    if existing is not None:
        prefill = {
            "done": existing.done,
            "hours": str(existing.hours),
            "next": existing.next_steps,
            "blockers": existing.blockers,
            "milestones": ", ".join(existing.milestone_ids),
            "confidence": "" if existing.confidence is None else str(existing.confidence),
        }
    intro = [f"For {week_label(draft.week)}, open until Monday 12:00 your time."]
    if draft.grace:
        intro.append("It is before Monday noon, so this still counts for the week that ended.")
    if existing is not None:
        intro.append("You already checked in for this week: sending again updates it.")
    fields: list[FormField] = []
    for question in draft.pack.checkin:
        fields.append(
            FormField(
                name=question.id,
                label=question.label,
                required=question.id in REQUIRED,
                kind=FieldKind.LONG_TEXT if question.id in LONG_ANSWERS else FieldKind.SHORT_TEXT,
                max_length=MAX_LENGTHS.get(question.id, 1000),
                placeholder=question.placeholder,
                value=prefill.get(question.id, ""),
                spare=question.id in SPARE,
            )
        )
        if question.id == "blockers" and draft.subjects:
            fields.append(_subject_field(draft))
    return Form(
        title="Weekly check-in", command=("checkin",), intro=" ".join(intro), fields=tuple(fields)
    )


def _subject_field(draft: Draft) -> FormField:
    """The pick of what the blocker is about: the suggestions, and matching the words."""
    chosen = draft.existing.blocker_subject if draft.existing else ""
    choices = [Choice(title, value) for value, title in draft.subjects[:MAX_SUBJECTS]]
    if chosen and all(c.value != chosen for c in choices):
        kind, _, ident = chosen.partition(":")
        if kind == "m":
            titles = [m.title for p in draft.pack.phases for m in p.milestones if m.id == ident]
        else:
            titles = [t.title for t in draft.pack.topics if t.id == ident]
        title = titles[0] if titles else ident
        # The earlier pick stays pickable, in place of the least relevant suggestion.
        choices = [Choice(title, chosen), *choices[: MAX_SUBJECTS - 1]]
    return FormField(
        name="about",
        label=SUBJECT_LABEL,
        kind=FieldKind.CHOICE,
        placeholder="Leave empty to match it from what you wrote",
        value=chosen,
        choices=(*choices, MATCH_WORDS),
    )


def saved(result: Saved) -> Reply:
    checkin = result.checkin
    title = (
        f"Checked in for {week_key(checkin.week)}"
        if result.created
        else f"Check-in for {week_key(checkin.week)} updated"
    )
    lines = [f"Week {week_label(checkin.week)}, {checkin.hours} h."]
    if result.grace:
        lines.append("Sent before Monday noon, so it counts for the week that just ended.")
    if result.created:
        lines.append(f"Your streak is **{weeks(result.streak.current)}**.")
    if result.earned_freeze:
        lines.append(
            "You earned a freeze: if you miss a week, it is spent for you and the streak holds."
        )
    if result.completed:
        names = ", ".join(f"**{m.title}**" for m in result.completed)
        lines.append(f"Milestones done: {names}.")
    body = " ".join(lines)
    actions: tuple[Action, ...] = (Action("See my progress", "progress", ActionStyle.PRIMARY),)
    if checkin.blockers.strip():
        # The helpers feature links the blocker to a milestone and offers members who did it.
        actions += (Action("Find someone who's been there", "helper find"),)
    if result.move_on is not None:
        body += "\n\n" + move_on_text(result.move_on)
        actions += move_on_actions(result.move_on)
    return Reply(
        title=title,
        body=body,
        fields=(*streak_fields(result.streak), Field("Hours", str(checkin.hours))),
        actions=actions,
        tone=Tone.SUCCESS,
    )
