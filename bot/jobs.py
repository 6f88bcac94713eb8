"""What a scheduled job is: when it runs for a community, what one run of it (an occurrence)
knows, and how a sweep finds where it has work and decides before it writes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from bot.communities.model import Community, Schedule
from bot.storage.transaction import Transaction


@dataclass(frozen=True, slots=True)
class Occurrence:
    kind: str
    due_at: datetime  # UTC
    local_key: str  # YYYY-MM-DDTHH:MM in the community's zone
    late: bool
    started_at: datetime | None = None  # when the run began (the tick); None: at due_at

    @property
    def local_date(self) -> date:
        return date.fromisoformat(self.local_key[:10])


Pending = Callable[[Transaction, datetime], Awaitable[Collection[int]]]
Write = Callable[[Transaction], Awaitable[None]]
Decisions = Mapping[int, Write]
"""What a sweep decided, by community id: the step that writes each one's posts."""
Decide = Callable[[Transaction, Sequence[tuple[Community, Occurrence]]], Awaitable[Decisions]]


@dataclass(frozen=True, slots=True)
class Job:
    """A kind of scheduled work. `schedule` says when it runs for a community (None: not
    there); `run` does it inside the claiming transaction and writes outbox rows (None: the
    job has `decide` instead)."""

    kind: str
    schedule: Callable[[Community], Schedule | None]
    run: Callable[[Transaction, Community, Occurrence], Awaitable[None]] | None = None
    pending: Pending | None = None
    """For a sweep: the ids of the communities where a run at this time may find work (more
    is fine, fewer is a bug), read in one transaction for every community at once."""
    decide: Decide | None = None
    """`run` in two steps: read what to write for some communities, in a read transaction,
    and return, by community id, the step that writes each one's posts (absent: nothing to
    write there), run in the claiming transaction. A sweep (with `pending`) decides many
    communities at once and claims an occurrence only where it writes; another job is
    decided a community at a time and claimed either way, its slow reading (a report's
    chart) kept out of SQLite's write turn."""

    def __post_init__(self) -> None:
        if (self.run is None) == (self.decide is None):
            raise ValueError(f"job {self.kind}: either run or decide, not both or neither")

    @property
    def deciding_sweep(self) -> bool:
        """A sweep that decides before it writes, for many communities at once, last in a
        tick."""
        return self.decide is not None and self.pending is not None


async def nothing_to_write(tx: Transaction) -> None:
    """The write of a job that decided there was nothing to write."""
