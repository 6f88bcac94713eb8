"""Leaderboard logic: who ranks where on streaks, hours or milestones, over a period.

Only active members who are public (`profile set public:false` hides a member) are listed;
the caller always learns their own rank, even when hidden. Ranks are shared on ties
(1, 2, 2, 4). Periods follow check-in weeks in the community's time zone: `week` is the open
week, `month` the open week and the three before it, `all` everything. Streaks are always
counted to today, whatever the period.
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.checkins.service import CheckinService
from bot.communities.model import Community
from bot.leaderboards.model import Board, Leaderboard, Period, Standing
from bot.members.model import Member
from bot.members.service import MemberService
from bot.milestones.ticks import ticks_per_member
from bot.storage.database import Database
from bot.storage.transaction import Transaction
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
        async with self._db.read() as tx:
            active = await self._members.active_in(tx, community.id)
            scores = await self._scores(tx, community, board, since, active, now)
        caller = next((m for m in active if m.user_id == user_id), None)
        shown = [m for m in active if m.public or m is caller]
        ranked = rank(shown, scores)
        mine = next((s for s in ranked if s.member is caller), None)
        top = [s for s in ranked if s.member.public and s.score > 0][:TOP]
        hidden = caller is not None and not caller.public
        return Leaderboard(board, period, since, top, mine, hidden)

    async def _scores(
        self,
        tx: Transaction,
        community: Community,
        board: Board,
        since: date | None,
        active: list[Member],
        now: datetime,
    ) -> dict[int, int]:
        if board is Board.STREAK:
            streaks = await self._checkins.streaks_now(tx, community.id, active, now)
            return {member_id: s.current for member_id, s in streaks.items()}
        if board is Board.HOURS:
            return await self._checkins.hours_per_member(tx, community.id, since)
        start = None if since is None else period_start(since, community.timezone)
        return await ticks_per_member(tx, community.id, start)


def rank(members_: list[Member], scores: dict[int, int]) -> list[Standing]:
    """Members by score, highest first, sharing ranks on ties."""
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
