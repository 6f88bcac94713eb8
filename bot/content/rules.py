"""Checks of the pack's conventions, across files: one spelling, one tag vocabulary, phases
that agree with each other, a pace each phase states, enough for a week each, and renames.

They work on what the loader could read (see :mod:`bot.content.validate`), so a broken entry
is reported once, by its own checks, and never hides the problems of the others.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import TYPE_CHECKING

from pydantic import BaseModel

from bot.content.model import Spelling
from bot.content.plan import planned_weeks
from bot.content.problems import Location, Problem
from bot.content.spelling import other_spellings

if TYPE_CHECKING:
    from bot.content.validate import Collected, Entry

CHALLENGES_DIR = "challenges/"

MIN_CHALLENGES_PER_PHASE = 13
"""One a week for a quarter: a community on one phase's track sees no repeat for 13 weeks."""
MIN_READINGS_PER_PHASE = 26
"""Two a week for a quarter, the pace of a weekly digest, before any reading comes back."""

_NOT_PROSE = frozenset({"id", "url", "continues", "milestone", "project", "replaces"})
_NOT_PROSE |= frozenset({"projects", "topics", "phases", "months", "checked"})
"""Fields holding ids, links, numbers or dates, where spelling does not apply."""


def check(data: Collected) -> list[Problem]:
    return [
        *_spelling(data),
        *_vocabulary(data),
        *_phase_agreement(data),
        *_pace(data),
        *_per_phase(data),
        *_renames(data),
    ]


def _entries(data: Collected) -> Iterator[Entry[object]]:
    yield from data.topics
    yield from data.phases
    yield from data.steps
    yield from data.challenges
    yield from data.readings
    yield from data.certifications
    yield from data.projects
    yield from data.specializations
    yield from data.icebreakers
    yield from data.checkin
    yield from data.feeds


def _texts(value: object, path: Location) -> Iterator[tuple[Location, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, BaseModel):
        for name in type(value).model_fields:
            if name not in _NOT_PROSE:
                yield from _texts(getattr(value, name), (*path, name))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _texts(item, (*path, index))


def _spelling(data: Collected) -> list[Problem]:
    spelling: Spelling | None = data.info.spelling if data.info else None
    if spelling is None:
        return []
    name = "US" if spelling == "us" else "UK"
    sources: list[tuple[str, Location, object]] = [("pack.yaml", (), data.info)]
    sources += [(entry.file, entry.at(), entry.item) for entry in _entries(data)]
    return [
        Problem(file, path, f"write `{wanted}`, not `{found}`: this pack uses {name} spelling")
        for file, prefix, item in sources
        for path, text in _texts(item, prefix)
        for found, wanted in other_spellings(text, spelling)
    ]


def _variant(tag: str, topics: set[str]) -> str | None:
    """The topic id a tag is a near-copy of (a plural or singular of it), if any."""
    if tag in topics:
        return None
    for topic in (f"{tag}s", tag.removesuffix("s")):
        if topic != tag and topic in topics:
            return topic
    return None


def _vocabulary(data: Collected) -> list[Problem]:
    """Skills and tags say `llm`, never `llms`, when `llm` is the topic: one word per idea."""
    if "topics.yaml" not in data.counts:
        return []
    topics = data.raw_ids.get("topics.yaml", set())
    problems: list[Problem] = []
    tagged: list[tuple[Entry[object], str, list[str]]] = [
        *((c, "skills", c.item.skills) for c in data.challenges),
        *((p, "skills", p.item.skills) for p in data.projects),
    ]
    for entry, field, tags in tagged:
        for index, tag in enumerate(tags):
            topic = _variant(tag, topics)
            if topic is not None:
                message = f"write `{topic}`, the topic id, not `{tag}`: one tag per idea"
                problems.append(Problem(entry.file, entry.at(field, index), message))
    return problems


def _phase_agreement(data: Collected) -> list[Problem]:
    """A phase lists only its own projects; a challenge practises a milestone and a project
    of its own phase; a continued challenge comes right before its continuation. Phases are
    counted by their position, as their numbering rule says, and a project whose own phase is
    not a phase at all is reported by that rule alone."""
    problems: list[Problem] = []
    count = data.counts.get("phases.yaml", 0)
    project_phase = {p.item.id: p.item.phase for p in data.projects if p.item.phase <= count}
    milestone_phase = {
        milestone.id: phase.index + 1
        for phase in data.phases
        for milestone in phase.item.milestones
    }
    for phase in data.phases:
        for index, project_id in enumerate(phase.item.projects):
            found = project_phase.get(project_id)
            if found is not None and found != phase.index + 1:
                message = f"`{project_id}` is a phase {found} project in projects.yaml"
                problems.append(Problem(phase.file, phase.at("projects", index), message))
    every_phase_read = count == len(data.phases)
    for position, challenge in enumerate(data.challenges):
        item = challenge.item
        for field, phases, known in (
            ("milestone", milestone_phase, every_phase_read),
            ("project", project_phase, "projects.yaml" in data.counts),
        ):
            wanted = getattr(item, field)
            if wanted is None or not known:
                continue
            found = phases.get(wanted)
            if found is None and wanted not in data.raw_ids.get("projects.yaml", set()):
                message = f"unknown {field} `{wanted}`"
            elif found is not None and found != item.phase:
                message = f"`{wanted}` is in phase {found}, this challenge in phase {item.phase}"
            else:
                continue
            problems.append(Problem(challenge.file, challenge.at(field), message))
        if item.continues is not None:
            before = data.challenges[position - 1] if position else None
            if before is None or before.file != challenge.file or before.item.id != item.continues:
                message = (
                    f"a challenge that continues `{item.continues}` comes right after it, "
                    "in the same file"
                )
                problems.append(Problem(challenge.file, challenge.at("continues"), message))
    return problems


def _pace(data: Collected) -> list[Problem]:
    """The milestones fit the weekly hours a phase states, and so does each challenge."""
    problems: list[Problem] = []
    weekly = {phase.index + 1: phase.item.weekly_hours for phase in data.phases}
    for phase in data.phases:
        weeks = planned_weeks(phase.item)
        needed = math.ceil(phase.item.hours / weeks)
        if needed > phase.item.weekly_hours:
            message = (
                f"the milestones take {phase.item.hours} h over {weeks} weeks, {needed} h a "
                f"week: more than the {phase.item.weekly_hours} h a week this phase states"
            )
            problems.append(Problem(phase.file, phase.at("weekly_hours"), message))
    for challenge in data.challenges:
        hours = weekly.get(challenge.item.phase)
        if hours is not None and challenge.item.hours > hours:
            message = (
                f"{challenge.item.hours} h is more than the {hours} h a week phase "
                f"{challenge.item.phase} states; split it into parts that continue each other"
            )
            problems.append(Problem(challenge.file, challenge.at("hours"), message))
    return problems


def _per_phase(data: Collected) -> list[Problem]:
    """Challenges are counted per file, valid or not, so that an entry with a problem of its
    own does not also make its phase look short."""
    problems: list[Problem] = []
    count = data.counts.get("phases.yaml", 0)
    readings = [n for r in data.readings for n in set(r.item.phases)]
    for number in range(1, count + 1):
        file = f"challenges/phase-{number}.yaml"
        found = data.counts.get(file, 0)
        if CHALLENGES_DIR in data.counts and found < MIN_CHALLENGES_PER_PHASE:
            message = (
                f"{file} has {found} challenges; each phase needs at least "
                f"{MIN_CHALLENGES_PER_PHASE}, one a week for a quarter"
            )
            problems.append(Problem(CHALLENGES_DIR, (), message))
        if "readings.yaml" in data.counts and readings.count(number) < MIN_READINGS_PER_PHASE:
            message = (
                f"phase {number} has {readings.count(number)} readings; each phase needs at "
                f"least {MIN_READINGS_PER_PHASE}"
            )
            problems.append(Problem("readings.yaml", (), message))
    return problems


def _renames(data: Collected) -> list[Problem]:
    """An old id is replaced once, by one entry, and is not also an id in use."""
    problems: list[Problem] = []
    milestones = [
        (phase, ("milestones", index), milestone.id, milestone.replaces)
        for phase in data.phases
        for index, milestone in enumerate(phase.item.milestones)
    ]
    challenges = [(c, (), c.item.id, c.item.replaces) for c in data.challenges]
    for kind, owners in (("milestone", milestones), ("challenge", challenges)):
        current = {owner_id for _, _, owner_id, _ in owners}
        claimed: dict[str, str] = {}
        for entry, path, owner_id, replaces in owners:
            for index, old in enumerate(replaces):
                where = entry.at(*path, "replaces", index)
                if old in current:
                    message = f"`{old}` is still the id of a {kind}: only a retired id is replaced"
                    problems.append(Problem(entry.file, where, message))
                elif claimed.setdefault(old, owner_id) != owner_id:
                    message = f"`{old}` is already replaced by `{claimed[old]}`"
                    problems.append(Problem(entry.file, where, message))
    return problems
