"""Progress logic: a member's last 26 weeks, hours and phases, and the organizer stats.

Members see their own progress, and another member's when that member is public (organizers
see everyone's). The stats count the community's active members over the last twelve weeks of
its time zone; a member is *at risk* when the two newest weeks that have closed on their own
clock both passed without a check-in, neither being a holiday or a paused week for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.checkins import store as checkins_store
from bot.checkins.model import Checkin
from bot.checkins.service import history
from bot.checkins.streaks import Calendar, Mark, Pause, Streak
from bot.checkins.weeks import WEEK, closes_at, open_week, sunday, weeks_between
from bot.communities.model import Community
from bot.content.provider import ContentProvider
from bot.errors import UserError
from bot.holidays import store as holidays_store
from bot.members import store as members_store
from bot.members.model import Member
from bot.members.service import MemberService
from bot.milestones import store as milestones_store
from bot.milestones.service import PhaseProgress, progress
from bot.pauses import store as pauses_store
from bot.progress import messages, store
from bot.roadmap.service import Standing, standing
from bot.storage.database import Database
from bot.storage.tables import members

WEEKS_SHOWN = 26
STATS_WEEKS = 12


@dataclass(frozen=True, slots=True)
class WeekRow:
    week: date
    mark: Mark | None  # None before the member's first check-in
    hours: int


@dataclass(frozen=True, slots=True)
class Progress:
    member: Member
    own: bool  # the caller is looking at their own progress
    streak: Streak
    weeks: tuple[WeekRow, ...]  # oldest first, ending with the open week
    phases: tuple[PhaseProgress, ...]
    standing: Standing
    pause: Pause | None  # the pause under way
    last: Checkin | None  # the newest check-in

    @property
    def checked(self) -> int:
        return sum(w.mark is Mark.CHECKED for w in self.weeks)

    @property
    def hours(self) -> int:
        return sum(w.hours for w in self.weeks)


@dataclass(frozen=True, slots=True)
class WeekStats:
    week: date
    expected: int  # active members who had joined and were not paused
    checked_in: int
    holiday: bool

    @property
    def rate(self) -> float | None:
        if self.holiday or not self.expected:
            return None
        return min(1.0, self.checked_in / self.expected)


@dataclass(frozen=True, slots=True)
class Stats:
    active: int
    open_week: date
    weeks: tuple[WeekStats, ...]  # oldest first, ending with the open week
    at_risk: tuple[tuple[Member, date | None], ...]  # with their newest check-in week
    never: int  # active members without a single check-in yet


class ProgressService:
    def __init__(self, db: Database, content: ContentProvider, members: MemberService) -> None:
        self._db = db
        self._content = content
        self._members = members

    async def progress(
        self,
        community: Community,
        caller_id: str,
        is_organizer: bool,
        target_id: str | None,
        now: datetime,
    ) -> Progress:
        pack = self._content.for_community(community)
        own = target_id is None or target_id == caller_id
        if own:
            member = await self._members.require(community.id, caller_id)
        else:
            found = await self._members.find(community.id, target_id or "")
            if found is None or not found.active:
                raise UserError(messages.not_a_member())
            if not found.public and not is_organizer:
                raise UserError(messages.private(found))
            member = found
        async with self._db.read() as tx:
            marked, hours = await history(tx, community.id, member, now)
            last = await checkins_store.get(tx, member.id, max(hours)) if hours else None
            done = await milestones_store.completed(tx, member.id)
            pause = next(
                (
                    p
                    for p in await pauses_store.of_member(tx, member.id)
                    if p.covers(member.today(now))
                ),
                None,
            )
        end = open_week(now, member.timezone)
        rows = tuple(
            WeekRow(week, marked.mark(week), hours.get(week, 0))
            for week in weeks_between(end - (WEEKS_SHOWN - 1) * WEEK, end)
        )
        return Progress(
            member=member,
            own=own,
            streak=marked.streak,
            weeks=rows,
            phases=progress(pack, done),
            standing=standing(pack, member, now),
            pause=pause,
            last=last,
        )

    async def stats(self, community: Community, now: datetime) -> Stats:
        end = open_week(now, community.timezone)
        first = end - (STATS_WEEKS - 1) * WEEK
        async with self._db.read() as tx:
            active = await members_store.in_community(tx, community.id, members.c.left_at.is_(None))
            per_week = await store.checkins_per_week(tx, community.id, first)
            last = await store.last_checkins(tx, community.id)
            holidays = await holidays_store.weeks(tx, community.id)
            pauses = await pauses_store.of_community(tx, community.id, first)
        weeks = []
        for week in weeks_between(first, end):
            closing, last_day = closes_at(week, community.timezone), sunday(week)
            expected = sum(
                m.joined_at < closing and not any(p.covers(last_day) for p in pauses.get(m.id, ()))
                for m in active
            )
            weeks.append(WeekStats(week, expected, per_week.get(week, 0), week in holidays))
        at_risk = [
            (m, last.get(m.id))
            for m in active
            if _missed_two(m, last.get(m.id), Calendar(holidays, pauses.get(m.id, ())), now)
        ]
        at_risk.sort(key=lambda pair: (pair[1] or date.min, pair[0].display_name), reverse=True)
        never = sum(m.id not in last for m in active)
        return Stats(len(active), end, tuple(weeks), tuple(at_risk), never)


def _missed_two(member: Member, last: date | None, calendar: Calendar, now: datetime) -> bool:
    """Whether the two newest closed weeks on the member's clock both went without a
    check-in, when neither kept the streak anyway and the member had joined before them."""
    newest_closed = open_week(now, member.timezone) - WEEK
    older = newest_closed - WEEK
    if last is not None and last >= older:
        return False
    if member.today(member.joined_at) > older:
        return False
    return all(calendar.keeps(week) is None for week in (older, newest_closed))
