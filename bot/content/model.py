"""Typed models for every file of a content pack (see docs/content.md), strict and closed.

Every model rejects unknown fields and never coerces types (``hours: "20"`` is an error, not
20). Text fields are in Cohort's Markdown subset: they may use bold, italics, code and https
links, but a stray ``*`` that would leave italics open, a ``<@...>`` mention, or a literal
bracket, parenthesis, angle bracket, backtick or backslash without its escaping backslash is
refused. Paragraphs may be wrapped over several YAML lines; like Markdown, the lines of a
paragraph are joined, blank lines separate paragraphs and ``- `` lines stay list items.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Literal, get_args
from urllib.parse import urlsplit

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from bot.markdown import Kind, tokenize

ID_PATTERN = r"^[a-z0-9-]+$"
MAX_URL = 500


_LITERALS = frozenset("[]()<>`\\")
_MARKUP = _LITERALS | {"*"}
_ESCAPED = re.compile(r"\\.")


def _markup(text: str) -> str:
    """Refuse text that would not render as written: a `*` or `**` left open, a mention, a
    plain-http link, or one of [ ] ( ) < > ` \\ used literally without a backslash."""
    for line in text.split("\n"):
        if _MARKUP.isdisjoint(line):
            continue
        tokens = tokenize(_ESCAPED.sub("xx", line))  # escaped characters are plain text
        kinds = [t.kind for t in tokens]
        if kinds.count(Kind.BOLD) % 2:
            raise ValueError(r"a `**` is not closed on its line (write a literal * as \*)")
        if kinds.count(Kind.ITALIC) % 2:
            raise ValueError(r"a `*` is not closed on its line (write a literal * as \*)")
        for token in tokens:
            if token.kind is Kind.MENTION:
                raise ValueError("content must not mention anyone (<@...>)")
            if token.kind is Kind.LINK and not token.url.startswith("https://"):
                raise ValueError(f"the link to {token.url} must use https")
            literal = next((c for c in token.text if c in _LITERALS), None)
            if token.kind is Kind.TEXT and literal:
                raise ValueError(f"a literal {literal} must be written \\{literal} or avoided")
    return text


def _link_label(text: str) -> str:
    tokens = tokenize(f"[{text}](https://example.org)")
    if len(tokens) != 1 or tokens[0].kind is not Kind.LINK:
        raise ValueError(r"is shown as a link, so a literal [ or ] in it must be written \[ or \]")
    return text


def _reflow(text: str) -> str:
    """Join the lines of each paragraph as Markdown does, so text can be wrapped in YAML:
    blank lines separate paragraphs and a line starting with `- ` starts a list item."""
    paragraphs: list[str] = []
    for block in re.split(r"\n[ \t]*\n", text):
        lines: list[str] = []
        for line in (raw.strip() for raw in block.split("\n")):
            if lines and line and not line.startswith("- "):
                lines[-1] += f" {line}"
            elif line:
                lines.append(line)
        if lines:
            paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def _single_line(text: str) -> str:
    if "\n" in text:
        raise ValueError("must be a single line")
    return text


def _https(url: str) -> str:
    if any(c.isspace() or c in "()<>" for c in url):
        raise ValueError("a link must not contain spaces, parentheses or angle brackets")
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "https" or "." not in host or host.startswith(".") or host.endswith("."):
        raise ValueError("must be an https link such as https://example.org/page")
    return url


def _stripped(max_length: int) -> StringConstraints:
    return StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)


Id = Annotated[str, StringConstraints(pattern=ID_PATTERN, min_length=1, max_length=64)]
Url = Annotated[str, _stripped(MAX_URL), AfterValidator(_https)]
Tag = Annotated[str, _stripped(40), AfterValidator(_single_line)]
Line = Annotated[str, _stripped(160), AfterValidator(_single_line), AfterValidator(_markup)]
"""A title, a name or a label."""
LinkLabel = Annotated[Line, AfterValidator(_link_label)]
"""The title of something shown as a link."""
Sentence = Annotated[str, _stripped(400), AfterValidator(_single_line), AfterValidator(_markup)]
"""One or two sentences, shown as one list item."""
Paragraph = Annotated[str, _stripped(1000), AfterValidator(_reflow), AfterValidator(_markup)]
"""A few sentences; may be wrapped over lines."""
Guide = Annotated[str, _stripped(2400), AfterValidator(_reflow), AfterValidator(_markup)]
"""A few short paragraphs separated by blank lines."""

ResourceKind = Literal["course", "book", "docs", "video", "article", "tool", "paper"]
ReadingKind = Literal["paper", "article", "course", "book", "video", "docs"]
Cost = Literal["free", "paid"]
Difficulty = Literal["easy", "medium", "hard"]
Level = Literal["beginner", "intermediate", "advanced"]
CertificationLevel = Literal["foundational", "associate", "professional", "specialty"]

LEVELS: tuple[Level, ...] = get_args(Level)

CHECKIN_QUESTIONS = ("done", "hours", "next", "blockers", "milestones", "confidence")
"""The check-in question ids a pack must word, in the order the check-in asks them."""


class Strict(BaseModel):
    """Base of every content model: no coercion, no unknown fields, immutable."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


Spelling = Literal["us", "uk"]


class PackInfo(Strict):
    """`pack.yaml`: what the pack is, and the spelling its text keeps to (checked when given)."""

    name: Line
    version: int = Field(ge=1)
    description: Paragraph
    spelling: Spelling | None = None


class Topic(Strict):
    """One entry of `topics.yaml`, the tag vocabulary of readings."""

    id: Id
    title: Line


class Months(Strict):
    """The months of the journey a phase covers; `end` is None for the open-ended last phase."""

    start: int = Field(ge=1)
    end: int | None = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> Months:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        return self

    def label(self) -> str:
        if self.end is None:
            return f"months {self.start}+"
        if self.end == self.start:
            return f"month {self.start}"
        return f"months {self.start}-{self.end}"


class Milestone(Strict):
    id: Id
    title: Line
    done_when: Sentence
    hours: int = Field(ge=1, le=200)
    replaces: list[Id] = Field(default_factory=list)
    """Ids this milestone had in earlier versions of the pack: ticks made under them count."""


class Resource(Strict):
    title: LinkLabel
    url: Url
    kind: ResourceKind
    cost: Cost


class Phase(Strict):
    """One entry of `phases.yaml`."""

    number: int = Field(ge=1)
    id: Id
    title: Line
    months: Months
    weekly_hours: int = Field(ge=1, le=40)
    """The hours a week the phase assumes, milestones and the weekly challenge together (a
    challenge practises the milestones, so its hours are mostly theirs)."""
    summary: Paragraph
    goals: list[Sentence] = Field(min_length=3, max_length=6)
    milestones: list[Milestone] = Field(min_length=8)
    resources: list[Resource] = Field(min_length=3, max_length=6)
    projects: list[Id]

    @property
    def hours(self) -> int:
        return sum(m.hours for m in self.milestones)


class Step(Strict):
    """One entry of `steps.yaml`: a step of the article as a short practical guide."""

    number: int = Field(ge=1)
    title: Line
    summary: Sentence
    guide: Guide
    actions: list[Sentence] = Field(min_length=3, max_length=5)
    phases: list[int] = Field(min_length=1)


MAX_CHALLENGE_HOURS = 10
"""No weekly challenge asks for more: bigger work is split into parts, one a week."""


class Challenge(Strict):
    """One entry of a `challenges/phase-N.yaml` file. A challenge that `continues` another is
    the next week of the same piece of work: it follows that one directly in its file."""

    id: Id
    title: Line
    phase: int = Field(ge=1)
    difficulty: Difficulty
    skills: list[Tag] = Field(min_length=1)
    hours: int = Field(ge=1, le=MAX_CHALLENGE_HOURS)
    milestone: Id | None = None
    """The milestone this challenge practises, which must be in the same phase."""
    project: Id | None = None
    """The project idea this challenge is a version of, which must be in the same phase."""
    continues: Id | None = None
    replaces: list[Id] = Field(default_factory=list)
    """Ids this challenge had in earlier versions of the pack: posts made under them count."""
    brief: Paragraph
    deliverable: Sentence
    checklist: list[Sentence] = Field(min_length=3, max_length=6)
    stretch: Sentence
    hints: list[Sentence] = Field(min_length=1, max_length=4)


class Reading(Strict):
    """One entry of `readings.yaml`."""

    id: Id
    title: LinkLabel
    url: Url
    kind: ReadingKind
    phases: list[int] = Field(min_length=1)
    topics: list[Id] = Field(min_length=1)
    why: Sentence


class Certification(Strict):
    """One entry of `certifications.yaml`."""

    id: Id
    provider: Line
    name: LinkLabel
    exam: Line
    """The exam code or codes, or the name the provider uses when there is no code."""
    level: CertificationLevel
    url: Url
    covers: Sentence
    cost: Line
    """The approximate price of one attempt, as the provider states it."""
    validity: Line
    """How long the certification stays valid and how it is renewed."""
    phase: int = Field(ge=1)
    checked: date


class Dataset(Strict):
    title: LinkLabel
    url: Url


class Project(Strict):
    """One entry of `projects.yaml`."""

    id: Id
    title: Line
    level: Level
    phase: int = Field(ge=1)
    summary: Paragraph
    skills: list[Tag] = Field(min_length=1)
    datasets: list[Dataset] = Field(default_factory=list, max_length=3)


class Specialization(Strict):
    """One entry of `specializations.yaml`: an industry and what to learn for it."""

    id: Id
    industry: Line
    summary: Paragraph
    learn: list[Sentence] = Field(min_length=4, max_length=8)
    projects: list[Id]
    resources: list[Resource] = Field(min_length=1, max_length=4)


class CheckinQuestion(Strict):
    """One entry of `checkin.yaml`."""

    id: Id
    label: Line
    placeholder: Sentence


class Feed(Strict):
    """One entry of `feeds.yaml`: a "stay updated" feed an organizer may enable."""

    id: Id
    title: Line
    url: Url
    tags: list[Tag]


@dataclass(frozen=True, slots=True)
class ContentPack:
    """A loaded, validated pack. Sequences keep the order of the files."""

    root: Path
    info: PackInfo
    topics: tuple[Topic, ...]
    phases: tuple[Phase, ...]
    steps: tuple[Step, ...]
    challenges: tuple[Challenge, ...]
    readings: tuple[Reading, ...]
    certifications: tuple[Certification, ...]
    projects: tuple[Project, ...]
    specializations: tuple[Specialization, ...]
    icebreakers: tuple[str, ...]
    checkin: tuple[CheckinQuestion, ...]
    feeds: tuple[Feed, ...]

    def phase(self, number: int) -> Phase | None:
        return next((p for p in self.phases if p.number == number), None)

    def phase_for_month(self, month: int) -> Phase:
        """The phase that covers a month of the journey (1 is the first month)."""
        for phase in self.phases:
            end = phase.months.end
            if phase.months.start <= month and (end is None or month <= end):
                return phase
        raise ValueError(f"no phase covers month {month}")

    def step(self, number: int) -> Step | None:
        return next((s for s in self.steps if s.number == number), None)

    def project(self, project_id: str) -> Project | None:
        return next((p for p in self.projects if p.id == project_id), None)

    def renamed_milestones(self) -> dict[str, str]:
        """Each id a milestone had before, mapped to the id it has now."""
        return {
            old: milestone.id
            for phase in self.phases
            for milestone in phase.milestones
            for old in milestone.replaces
        }

    def renamed_challenges(self) -> dict[str, str]:
        """Each id a challenge had before, mapped to the id it has now."""
        return {old: challenge.id for challenge in self.challenges for old in challenge.replaces}
