"""Holiday weeks: declared by organizers, they keep every member's streak as it is.

A week can be declared or withdrawn only while its check-ins are still open in every time
zone (until its Monday-noon close in the easternmost zone), so a streak that is already
settled never changes afterwards.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.communities.model import Community
from bot.errors import UserError
from bot.holidays import messages, store
from bot.storage.database import Database
from bot.weeks import WEEK, closes_at, open_week, week_start

EASTERNMOST = "Pacific/Kiritimati"
"""UTC+14, where every week closes first."""
MAX_AHEAD = timedelta(weeks=52)


class HolidayService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def declare(
        self, community: Community, day: date, by: str, now: datetime
    ) -> tuple[date, bool]:
        """Make the week of `day` a holiday. Returns the week and False when it already was."""
        week = self._changeable(community, day, now)
        async with self._db.write() as tx:
            return week, await store.add(tx, community.id, week, by, now)

    async def withdraw(self, community: Community, day: date, now: datetime) -> date:
        """Make the holiday week of `day` an ordinary week again; returns the week."""
        week = self._changeable(community, day, now)
        async with self._db.write() as tx:
            if not await store.remove(tx, community.id, week):
                raise UserError(messages.not_a_holiday(week))
        return week

    async def upcoming(self, community: Community, now: datetime) -> list[date]:
        """The holiday weeks from the community's open week on, soonest first."""
        first = open_week(now, community.timezone) - WEEK
        async with self._db.read() as tx:
            weeks = await store.weeks(tx, community.id)
        return sorted(w for w in weeks if w >= first)

    def _changeable(self, community: Community, day: date, now: datetime) -> date:
        week = week_start(day)
        if now >= closes_at(week, EASTERNMOST):
            raise UserError(messages.already_closed(week))
        if week > open_week(now, community.timezone) + MAX_AHEAD:
            raise UserError(messages.too_far(MAX_AHEAD.days // 7))
        return week
