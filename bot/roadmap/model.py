"""Where a member stands on the roadmap and what a month of it is for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.content.model import Milestone, Phase

MAX_MONTH = 24
"""The last month anyone can look at ahead: the end of the planned second year."""


@dataclass(frozen=True, slots=True)
class MonthPlan:
    """What a month of the journey is for. `beyond_plan` is set past the planned year of the
    open-ended last phase, where no milestones are scheduled any more."""

    month: int
    phase: Phase
    month_in_phase: int
    phase_months: int
    milestones: tuple[Milestone, ...]
    carried: Milestone | None
    """When no milestone starts this month: the one from an earlier month still under way."""

    @property
    def beyond_plan(self) -> bool:
        return self.month_in_phase > self.phase_months


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a member is on the journey today. Before the start date `month` and `week` are
    0 and `plan` is None."""

    start: date
    today: date
    month: int
    week: int
    week_in_phase: int
    weekly_hours: int
    plan: MonthPlan | None
