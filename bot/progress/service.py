"""Progress logic: a member's last 26 weeks, hours and phases, and the organizer stats.

Members see their own progress, and another member's when that member is public (organizers
see everyone's). The stats count the community's active members over the last twelve weeks of
its time zone; a member is *at risk* when the two newest weeks that have closed on their own
clock both passed without a check-in, neither being a holiday or a paused week for them.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import date, datetime

from bot.checkins.service import CheckinService
from bot.checkins.streaks import Calendar
from bot.communities.model import Community
from bot.content.provider import ContentProvider
from bot.errors import UserError
from bot.holidays.calendar import holiday_weeks
from bot.members.model import Member
from bot.members.service import MemberService
from bot.milestones.service import progress
from bot.milestones.ticks import ticked
from bot.pauses.calendar import community_pauses, member_pauses
from bot.pauses.model import Pause
from bot.progress import messages
from bot.progress.model import Progress, Stats, WeekRow, WeekStats
from bot.roadmap.service import standing
from bot.storage.database import Database
from bot.weeks import WEEK, closes_at, open_week, sunday, weeks_between

WEEKS_SHOWN = 26
STATS_WEEKS = 12


class ProgressService:
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
            marked, hours = await self._checkins.history(tx, community.id, member, now)
            last = (
                await self._checkins.checkin_of_week(tx, member.id, max(hours)) if hours else None
            )
            done = await ticked(tx, member.id)
            today = member.today(now)
            pause = next((p for p in await member_pauses(tx, member.id) if p.covers(today)), None)
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
            active = await self._members.active_in(tx, community.id)
            per_week = await self._checkins.per_week(tx, community.id, first)
            last = await self._checkins.last_weeks(tx, community.id)
            holidays = await holiday_weeks(tx, community.id)
            pauses = await community_pauses(tx, community.id, first)
        weeks = week_stats(
            weeks_between(first, end), community.timezone, active, per_week, holidays, pauses
        )
        at_risk = [
            (m, last.get(m.id))
            for m in active
            if missed_two(m, last.get(m.id), Calendar(holidays, pauses.get(m.id, ())), now)
        ]
        at_risk.sort(key=lambda pair: (pair[1] or date.min, pair[0].display_name), reverse=True)
        never = sum(m.id not in last for m in active)
        return Stats(len(active), end, weeks, tuple(at_risk), never)


def week_stats(
    weeks: Iterable[date],
    timezone: str,
    active: Sequence[Member],
    per_week: Mapping[date, int],
    holidays: Collection[date],
    pauses: Mapping[int, tuple[Pause, ...]],
) -> tuple[WeekStats, ...]:
    """Each week's members expected to check in (active, joined before the week closed on the
    community's clock, not paused on its Sunday) against those who did."""
    found = []
    for week in weeks:
        closing, last_day = closes_at(week, timezone), sunday(week)
        expected = sum(
            m.joined_at < closing and not any(p.covers(last_day) for p in pauses.get(m.id, ()))
            for m in active
        )
        found.append(WeekStats(week, expected, per_week.get(week, 0), week in holidays))
    return tuple(found)


def missed_two(member: Member, last: date | None, calendar: Calendar, now: datetime) -> bool:
    """Whether the two newest closed weeks on the member's clock both went without a
    check-in, when neither kept the streak anyway and the member had joined before them."""
    newest_closed = open_week(now, member.timezone) - WEEK
    older = newest_closed - WEEK
    if last is not None and last >= older:
        return False
    if member.today(member.joined_at) > older:
        return False
    return all(calendar.keeps(week) is None for week in (older, newest_closed))
