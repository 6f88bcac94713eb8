"""Everything the roadmap commands say, and how pack content is shown as replies.

Pack text is already in the Markdown subset (the loader refuses text that is not), so it goes
into replies as it is; anything a member typed goes through :func:`bot.markdown.escape`.
Views that list many entries show as many as fit the platform limits and say how to narrow
them; views of one entry are checked against the limits when a pack loads.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from bot.commands import suggest
from bot.content.model import (
    ContentPack,
    Phase,
    Step,
)
from bot.content.plan import planned_weeks
from bot.markdown import escape
from bot.replies import Action, ActionStyle, Field, Reply
from bot.roadmap.model import MAX_MONTH, MonthPlan, Standing
from bot.roadmap.wording import (
    about_hours,
    and_list,
    bullets,
    joined,
    phase_name,
    project_line,
    resource,
)

ONE_VIEW = "Give one of `phase`, `step` or `month`, not several; for example `roadmap month:5`."
WEEKS_PER_MONTH = 52 / 12


def broken_pack(count: int) -> str:
    noun = "problem" if count == 1 else "problems"
    return (
        f"This community's content pack has {count} {noun}, so I can't show it right now. "
        "An organizer can list them with `cohort content check <directory>` where the bot runs, "
        "or switch back to the built-in pack."
    )


def no_phase(number: int, pack: ContentPack) -> str:
    return (
        f"There is no phase {number}: this roadmap has phases 1 to {len(pack.phases)}. "
        "`roadmap` shows them all."
    )


def no_step(number: int, pack: ContentPack) -> str:
    return (
        f"There is no step {number}: the guide has steps 1 to {len(pack.steps)}. "
        "`roadmap step:1` is the first."
    )


def _choices(given: str, ids: Sequence[str], what: str, example: str) -> str:
    shown = ", ".join(f"`{i}`" for i in ids[:30])
    more = f" and {len(ids) - 30} more" if len(ids) > 30 else ""
    return (
        f"There is no {what} “{escape(given[:40])}”.{suggest(given, ids)} "
        f"Try one of {shown}{more}, for example `{example}`."
    )


def unknown_topic(given: str, pack: ContentPack) -> str:
    ids = [t.id for t in pack.topics]
    return _choices(given, ids, "topic", f"resources topic:{ids[0]}" if ids else "resources")


def unknown_industry(given: str, pack: ContentPack) -> str:
    ids = [s.id for s in pack.specializations]
    example = f"specializations industry:{ids[0]}" if ids else "specializations"
    return _choices(given, ids, "specialization", example)


# -- small pieces ---------------------------------------------------------------------------


# -- the roadmap ----------------------------------------------------------------------------


def _where(standing: Standing | None) -> str:
    if standing is None:
        return (
            "You haven't joined yet: `join` puts you on the roadmap, and then I show where "
            "you stand each time you ask."
        )
    plan = standing.plan
    if plan is None:
        days = (standing.start - standing.today).days
        when = "tomorrow" if days == 1 else f"in {days} days"
        return (
            f"Your journey starts on {standing.start.isoformat()} ({when}). Until then, look "
            "around phase 1 and set up your tools."
        )
    if plan.beyond_plan:
        return (
            f"You're in **month {standing.month}**, week {standing.week}: past the planned "
            f"year of {phase_name(plan.phase)}. From here the roadmap is yours to shape."
        )
    return (
        f"You're in **month {standing.month}**, week {standing.week}: "
        f"{phase_name(plan.phase)}, month {plan.month_in_phase} of {plan.phase_months} "
        f"(week {standing.week_in_phase} of the phase)."
    )


def overview(pack: ContentPack, standing: Standing | None) -> Reply:
    lines = [
        f"**Phase {phase.number} · {phase.title}**, {phase.months.label()}: "
        f"{len(phase.milestones)} milestones, {about_hours(phase.hours)}"
        for phase in pack.phases
    ]
    body = (
        f"{_where(standing)}\n\n{bullets(lines)}\n\n"
        "Open a phase with `roadmap phase:2`, a month with `roadmap month:5`, or one of the "
        f"{len(pack.steps)} steps of the guide with `roadmap step:1`."
    )
    fields: tuple[Field, ...] = ()
    actions: tuple[Action, ...]
    plan = standing.plan if standing else None
    if plan is not None and not plan.beyond_plan:
        current = plan.milestones or ((plan.carried,) if plan.carried else ())
        lines = [f"{m.title} ({m.hours} h)" for m in current]
        fields = (Field("This month", joined(lines), inline=False),)
    if plan is not None:
        this_month = f"roadmap month:{min(plan.month, MAX_MONTH)}"
        actions = (
            Action("This month", this_month, ActionStyle.PRIMARY),
            Action("My phase", f"roadmap phase:{plan.phase.number}"),
            Action("Resources", f"resources phase:{plan.phase.number}"),
        )
    elif standing is None:
        actions = (
            Action("Join the roadmap", "join", ActionStyle.PRIMARY),
            Action("Phase 1", "roadmap phase:1"),
            Action("Step 1", "roadmap step:1"),
        )
    else:
        actions = (Action("Phase 1", "roadmap phase:1", ActionStyle.PRIMARY),)
    return Reply(title=pack.info.name, body=body, fields=fields, actions=actions)


def _pace(phase: Phase, standing: Standing | None) -> str:
    weeks = planned_weeks(phase)
    needed = math.ceil(phase.hours / weeks)
    text = (
        f"{about_hours(phase.hours)} over {weeks} weeks: {needed} h a week; the phase assumes "
        f"{phase.weekly_hours} h a week, the weekly challenge included as it practises them"
    )
    if standing is not None and standing.weekly_hours < needed:
        at_yours = math.ceil(phase.hours / standing.weekly_hours)
        text += (
            f". At your {standing.weekly_hours} h a week it takes about {at_yours} weeks: pick "
            "the milestones that matter most to you, or raise your hours with `profile set`"
        )
    return text


def phase(pack: ContentPack, phase: Phase, standing: Standing | None) -> Reply:
    projects = [p for p in (pack.project(i) for i in phase.projects) if p is not None]
    sections = [
        f"*{phase.months.label().capitalize()}* · {_pace(phase, standing)}.",
        phase.summary,
        f"**Goals**\n{bullets(phase.goals)}",
        f"**Resources**\n{bullets([resource(r) for r in phase.resources])}",
    ]
    if projects:
        sections.append(f"**Projects**\n{bullets([project_line(p) for p in projects])}")
    sections.append("**Milestones**")
    items = tuple(f"**{m.title}** ({m.hours} h): {m.done_when}" for m in phase.milestones)
    actions = [
        Action(f"Month {phase.months.start}", f"roadmap month:{phase.months.start}"),
        Action("Resources", f"resources phase:{phase.number}"),
    ]
    if pack.phase(phase.number + 1):
        actions.append(Action("Next phase", f"roadmap phase:{phase.number + 1}"))
    return Reply(
        title=f"Phase {phase.number} · {phase.title}",
        body="\n\n".join(sections),
        items=items,
        actions=tuple(actions),
    )


def month(plan: MonthPlan) -> Reply:
    phase = plan.phase
    title = f"Month {plan.month} · phase {phase.number}, {phase.title}"
    actions = [Action(f"Phase {phase.number}", f"roadmap phase:{phase.number}")]
    if plan.month > 1:
        actions.insert(0, Action(f"Month {plan.month - 1}", f"roadmap month:{plan.month - 1}"))
    if plan.month < MAX_MONTH:
        actions.append(Action(f"Month {plan.month + 1}", f"roadmap month:{plan.month + 1}"))
    actions.append(Action("Resources", f"resources phase:{phase.number}"))
    if plan.beyond_plan:
        body = (
            f"Month {plan.month} is past the planned year of {phase_name(phase)}. The roadmap "
            "is yours from here: go deep in one specialization (`specializations`), ship a "
            "project a quarter, write about what you learn, and help the people a year behind you."
        )
        return Reply(title=title, body=body, actions=tuple(actions))
    hours = sum(m.hours for m in plan.milestones)
    intro = f"Month {plan.month_in_phase} of {plan.phase_months} in {phase_name(phase)}."
    if plan.milestones:
        weekly = math.ceil(hours / WEEKS_PER_MONTH)
        body = f"{intro} This month's milestones take {about_hours(hours)}, {weekly} h a week:"
        items = tuple(f"**{m.title}** ({m.hours} h): {m.done_when}" for m in plan.milestones)
    else:
        carried = plan.carried.title if plan.carried else "the milestones of last month"
        body = f"{intro} No new milestone starts this month: keep going with **{carried}**."
        items = ()
    return Reply(title=title, body=body, items=items, actions=tuple(actions))


def step(pack: ContentPack, step: Step) -> Reply:
    phases = [p for p in (pack.phase(n) for n in step.phases) if p is not None]
    body = (
        f"*{step.summary}*\n\n{step.guide}\n\n**This week**\n{bullets(step.actions)}\n\n"
        f"On the roadmap: {and_list([f'phase {p.number}, *{p.title}*' for p in phases])}."
    )
    actions = [Action(f"Phase {p.number}", f"roadmap phase:{p.number}") for p in phases[:3]]
    if pack.step(step.number + 1):
        actions.append(Action("Next step", f"roadmap step:{step.number + 1}", ActionStyle.PRIMARY))
    return Reply(
        title=f"Step {step.number} of {len(pack.steps)} · {step.title}",
        body=body,
        actions=tuple(actions),
    )


# -- resources, projects, certifications, specializations -----------------------------------
