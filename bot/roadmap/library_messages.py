"""What the roadmap says about a pack's library: resources and readings, projects,
certifications and specializations. Lists show as many entries as fit the platform limits and
say how to narrow them."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from bot.content.limits import FIELDS
from bot.content.model import (
    LEVELS,
    Certification,
    ContentPack,
    Level,
    Phase,
    Project,
    Reading,
    Specialization,
    Topic,
)
from bot.replies import Action, Field, Reply
from bot.roadmap.wording import bullets, fitted, joined, listing, project_line, reading, resource


def _readings(title: str, intro: str, readings: Sequence[Reading], narrow: str) -> Reply:
    lines = [reading(r) for r in readings]

    def build(shown: tuple[str, ...], left: int) -> Reply:
        heading = f"**Readings** ({len(lines)})" if lines else "No curated readings match yet."
        note = f"\n\nShowing {len(shown)} of {len(lines)}; narrow it with {narrow}." if left else ""
        return Reply(title=title, body=f"{intro}{heading}{note}", items=shown)

    return listing(build, lines)


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
        f"**Core**\n{bullets([resource(r) for r in phase.resources])}\n\n",
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
            value = joined(lines) or "none yet"
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

    return fitted(build, len(chosen), FIELDS)


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

    return fitted(build, len(ordered), FIELDS)


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

    return listing(build, lines)


def specialization(pack: ContentPack, specialization: Specialization) -> Reply:
    projects = [p for p in (pack.project(i) for i in specialization.projects) if p is not None]
    body = (
        f"{specialization.summary}\n\n**What to learn**\n{bullets(specialization.learn)}\n\n"
        f"**Resources**\n{bullets([resource(r) for r in specialization.resources])}"
    )
    fields: tuple[Field, ...] = ()
    if projects:
        fields = (
            Field(
                "Projects",
                joined([project_line(p) for p in projects]),
                inline=False,
            ),
        )
    return Reply(
        title=f"Specializing in {specialization.industry}",
        body=body,
        fields=fields,
        actions=(Action("All specializations", "specializations"),),
    )
