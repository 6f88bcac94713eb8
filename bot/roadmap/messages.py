"""Everything the roadmap commands say, and how pack content is shown as replies.

Pack text is already in the Markdown subset (the loader refuses text that is not), so it goes
into replies as it is; anything a member typed goes through :func:`bot.markdown.escape`.
Views that list many entries show as many as fit the platform limits and say how to narrow
them; views of one entry are checked against the limits when a pack loads.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence

from bot.commands import suggest
from bot.content.limits import FIELD_VALUE, FIELDS, ITEMS, fits
from bot.content.model import (
    LEVELS,
    Certification,
    ContentPack,
    Level,
    Phase,
    Project,
    Reading,
    Resource,
    Specialization,
    Step,
    Topic,
)
from bot.markdown import escape
from bot.replies import Action, ActionStyle, Field, Reply
from bot.roadmap.service import (
    MAX_MONTH,
    MonthPlan,
    Standing,
    planned_weeks,
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


def _hours(hours: int) -> str:
    return f"about {hours} h"


def _phase_name(phase: Phase) -> str:
    return f"phase {phase.number}, *{phase.title}*"


def _resource(resource: Resource) -> str:
    return f"[{resource.title}]({resource.url}) · {resource.kind}, {resource.cost}"


def _reading(reading: Reading) -> str:
    return f"[{reading.title}]({reading.url}) · {reading.kind}: {reading.why}"


def _and(parts: Sequence[str]) -> str:
    """`a`, `a and b`, `a; b and c`: parts that may hold commas themselves."""
    if len(parts) < 2:
        return "".join(parts)
    return "; ".join(parts[:-1]) + f" and {parts[-1]}"


def _bullets(lines: Sequence[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def _project_line(project: Project) -> str:
    return f"**{project.title}** · {project.level}"


def _fitted(build: Callable[[int], Reply], total: int, most: int = ITEMS) -> Reply:
    """The reply `build` makes for as many of `total` entries as fit the limits; `build` gets
    how many leading entries to show."""
    count = min(total, most)
    while True:
        reply = build(count)
        if count == 0 or not fits(reply):
            return reply
        count -= 1


def _listing(build: Callable[[tuple[str, ...], int], Reply], lines: Sequence[str]) -> Reply:
    """The reply `build` makes from as many leading `lines` as fit the limits; `build` gets
    the lines it shows and how many it leaves out."""
    return _fitted(lambda count: build(tuple(lines[:count]), len(lines) - count), len(lines))


def _joined(lines: Sequence[str], limit: int = FIELD_VALUE) -> str:
    """As many leading lines as fit `limit`, one per line, then how many were left out."""
    count = len(lines)
    while True:
        left = len(lines) - count
        text = "\n".join([*lines[:count], *([f"…and {left} more"] if left else [])])
        if count == 0 or len(text) <= limit:
            return text
        count -= 1


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
            f"year of {_phase_name(plan.phase)}. From here the roadmap is yours to shape."
        )
    return (
        f"You're in **month {standing.month}**, week {standing.week}: "
        f"{_phase_name(plan.phase)}, month {plan.month_in_phase} of {plan.phase_months} "
        f"(week {standing.week_in_phase} of the phase)."
    )


def overview(pack: ContentPack, standing: Standing | None) -> Reply:
    lines = [
        f"**Phase {phase.number} · {phase.title}**, {phase.months.label()}: "
        f"{len(phase.milestones)} milestones, {_hours(phase.hours)}"
        for phase in pack.phases
    ]
    body = (
        f"{_where(standing)}\n\n{_bullets(lines)}\n\n"
        "Open a phase with `roadmap phase:2`, a month with `roadmap month:5`, or one of the "
        f"{len(pack.steps)} steps of the guide with `roadmap step:1`."
    )
    fields: tuple[Field, ...] = ()
    actions: tuple[Action, ...]
    plan = standing.plan if standing else None
    if plan is not None and not plan.beyond_plan:
        current = plan.milestones or ((plan.carried,) if plan.carried else ())
        lines = [f"{m.title} ({m.hours} h)" for m in current]
        fields = (Field("This month", _joined(lines), inline=False),)
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
        f"{_hours(phase.hours)} over {weeks} weeks: {needed} h a week; the phase assumes "
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
        f"**Goals**\n{_bullets(phase.goals)}",
        f"**Resources**\n{_bullets([_resource(r) for r in phase.resources])}",
    ]
    if projects:
        sections.append(f"**Projects**\n{_bullets([_project_line(p) for p in projects])}")
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
            f"Month {plan.month} is past the planned year of {_phase_name(phase)}. The roadmap "
            "is yours from here: go deep in one specialization (`specializations`), ship a "
            "project a quarter, write about what you learn, and help the people a year behind you."
        )
        return Reply(title=title, body=body, actions=tuple(actions))
    hours = sum(m.hours for m in plan.milestones)
    intro = f"Month {plan.month_in_phase} of {plan.phase_months} in {_phase_name(phase)}."
    if plan.milestones:
        weekly = math.ceil(hours / WEEKS_PER_MONTH)
        body = f"{intro} This month's milestones take {_hours(hours)}, {weekly} h a week:"
        items = tuple(f"**{m.title}** ({m.hours} h): {m.done_when}" for m in plan.milestones)
    else:
        carried = plan.carried.title if plan.carried else "the milestones of last month"
        body = f"{intro} No new milestone starts this month: keep going with **{carried}**."
        items = ()
    return Reply(title=title, body=body, items=items, actions=tuple(actions))


def step(pack: ContentPack, step: Step) -> Reply:
    phases = [p for p in (pack.phase(n) for n in step.phases) if p is not None]
    body = (
        f"*{step.summary}*\n\n{step.guide}\n\n**This week**\n{_bullets(step.actions)}\n\n"
        f"On the roadmap: {_and([f'phase {p.number}, *{p.title}*' for p in phases])}."
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


def _readings(title: str, intro: str, readings: Sequence[Reading], narrow: str) -> Reply:
    lines = [_reading(r) for r in readings]

    def build(shown: tuple[str, ...], left: int) -> Reply:
        heading = f"**Readings** ({len(lines)})" if lines else "No curated readings match yet."
        note = f"\n\nShowing {len(shown)} of {len(lines)}; narrow it with {narrow}." if left else ""
        return Reply(title=title, body=f"{intro}{heading}{note}", items=shown)

    return _listing(build, lines)


def phase_resources(pack: ContentPack, phase: Phase) -> Reply:
    """The phase's core resources, then the readings for it that are not among them."""
    core = {r.url.rstrip("/") for r in phase.resources}
    readings = [
        r for r in pack.readings if phase.number in r.phases and r.url.rstrip("/") not in core
    ]
    topics = Counter(t for r in readings for t in r.topics)
    examples = ", ".join(f"`topic:{t}`" for t, _ in topics.most_common(4))
    return _readings(
        f"Resources for phase {phase.number} · {phase.title}",
        f"**Core**\n{_bullets([_resource(r) for r in phase.resources])}\n\n",
        readings,
        f"a topic such as {examples}" if examples else "a topic",
    )


def topic_readings(pack: ContentPack, topic: Topic, phase: Phase | None) -> Reply:
    """The readings on a topic, in one phase or across all of them."""
    readings = [
        r
        for r in pack.readings
        if topic.id in r.topics and (phase is None or phase.number in r.phases)
    ]
    if phase is None:
        return _readings(f"Readings on {topic.title}", "", readings, "`phase:`")
    return _readings(f"{topic.title} for phase {phase.number}", "", readings, "another topic")


def projects(pack: ContentPack, level: Level | None) -> Reply:
    if level is None:
        fields: list[Field] = []
        for name in LEVELS:
            chosen = [p for p in pack.projects if p.level == name]
            lines = [f"**{p.title}** · phase {p.phase}" for p in chosen]
            value = _joined(lines) or "none yet"
            fields.append(Field(f"{name.capitalize()} ({len(chosen)})", value, inline=False))
        body = (
            "Build things people can see: a small finished project teaches more than a big "
            "abandoned one. `projects level:beginner` shows the details, data sets included."
        )
        return Reply(title="Project ideas", body=body, fields=tuple(fields))
    chosen = [p for p in pack.projects if p.level == level]

    def build(count: int) -> Reply:
        body = f"{len(chosen)} {level} projects, in roadmap order."
        if not chosen:
            body = f"No {level} projects in this pack yet."
        if count < len(chosen):
            body += f" Showing the first {count}."
        fields = tuple(_project_detail(p) for p in chosen[:count])
        return Reply(title=f"{level.capitalize()} projects", body=body, fields=fields)

    return _fitted(build, len(chosen), FIELDS)


def _project_detail(project: Project) -> Field:
    value = f"{project.summary}\n*Skills*: {', '.join(project.skills)}."
    if project.datasets:
        links = ", ".join(f"[{d.title}]({d.url})" for d in project.datasets)
        value += f"\n*Data*: {links}."
    return Field(f"{project.title} · phase {project.phase}", value, inline=False)


def _certification(certification: Certification) -> Field:
    value = (
        f"{certification.provider}, {certification.level}, fits phase {certification.phase}. "
        f"Exam: {certification.exam}. Cost: {certification.cost}. "
        f"Valid: {certification.validity}. "
        f"{certification.covers} [Official page]({certification.url})"
    )
    return Field(certification.name, value, inline=False)


def certifications(pack: ContentPack) -> Reply:
    ordered = sorted(pack.certifications, key=lambda c: c.phase)
    checked = max((c.checked for c in ordered), default=None)

    def build(count: int) -> Reply:
        body = (
            "A certification is a structured syllabus and a signal to employers; it does not "
            "replace projects. Exams are renamed and retired often, so read the provider's "
            "page before you book"
        )
        body += f" (these were last checked on {checked.isoformat()})." if checked else "."
        if count < len(ordered):
            body += f" Showing {count} of {len(ordered)}."
        fields = tuple(_certification(c) for c in ordered[:count])
        return Reply(title="Certifications", body=body, fields=fields)

    return _fitted(build, len(ordered), FIELDS)


def specializations(pack: ContentPack) -> Reply:
    lines = [f"**{s.industry}** · `{s.id}`: {s.summary}" for s in pack.specializations]

    def build(shown: tuple[str, ...], left: int) -> Reply:
        body = (
            "Year two is for depth: pick the industry whose problems you enjoy and learn its "
            "data, rules and failure modes. Give one's id to see what to learn, like "
            f"`specializations industry:{pack.specializations[0].id}`."
            if pack.specializations
            else "This content pack lists no specializations."
        )
        if left:
            body += f" Showing {len(shown)} of {len(lines)}."
        return Reply(title="Specializations", body=body, items=shown)

    return _listing(build, lines)


def specialization(pack: ContentPack, specialization: Specialization) -> Reply:
    projects = [p for p in (pack.project(i) for i in specialization.projects) if p is not None]
    body = (
        f"{specialization.summary}\n\n**What to learn**\n{_bullets(specialization.learn)}\n\n"
        f"**Resources**\n{_bullets([_resource(r) for r in specialization.resources])}"
    )
    fields: tuple[Field, ...] = ()
    if projects:
        fields = (Field("Projects", _joined([_project_line(p) for p in projects]), inline=False),)
    return Reply(
        title=f"Specializing in {specialization.industry}",
        body=body,
        fields=fields,
        actions=(Action("All specializations", "specializations"),),
    )
