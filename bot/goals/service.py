"""Goal logic: adding goals with sensible due dates, listing them, ticking them off, and which
ones are due for a reminder.

Due dates are calendar dates on the member's own clock. A due goal is reminded once, by direct
message, on its due day from 09:00 local, unless the member is paused or has nudges off.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from bot.communities.model import Community
from bot.errors import UserError
from bot.goals import messages, store
from bot.goals.model import Goal, Goals
from bot.members.model import Member
from bot.members.service import MemberService, active_member
from bot.pauses.calendar import community_pauses
from bot.storage.database import Database
from bot.storage.transaction import Transaction
from bot.weeks import local_time

MAX_OPEN = 20
LONGEST = timedelta(days=2 * 365)
REMIND_FROM = time(9, 0)


class GoalService:
    def __init__(self, db: Database, members: MemberService) -> None:
        self._db = db
        self._members = members

    async def add(
        self, community: Community, user_id: str, text: str, due: date | None, now: datetime
    ) -> tuple[Goal, date]:
        """Add a goal; returns it and the member's today, for saying when it is due."""
        async with self._db.write() as tx:
            member = await active_member(tx, community.id, user_id)
            today = member.today(now)
            if due is not None and due < today:
                raise UserError(messages.due_in_the_past(today))
            if due is not None and due > today + LONGEST:
                raise UserError(messages.due_too_far(today + LONGEST))
            if await store.count_open(tx, member.id) >= MAX_OPEN:
                raise UserError(messages.too_many(MAX_OPEN))
            return await store.add(tx, member.id, text, due, now), today

    async def add_in(
        self, tx: Transaction, member: Member, text: str, due: date | None, now: datetime
    ) -> Goal | None:
        """Add a goal inside the caller's transaction (a retro's goal for the next quarter);
        None when the member already has the most open goals there can be."""
        if await store.count_open(tx, member.id) >= MAX_OPEN:
            return None
        return await store.add(tx, member.id, text, due, now)

    async def goals(self, community: Community, user_id: str, now: datetime) -> Goals:
        member = await self._members.require(community.id, user_id)
        async with self._db.read() as tx:
            every = await store.of_member(tx, member.id)
        return Goals(
            member.today(now),
            [g for g in every if g.done_at is None],
            [g for g in every if g.done_at is not None],
        )

    async def complete(
        self, community: Community, user_id: str, number: int, now: datetime
    ) -> tuple[Goal, bool]:
        """Tick a goal off. Returns it and False when it was already done."""
        async with self._db.write() as tx:
            member = await active_member(tx, community.id, user_id)
            goal = await store.get(tx, member.id, number)
            if goal is None:
                raise UserError(messages.no_goal(number))
            if goal.done_at is not None:
                return goal, False
            await store.mark_done(tx, goal.id, now)
        return goal, True

    async def communities_with_reminders(self, tx: Transaction, now: datetime) -> set[int]:
        """The communities where `due_reminders` may find a goal now (some of them may not:
        this looks at the goals only)."""
        return await store.communities_with_open_due(tx, _around(now))

    async def due_reminders(
        self, tx: Transaction, community_id: int, now: datetime
    ) -> list[tuple[Member, Goal]]:
        """Open goals due today on their member's clock, from 09:00 there, of active members
        who take reminders and are not paused."""
        days = _around(now)
        candidates = await store.open_due(tx, community_id, days)
        if not candidates:
            return []
        owners = {m.id: m for m in await self._members.active_in(tx, community_id) if m.nudges}
        pauses = await community_pauses(tx, community_id, min(days) - timedelta(days=1))
        due = []
        for goal in candidates:
            member = owners.get(goal.member_id)
            if member is None:
                continue
            wall = local_time(now, member.timezone)
            if goal.due_on != wall.date() or wall.time() < REMIND_FROM:
                continue
            if any(p.covers(wall.date()) for p in pauses.get(member.id, ())):
                continue
            due.append((member, goal))
        return due


def _around(now: datetime) -> set[date]:
    """Every member's today is one of these three days, whatever their time zone."""
    utc_today = now.date()
    return {utc_today - timedelta(days=1), utc_today, utc_today + timedelta(days=1)}
