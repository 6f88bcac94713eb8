"""The weekly challenge post, as a scheduled job."""

from __future__ import annotations

from bot.challenges.service import ChallengeService, weekly_key
from bot.communities.model import Community, Purpose, Schedule
from bot.jobs import Job, Occurrence
from bot.storage.transaction import Transaction


def weekly_challenge(challenges: ChallengeService) -> Job:
    def schedule(community: Community) -> Schedule | None:
        if Purpose.CHALLENGES not in community.channels:
            return None
        return community.schedule(Purpose.CHALLENGES)

    async def run(tx: Transaction, community: Community, occurrence: Occurrence) -> None:
        # One challenge per local ISO week, even when organizers move the day mid-week.
        key = weekly_key(community.id, occurrence.local_date)
        await challenges.post(tx, community, key, occurrence.due_at, occurrence.late)

    return Job("challenge", schedule, run)
