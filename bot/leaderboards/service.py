"""Leaderboard logic: who ranks where on streaks, hours or milestones, over a period.

Only active members who are public (`profile set public:false` hides a member) are listed;
the caller always learns their own rank, even when hidden. Ranks are shared on ties
(1, 2, 2, 4), and members tied on a score are listed by name. Ranking is done in SQL over
the check-ins' kept totals (see bot/checkins/store.py), never over every member in Python.
Periods follow check-in weeks in the community's time zone: `week` is the open
week, `month` the open week and the three before it, `all` everything. Streaks are always
counted to today, whatever the period.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.checkins.service import CheckinService
from bot.communities.model import Community
from bot.leaderboards.model import Board, Leaderboard, Period, Standing
from bot.members.model import Member
from bot.members.service import MemberService
from bot.milestones.ticks import tick_scores
from bot.storage.database import Database
from bot.weeks import WEEK, open_week

TOP = 10
WEEKS_IN = {Period.WEEK: 1, Period.MONTH: 4}


class LeaderboardService:
    def __init__(self, db: Database, members: MemberService, checkins: CheckinService) -> None:
        self._db = db
        self._members = members
        self._checkins = checkins

    async def leaderboard(
        self, community: Community, user_id: str, board: Board, period: Period, now: datetime
    ) -> Leaderboard:
        since = None
        if board is not Board.STREAK and period in WEEKS_IN:
            since = open_week(now, community.timezone) - (WEEKS_IN[period] - 1) * WEEK
        if board is Board.STREAK:
            await self._checkins.settle(community.id, now)
        async with self._db.read() as tx:
            top, mine = await self._members.ranked(
                tx, community.id, self._scores(community, board, since), user_id, TOP
            )
        caller = None if mine is None else Standing(*mine)
        hidden = caller is not None and not caller.member.public
        return Leaderboard(board, period, since, [Standing(*s) for s in top], caller, hidden)

    def _scores(self, community: Community, board: Board, since: date | None) -> sa.Subquery:
        """The board's (member_id, score) query, ranked in SQL by the members service."""
        if board is Board.STREAK:
            return self._checkins.streak_scores()
        if board is Board.HOURS:
            return self._checkins.hours_scores(community.id, since)
        start = None if since is None else period_start(since, community.timezone)
        return tick_scores(community.id, start)


def rank(members_: list[Member], scores: dict[int, int]) -> list[Standing]:
    """A handful of members (a class, say) by score, highest first, sharing ranks on ties; a
    whole community's boards are ranked in SQL instead."""
    ordered = sorted(
        members_, key=lambda m: (-scores.get(m.id, 0), m.display_name.casefold(), m.id)
    )
    standings: list[Standing] = []
    for position, member in enumerate(ordered, 1):
        score = scores.get(member.id, 0)
        tied = standings and standings[-1].score == score
        standings.append(Standing(standings[-1].rank if tied else position, member, score))
    return standings


def period_start(since: date, timezone: str) -> datetime:
    """The instant a period's first week starts in the community's time zone."""
    return datetime.combine(since, time(0), tzinfo=ZoneInfo(timezone))
