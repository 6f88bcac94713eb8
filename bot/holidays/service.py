"""Holiday weeks: declared by organizers, they keep every member's streak as it is.

A week can be declared or withdrawn only while its check-ins are still open in every time
zone (until its Monday-noon close in the easternmost zone), so a streak that is already
settled never changes afterwards. Features that keep something judged from holiday weeks (the
check-ins' kept totals) listen with :meth:`HolidayService.on_change` and are told in the
transaction that changes a week.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta

from bot.communities.model import Community
from bot.errors import UserError
from bot.holidays import messages, store
from bot.storage.database import Database
from bot.storage.transaction import Transaction
from bot.weeks import WEEK, closes_at, open_week, week_start

EASTERNMOST = "Pacific/Kiritimati"
"""UTC+14, where every week closes first."""
MAX_AHEAD = timedelta(weeks=52)

WeekChanged = Callable[[Transaction, int, date, datetime], Awaitable[None]]
"""Told (transaction, community id, week, now) when a week became or stopped being a holiday."""


class HolidayService:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._listeners: list[WeekChanged] = []

    def on_change(self, listener: WeekChanged) -> None:
        self._listeners.append(listener)

    async def _changed(self, tx: Transaction, community_id: int, week: date, now: datetime) -> None:
        for listener in self._listeners:
            await listener(tx, community_id, week, now)

    async def declare(
        self, community: Community, day: date, by: str, now: datetime
    ) -> tuple[date, bool]:
        """Make the week of `day` a holiday. Returns the week and False when it already was."""
        week = self._changeable(community, day, now)
        async with self._db.write() as tx:
            added = await store.add(tx, community.id, week, by, now)
            if added:
                await self._changed(tx, community.id, week, now)
        return week, added

    async def withdraw(self, community: Community, day: date, now: datetime) -> date:
        """Make the holiday week of `day` an ordinary week again; returns the week."""
        week = self._changeable(community, day, now)
        async with self._db.write() as tx:
            if not await store.remove(tx, community.id, week):
                raise UserError(messages.not_a_holiday(week))
            await self._changed(tx, community.id, week, now)
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
