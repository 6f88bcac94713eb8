"""The daily helpers job: asking members whether their helper's conversation helped, and
spending freezes earned by helping on weeks that would break a streak."""

from __future__ import annotations

from bot.communities.model import Community, Purpose, Schedule
from bot.helpers.service import HelperService
from bot.jobs import Job, Occurrence
from bot.storage.transaction import Transaction

DAILY = "30 13 * * *"
"""Early afternoon in the community's zone: after the Monday-noon grace period has closed the
week for most members."""


def daily(service: HelperService) -> Job:
    def schedule(community: Community) -> Schedule | None:
        return Schedule(Purpose.CHECKINS, 0, "13:30", cron=DAILY)

    async def run(tx: Transaction, community: Community, occurrence: Occurrence) -> None:
        await service.follow_ups(tx, community, occurrence.due_at)
        await service.rewards.spend_freezes(tx, community, occurrence.due_at)

    return Job("helpers", schedule, run)
