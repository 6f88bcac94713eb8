"""How long a phase of the roadmap is planned over: content rules and the roadmap views
share it."""

from __future__ import annotations

from bot.content.model import Phase

OPEN_PHASE_MONTHS = 12
"""How many months the open-ended last phase is planned over."""
WEEKS_PER_YEAR = 52


def planned_months(phase: Phase) -> int:
    """The months a phase is planned over; the open-ended phase counts one year."""
    end = phase.months.end
    return OPEN_PHASE_MONTHS if end is None else end - phase.months.start + 1


def planned_weeks(phase: Phase) -> int:
    return max(1, round(planned_months(phase) * WEEKS_PER_YEAR / 12))
