"""A holiday week as the core sees it, with who-did-what kept for the organizer's export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class Declared:
    """A holiday week an organizer declared."""

    week: date
    declared_at: datetime
