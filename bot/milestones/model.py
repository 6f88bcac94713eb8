"""What the milestones feature answers with: ticks, progress per phase, and the suggestion to
move on once a phase is complete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.content.model import Milestone, Phase


@dataclass(frozen=True, slots=True)
class Completion:
    milestone_id: str
    evidence: str | None
    completed_at: datetime


@dataclass(frozen=True, slots=True)
class PhaseProgress:
    phase: Phase
    done: int

    @property
    def total(self) -> int:
        return len(self.phase.milestones)

    @property
    def complete(self) -> bool:
        return self.done == self.total


@dataclass(frozen=True, slots=True)
class MoveOn:
    """What to suggest when a phase is complete: the next phase, and the start date that
    puts the member at its beginning when the calendar still has them in the finished one."""

    finished: Phase
    next_phase: Phase | None
    start: date | None


@dataclass(frozen=True, slots=True)
class Completed:
    phase: Phase
    milestone: Milestone
    again: bool  # it was already completed (the evidence, if any, was updated)
    move_on: MoveOn | None


@dataclass(frozen=True, slots=True)
class Checklist:
    phase: Phase
    current: bool  # the phase the member's calendar puts them in
    completions: dict[str, Completion]
    progress: tuple[PhaseProgress, ...]
    move_on: MoveOn | None
