"""Who gets a check-in reminder, and the `nudges on|off` preference.

A member is reminded about their open week at most once, from Sunday 18:00 until Monday 11:00
on their own clock (:func:`bot.checkins.weeks.reminder_due`), and only when all of these hold:
they are active, take nudges, are not paused, the week is no holiday, they have not checked in
for it, and their streak is still alive. A broken streak gets no reminder: a reminder warns
before a streak breaks, it does not nag.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.checkins import store as checkins_store
from bot.checkins.service import streaks_now
from bot.checkins.streaks import Streak
from bot.checkins.weeks import open_week, reminder_due, sunday
from bot.communities.model import Community
from bot.holidays import store as holidays_store
from bot.members import store as members_store
from bot.members.model import Member
from bot.members.service import active_member
from bot.nudges import store
from bot.pauses import store as pauses_store
from bot.storage.database import Database
from bot.storage.tables import members
from bot.storage.transaction import Transaction


@dataclass(frozen=True, slots=True)
class Reminder:
    member: Member
    week: date
    streak: Streak


class NudgeService:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def set(self, community: Community, user_id: str, on: bool | None) -> bool:
        """Turn the caller's reminders on or off (None: leave them); returns the setting."""
        async with self._db.write() as tx:
            member = await active_member(tx, community.id, user_id)
            if on is None or on == member.nudges:
                return member.nudges
            await members_store.update(tx, member.id, nudges=on)
        return on


async def reminders_due(tx: Transaction, community_id: int, now: datetime) -> list[Reminder]:
    """The check-in reminders to send now in a community."""
    zones = [z for z in await store.reminded_zones(tx, community_id) if reminder_due(now, z)]
    if not zones:
        return []
    holidays = await holidays_store.weeks(tx, community_id)
    open_weeks = {z: w for z in zones if (w := open_week(now, z)) not in holidays}
    if not open_weeks:
        return []
    candidates = await members_store.in_community(
        tx,
        community_id,
        members.c.left_at.is_(None),
        members.c.nudges.is_(True),
        members.c.timezone.in_(list(open_weeks)),
    )
    checked = await checkins_store.checked_in(tx, community_id, set(open_weeks.values()))
    oldest = min(open_weeks.values()) - timedelta(days=1)
    pauses = await pauses_store.of_community(tx, community_id, oldest)
    waiting = []
    for member in candidates:
        week = open_weeks[member.timezone]
        away = (member.today(now), sunday(week))
        if (member.id, week) in checked:
            continue
        if any(p.covers(day) for p in pauses.get(member.id, ()) for day in away):
            continue
        waiting.append(member)
    streaks = await streaks_now(tx, community_id, waiting, now)
    return [
        Reminder(m, open_weeks[m.timezone], streaks[m.id]) for m in waiting if streaks[m.id].alive
    ]
