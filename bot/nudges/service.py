"""Who gets a check-in reminder, and the `nudges on|off` preference.

A member is reminded about their open week at most once, from Sunday 18:00 until Monday 11:00
on their own clock (:func:`bot.weeks.reminder_due`), and only when all of these hold:
they are active, take nudges, are not paused, the week is no holiday, they have not checked in
for it, and their streak is still alive. A broken streak gets no reminder: a reminder warns
before a streak breaks, it does not nag.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from bot.checkins.service import CheckinService
from bot.communities.model import Community
from bot.goals.model import Goal
from bot.goals.service import GoalService
from bot.holidays.calendar import holiday_weeks, holiday_weeks_in
from bot.members.model import Member
from bot.members.service import MemberService, active_member
from bot.nudges.model import Reminder
from bot.storage.database import Database
from bot.storage.transaction import Transaction
from bot.weeks import open_week, reminder_due, sunday


class NudgeService:
    def __init__(
        self, db: Database, members: MemberService, checkins: CheckinService, goals: GoalService
    ) -> None:
        self._db = db
        self._members = members
        self._checkins = checkins
        self._goals = goals

    async def set(self, community: Community, user_id: str, on: bool | None) -> bool:
        """Turn the caller's reminders on or off (None: leave them); returns the setting."""
        async with self._db.write() as tx:
            member = await active_member(tx, community.id, user_id)
            if on is None or on == member.nudges:
                return member.nudges
            await self._members.set_nudges(tx, member, on)
        return on

    async def pending(self, tx: Transaction, now: datetime) -> Collection[int]:
        """The communities where the reminders job may find someone to remind now, for every
        community in three queries: those with a member who takes reminders in a time zone
        whose reminder window is open, and those with an open goal due around today."""
        zones = await self._members.reminded_zones_everywhere(tx)
        found = await self._members.reminded_in_zones(
            tx, {z for z in zones if reminder_due(now, z)}
        )
        return found | await self._goals.communities_with_reminders(tx, now)

    async def reminder_candidates(
        self, tx: Transaction, community_ids: Sequence[int], now: datetime
    ) -> list[tuple[Member, date]]:
        """The members of these communities whose reminder window is open now, each with the
        week it is about: active, taking nudges, in a time zone whose window is open, the
        week no holiday. The cheap half of the decision: a job drops those it already
        reminded before asking `reminders_for` about the rest."""
        zones = await self._members.reminded_zones(tx, community_ids)
        due = {z: open_week(now, z) for z in zones if reminder_due(now, z)}
        if not due:
            return []
        holidays = await holiday_weeks_in(tx, community_ids)
        return [
            (m, due[m.timezone])
            for m in await self._members.reminded_in(tx, community_ids, due)
            if due[m.timezone] not in holidays.get(m.community_id, ())
        ]

    async def reminders_for(
        self, tx: Transaction, candidates: Sequence[tuple[Member, date]], now: datetime
    ) -> list[Reminder]:
        """Of these candidates (of any communities), those to remind: not checked in for the
        week, not away today or on its Sunday, and with a streak still alive."""
        if not candidates:
            return []
        checked = await self._checkins.checked_in_of(
            tx, [m.id for m, _ in candidates], {w for _, w in candidates}
        )
        waiting = [(m, week) for m, week in candidates if (m.id, week) not in checked]
        if not waiting:
            return []
        judged = await self._checkins.judged_now(tx, [m for m, _ in waiting], now)
        found: list[Reminder] = []
        for member, week in waiting:
            if member.id not in judged:  # never checked in: no streak to keep
                continue
            streak, calendar = judged[member.id]
            # The calendar holds the pauses ending after the week the streak was judged
            # through, a week before this one: so every pause covering today or its Sunday.
            away = (member.today(now), sunday(week))
            if streak.alive and not any(p.covers(d) for p in calendar.pauses for d in away):
                found.append(Reminder(member, week, streak))
        return found

    async def goals_due(
        self, tx: Transaction, community_ids: Sequence[int], now: datetime
    ) -> list[tuple[Member, Goal]]:
        """The goal reminders to send now in these communities: asked in the few with an open
        goal due around today."""
        around = await self._goals.communities_with_reminders(tx, now)
        found: list[tuple[Member, Goal]] = []
        for community_id in community_ids:
            if community_id in around:
                found += await self._goals.due_reminders(tx, community_id, now)
        return found

    async def checkin_prompt(
        self, tx: Transaction, community_id: int, week: date
    ) -> tuple[bool, int]:
        """Whether a week is a holiday, and how many members have checked in for it."""
        holiday = week in await holiday_weeks(tx, community_id)
        return holiday, await self._checkins.count_checked_in(tx, community_id, week)
