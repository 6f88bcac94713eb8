"""The weekly reading digest, as a scheduled job."""

from __future__ import annotations

from bot.communities.model import Community, Purpose, Schedule
from bot.digests.building import DigestBuilder
from bot.jobs import Job, Occurrence
from bot.storage.transaction import Transaction


def weekly_digest(digests: DigestBuilder) -> Job:
    def schedule(community: Community) -> Schedule | None:
        if Purpose.DIGEST not in community.channels:
            return None
        return community.schedule(Purpose.DIGEST)

    async def run(tx: Transaction, community: Community, occurrence: Occurrence) -> None:
        # One digest per local ISO week, even when organizers move the day mid-week. It is
        # built from stored items only: fetching happens in the refresher, never in here.
        year, week, _ = occurrence.local_date.isocalendar()
        await digests.post(tx, community, f"{year}-W{week:02d}", occurrence.due_at, occurrence.late)

    return Job("digest", schedule, run)
