"""Class logic: who is in a member's class and how the class is doing.

A member of the class is *active* when they checked in for the open week or the week before
it (weeks on their own clock, see :func:`bot.weeks.open_week`): within the last two weeks.
The median phase is the lower median of the phase numbers of the members past their start
date, so it is always a real phase. The leaderboard ranks the class by current streak, through
the leaderboards' ranking and the check-ins' streaks: public members only, the caller always
learning their own rank.
"""

from __future__ import annotations

from datetime import date, datetime
from statistics import median_low

from bot.checkins.service import CheckinService
from bot.classes.model import Classmates, class_month
from bot.communities.model import Community
from bot.content.provider import ContentProvider
from bot.leaderboards.service import rank
from bot.members.model import Member
from bot.members.service import MemberService
from bot.roadmap.service import standing
from bot.storage.database import Database
from bot.storage.transaction import Transaction
from bot.weeks import WEEK, open_week

TOP = 5


class ClassService:
    def __init__(
        self,
        db: Database,
        content: ContentProvider,
        members: MemberService,
        checkins: CheckinService,
    ) -> None:
        self._db = db
        self._content = content
        self._members = members
        self._checkins = checkins

    async def classmates(self, community: Community, user_id: str, now: datetime) -> Classmates:
        caller = await self._members.require(community.id, user_id)
        month = class_month(caller)
        pack = self._content.for_community(community)
        async with self._db.read() as tx:
            classmates = await self.members_of(tx, community.id, month)
            last = await self._checkins.last_weeks(tx, community.id)
            streaks = await self._checkins.streaks_now(tx, classmates, now)
        active = sum(
            m.id in last and last[m.id] >= open_week(now, m.timezone) - WEEK for m in classmates
        )
        plans = [p for m in classmates if (p := standing(pack, m, now).plan) is not None]
        median = None
        if plans:
            number = median_low(p.phase.number for p in plans)
            median = next(p.phase for p in plans if p.phase.number == number)
        mine = next((m for m in classmates if m.id == caller.id), caller)
        shown = [m for m in classmates if m.public or m is mine]
        ranked = rank(shown, {i: s.current for i, s in streaks.items()})
        return Classmates(
            month=month,
            size=len(classmates),
            active=active,
            median_phase=median,
            started=len(plans),
            top=[s for s in ranked if s.member.public and s.score > 0][:TOP],
            caller=next((s for s in ranked if s.member is mine), None),
            caller_hidden=not mine.public,
        )

    async def members_of(self, tx: Transaction, community_id: int, month: date) -> list[Member]:
        """The active members of the community whose class is `month` (its first day)."""
        return [
            m for m in await self._members.active_in(tx, community_id) if class_month(m) == month
        ]
