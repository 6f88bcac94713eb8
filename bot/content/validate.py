"""Checks across the files of a pack: unique ids, references that resolve, phases that cover
the months without gaps and the documented minimums (bot/roadmap/fit.py checks the views).

`check` works on what the loader could read, entry by entry, so one broken entry does not hide
the problems of the others; ids of entries that failed their own checks still count as known,
so a reference to them is not reported a second time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Generic, Protocol, TypeVar

from bot.content import rules
from bot.content.model import (
    CHECKIN_QUESTIONS,
    Certification,
    Challenge,
    CheckinQuestion,
    Feed,
    PackInfo,
    Phase,
    Project,
    Reading,
    Specialization,
    Step,
    Topic,
)
from bot.content.problems import Location, Problem

CHALLENGES_DIR = "challenges/"
CHALLENGE_FILE = re.compile(r"challenges/phase-([1-9][0-9]*)\.yaml")
MIN_CHALLENGES = 52
MIN_READINGS = 60
MIN_ICEBREAKERS = 30
FIRST_OPEN_MONTH = 13
"""The open-ended last phase starts here: months 1-12 are the first year."""


T_co = TypeVar("T_co", covariant=True)


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Entry(Generic[T_co]):
    """An entry that passed its own checks, with where it came from."""

    file: str
    index: int
    item: T_co

    def at(self, *path: str | int) -> Location:
        return (self.index, *path)


@dataclass(slots=True)
class Collected:
    """What the loader read. `raw_ids` holds, per file, the ids of every entry that had one,
    valid or not; `counts` the entries per file (phases are numbered by their position, so
    their count says which phase numbers exist).
    `months` holds the months of every phase in file order, or None when some phase's months
    could not be read (that problem is reported on its own)."""

    info: PackInfo | None = None
    topics: list[Entry[Topic]] = field(default_factory=list)
    phases: list[Entry[Phase]] = field(default_factory=list)
    steps: list[Entry[Step]] = field(default_factory=list)
    challenges: list[Entry[Challenge]] = field(default_factory=list)
    readings: list[Entry[Reading]] = field(default_factory=list)
    certifications: list[Entry[Certification]] = field(default_factory=list)
    projects: list[Entry[Project]] = field(default_factory=list)
    specializations: list[Entry[Specialization]] = field(default_factory=list)
    icebreakers: list[Entry[str]] = field(default_factory=list)
    checkin: list[Entry[CheckinQuestion]] = field(default_factory=list)
    feeds: list[Entry[Feed]] = field(default_factory=list)
    raw_ids: dict[str, set[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    months: list[tuple[int, int | None]] | None = None


def check(data: Collected) -> list[Problem]:
    """Every problem between entries and between files."""
    return [
        *_unique_ids(data),
        *_phases(data),
        *_steps(data),
        *_references(data),
        *_minimums(data),
        *_repeats(data),
        *_checkin(data),
        *rules.check(data),
    ]


def _first_use(seen: Entry[object], entry: Entry[object]) -> str:
    return f"[{seen.index}]" if seen.file == entry.file else f"{seen.file} [{seen.index}]"


def _duplicate_ids(entries: Sequence[Entry[_HasId]]) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, Entry[_HasId]] = {}
    for entry in entries:
        seen = first.setdefault(entry.item.id, entry)
        if seen is not entry:
            message = f"the id `{entry.item.id}` is already used at {_first_use(seen, entry)}"
            problems.append(Problem(entry.file, entry.at("id"), message))
    return problems


def _unique_ids(data: Collected) -> list[Problem]:
    problems = [
        *_duplicate_ids(data.topics),
        *_duplicate_ids(data.phases),
        *_duplicate_ids(data.challenges),
        *_duplicate_ids(data.readings),
        *_duplicate_ids(data.certifications),
        *_duplicate_ids(data.projects),
        *_duplicate_ids(data.specializations),
        *_duplicate_ids(data.checkin),
        *_duplicate_ids(data.feeds),
    ]
    first: dict[str, tuple[int, int]] = {}
    for phase in data.phases:
        for index, milestone in enumerate(phase.item.milestones):
            seen = first.setdefault(milestone.id, (phase.index, index))
            if seen != (phase.index, index):
                message = (
                    f"the milestone id `{milestone.id}` is already used at "
                    f"[{seen[0]}].milestones[{seen[1]}]; milestone ids are unique across phases"
                )
                problems.append(Problem(phase.file, phase.at("milestones", index, "id"), message))
    return problems


def _phases(data: Collected) -> list[Problem]:
    problems = [
        Problem(
            phase.file,
            phase.at("number"),
            f"must be {phase.index + 1}: phases are numbered 1, 2, 3... in file order",
        )
        for phase in data.phases
        if phase.item.number != phase.index + 1
    ]
    if not data.months:
        return problems  # coverage is only meaningful when every phase's months could be read
    gaps: list[Problem] = []

    def gap(index: int, part: str, message: str) -> None:
        gaps.append(Problem("phases.yaml", (index, "months", part), message))

    expected = 1
    last = len(data.months) - 1
    for index, (start, end) in enumerate(data.months):
        if start != expected:
            gap(
                index,
                "start",
                f"must be {expected}: each phase starts the month after the previous one "
                "ends, without gaps or overlaps",
            )
        if index < last and end is None:
            gap(index, "end", "only the last phase is open-ended (end: null)")
        expected = (end or start) + 1
    start, end = data.months[last]
    if end is not None:
        gap(last, "end", "the last phase is open-ended: write `end: null` (year 2 and beyond)")
    elif not gaps and start != FIRST_OPEN_MONTH:
        gap(
            last,
            "start",
            f"the open-ended last phase starts at month {FIRST_OPEN_MONTH}: the phases before "
            "it cover the first year, months 1-12",
        )
    return problems + gaps


def _steps(data: Collected) -> list[Problem]:
    return [
        Problem(
            step.file,
            step.at("number"),
            f"must be {step.index + 1}: steps are numbered 1, 2, 3... in file order",
        )
        for step in data.steps
        if step.item.number != step.index + 1
    ]


def _references(data: Collected) -> list[Problem]:
    problems: list[Problem] = []

    def refer(entry: Entry[object], path: Location, kind: str, value: str, known: str) -> None:
        message = f"unknown {kind} `{value}`: no entry of {known} has this id"
        problems.append(Problem(entry.file, entry.at(*path), message))

    if "projects.yaml" in data.counts:
        projects = data.raw_ids.get("projects.yaml", set())
        owners: list[Entry[Phase | Specialization]] = [*data.phases, *data.specializations]
        for owner in owners:
            for index, project in enumerate(owner.item.projects):
                if project not in projects:
                    refer(owner, ("projects", index), "project", project, "projects.yaml")
    if "topics.yaml" in data.counts:
        topics = data.raw_ids.get("topics.yaml", set())
        for reading in data.readings:
            for index, topic in enumerate(reading.item.topics):
                if topic not in topics:
                    refer(reading, ("topics", index), "topic", topic, "topics.yaml")
        for feed in data.feeds:
            for index, tag in enumerate(feed.item.tags):
                if tag not in topics:
                    refer(feed, ("tags", index), "topic", tag, "topics.yaml")
    if data.counts.get("phases.yaml"):
        problems += _phase_references(data)
    return problems


def _phase_references(data: Collected) -> list[Problem]:
    count = data.counts["phases.yaml"]
    problems: list[Problem] = []

    def refer(entry: Entry[object], path: Location, number: int) -> None:
        if not 1 <= number <= count:
            message = f"there is no phase {number}; phases.yaml has phases 1 to {count}"
            problems.append(Problem(entry.file, entry.at(*path), message))

    for step in data.steps:
        for index, number in enumerate(step.item.phases):
            refer(step, ("phases", index), number)
    for reading in data.readings:
        for index, number in enumerate(reading.item.phases):
            refer(reading, ("phases", index), number)
    singles: list[Entry[Certification | Project | Challenge]] = [
        *data.certifications,
        *data.projects,
        *data.challenges,
    ]
    for single in singles:
        refer(single, ("phase",), single.item.phase)
    for challenge in data.challenges:
        match = CHALLENGE_FILE.fullmatch(challenge.file)
        if match and int(match.group(1)) != challenge.item.phase:
            message = f"must be {match.group(1)}, the phase this file is for"
            problems.append(Problem(challenge.file, challenge.at("phase"), message))
    return problems


def _minimums(data: Collected) -> list[Problem]:
    problems: list[Problem] = []
    for file, minimum in (
        (CHALLENGES_DIR, MIN_CHALLENGES),
        ("readings.yaml", MIN_READINGS),
        ("icebreakers.yaml", MIN_ICEBREAKERS),
    ):
        count = data.counts.get(file)
        if count is not None and count < minimum:
            message = f"has {count} entries; a pack needs at least {minimum}"
            problems.append(Problem(file, (), message))
    return problems


def _repeats(data: Collected) -> list[Problem]:
    problems: list[Problem] = []
    titles: dict[str, Entry[Challenge]] = {}
    for challenge in data.challenges:
        seen = titles.setdefault(challenge.item.title.casefold(), challenge)
        if seen is not challenge:
            message = (
                f"the same title as {_first_use(seen, challenge)}: a year of weekly "
                "challenges has no repeats"
            )
            problems.append(Problem(challenge.file, challenge.at("title"), message))
    questions: dict[str, Entry[str]] = {}
    for icebreaker in data.icebreakers:
        seen_question = questions.setdefault(icebreaker.item.casefold(), icebreaker)
        if seen_question is not icebreaker:
            message = f"the same question as {_first_use(seen_question, icebreaker)}"
            problems.append(Problem(icebreaker.file, (icebreaker.index,), message))
    return problems


def _checkin(data: Collected) -> list[Problem]:
    if "checkin.yaml" not in data.counts:
        return []
    asked = ", ".join(CHECKIN_QUESTIONS)
    problems = [
        Problem(
            entry.file,
            entry.at("id"),
            f"`{entry.item.id}` is not a check-in question; the check-in asks: {asked}",
        )
        for entry in data.checkin
        if entry.item.id not in CHECKIN_QUESTIONS
    ]
    given = data.raw_ids.get("checkin.yaml", set())
    problems += [
        Problem(
            "checkin.yaml", (), f"the question `{question}` is missing; the check-in asks: {asked}"
        )
        for question in CHECKIN_QUESTIONS
        if question not in given
    ]
    return problems
