"""The first due time of any job over every community, and the event loop's turns while a
tick goes through them all."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import datetime

from bot.communities.model import Community, Schedule
from bot.fire_times import next_fire, trigger
from bot.jobs import Job

TURN_EVERY = 250
"""Communities a pass of the scheduler goes through between turns it gives the event loop.
A pass looks at every job of every community (2,500 communities and nine jobs at the full
size of bench/scale.py), which held the loop for tens of milliseconds at a time, and a
member's command waited that long."""


async def in_turns(communities: Sequence[Community]) -> AsyncIterator[Sequence[Community]]:
    """The communities TURN_EVERY at a time, the event loop given a turn between (a command
    waiting runs there)."""
    for start in range(0, len(communities), TURN_EVERY):
        if start:
            await asyncio.sleep(0)
        yield communities[start : start + TURN_EVERY]


def scheduled(
    communities: Sequence[Community], jobs: Sequence[Job]
) -> Iterator[tuple[Community, Job, Schedule]]:
    """Each job's enabled schedule in each of these communities."""
    for community in communities:
        for job in jobs:
            schedule = job.schedule(community)
            if schedule is not None and schedule.enabled:
                yield community, job, schedule


class DueTimes:
    """Each (schedule, zone)'s next fire time and the moment it was asked after: valid until
    the clock passes it, so stepping asks the cron triggers little."""

    def __init__(self, jobs: Sequence[Job]) -> None:
        self._jobs = jobs
        self._next: dict[tuple[Schedule, str], tuple[datetime, datetime | None]] = {}

    async def first(
        self, communities: Sequence[Community], after: datetime, until: datetime
    ) -> datetime | None:
        """The first occurrence of any job in (after, until], None if there is none."""
        best: datetime | None = None
        seen: set[tuple[Schedule, str]] = set()
        async for some in in_turns(communities):
            for community, _, schedule in scheduled(some, self._jobs):
                shared = (schedule, community.timezone)
                if shared in seen:  # many communities share a schedule and a zone
                    continue
                seen.add(shared)
                since, first = self._next.get(shared, (None, None))
                if since is None or first is None or not since <= after < first:
                    # No fire in (since, after]: the one after `since` is still the next.
                    first = next_fire(trigger(schedule, community.timezone), after)
                    self._next[shared] = (after, first)
                if first is not None and first <= until and (best is None or first < best):
                    best = first
        return best
