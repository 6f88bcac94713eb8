"""The matchup round, as a scheduled job on the matchups channel's schedule."""

from __future__ import annotations

from bot.communities.model import Community, Purpose, Schedule
from bot.jobs import Job, Occurrence
from bot.matchups.service import MatchService
from bot.storage.transaction import Transaction


def matchup_round(matchups: MatchService) -> Job:
    """Runs at every occurrence of the matchups schedule; the service decides whether the
    cadence makes a round that week, and a week's round is only ever made once. The
    "did you meet?" follow-ups need no job of their own: they are outbox rows written with the
    round and due five days later."""

    def schedule(community: Community) -> Schedule | None:
        if Purpose.MATCHUPS not in community.channels:
            return None
        return community.schedule(Purpose.MATCHUPS)

    async def run(tx: Transaction, community: Community, occurrence: Occurrence) -> None:
        await matchups.scheduled(tx, community, occurrence)

    return Job("matchups", schedule, run)
