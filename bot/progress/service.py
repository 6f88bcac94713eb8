"""Progress logic: a member's last 26 weeks, hours and phases, and the organizer stats.

Members see their own progress, and another member's when that member is public (organizers
see everyone's). The stats count the community's active members over the last twelve weeks of
its time zone (from SQL counts and the check-ins' kept totals); a member is *at risk* when the
two newest weeks that have closed on their own clock both passed without a check-in, neither
being a holiday or a paused week for them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
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
from bot.progress import messages
from bot.progress.model import Progress, Stats, WeekRow, WeekStats
from bot.replies import Field
from bot.roadmap.service import standing
from bot.storage.database import Database
from bot.storage.transaction import Transaction
from bot.weeks import WEEK, closes_at, open_week, sunday, weeks_between

WEEKS_SHOWN = 26
STATS_WEEKS = 12
StatsSection = Callable[[Transaction, Community, date], Awaitable[tuple[Field, ...]]]
"""Fields a feature adds to `stats`, read in its transaction, about the weeks from a Monday."""
CardLine = Callable[[Transaction, Member, datetime], Awaitable[str | None]]
"""A line a feature adds under a member's progress figures (None: nothing to say)."""


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
        self._stats_sections: list[StatsSection] = []
        self._card_lines: list[CardLine] = []
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
            lines = [await line(tx, member, now) for line in self._card_lines]
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
            notes=tuple(line for line in lines if line),
        )

    def add_card_line(self, line: CardLine) -> None:
        """Show `line` on the progress card and in its text, under the figures: the seam
        through which a feature built later (helpers) shows what a member earned there."""
        self._card_lines.append(line)

    def add_stats(self, section: StatsSection) -> None:
        """Show `section`'s fields in `stats`, after the check-in figures: the seam through
        which a feature built later (helpers) shows organizers its counts."""
        self._stats_sections.append(section)

    async def stats(self, community: Community, now: datetime) -> Stats:
        """Answered from counts in SQL and the check-ins' kept totals: only the few members
        who might be at risk or paused are read whole."""
        end = open_week(now, community.timezone)
        first = end - (STATS_WEEKS - 1) * WEEK
        async with self._db.read() as tx:
            active = await self._members.count_active(tx, community.id)
            zones = await self._members.zones(tx, community.id)
            # Two closed weeks without a check-in: the newest check-in is older than both.
            cutoffs = {zone: open_week(now, zone) - 2 * WEEK for zone in zones}
            last = await self._checkins.last_weeks_before(tx, community.id, cutoffs)
            holidays = await holiday_weeks(tx, community.id)
            pauses = await community_pauses(tx, community.id, first)
            read = await self._members.active_by_ids(tx, community.id, set(last))
            weeks = await self.week_stats(tx, community, first, end)
            more = [
                f for section in self._stats_sections for f in await section(tx, community, first)
            ]
        by_id = {m.id: m for m in read}
        at_risk = [
            (by_id[member_id], week)
            for member_id, week in last.items()
            if member_id in by_id
            and missed_two(
                by_id[member_id], week, Calendar(holidays, pauses.get(member_id, ())), now
            )
        ]
        at_risk.sort(key=lambda pair: (pair[1] or date.min, pair[0].display_name), reverse=True)
        never = sum(week is None for week in last.values())
        return Stats(active, end, weeks, tuple(at_risk), never, tuple(more))

    async def week_stats(
        self, tx: Transaction, community: Community, first: date, end: date
    ) -> tuple[WeekStats, ...]:
        """Each week from `first` to `end`: the members expected to check in (active, joined
        before the week closed on the community's clock, not paused on its Sunday) against
        those who did; from counts in SQL, reading only the paused members whole."""
        shown = list(weeks_between(first, end))
        closing = [closes_at(week, community.timezone) for week in shown]
        joined = await self._members.joined_before(tx, community.id, closing)
        per_week = await self._checkins.per_week(tx, community.id, first)
        holidays = await holiday_weeks(tx, community.id)
        pauses = await community_pauses(tx, community.id, first)
        paused = await self._members.active_by_ids(tx, community.id, set(pauses))
        found = []
        for week, closes, count in zip(shown, closing, joined, strict=True):
            last_day = sunday(week)
            away = sum(
                m.joined_at < closes and any(p.covers(last_day) for p in pauses[m.id])
                for m in paused
            )
            found.append(WeekStats(week, count - away, per_week.get(week, 0), week in holidays))
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
