"""The weekly organizer report: reading every section through the other features' services in
one transaction, posting it to the organizers' channel, and the nudge its buttons send.

The report is about the newest week that has ended on the community's clock
(:func:`bot.reports.figures.report_week`), compared with the week before it. It goes only to
the community's reports channel, and never when that channel also carries a public post. It
is queued once per report week (key `report:<community>:<week>`), whatever day it runs on; a
nudge goes to a member at most once per report week (key `report-nudge:<community>:<member>:
<week>`), never to one who left, turned nudges off or is paused.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot import pictures
from bot.challenges.service import ChallengeService
from bot.checkins.service import CheckinService
from bot.communities.model import Community, Purpose, Schedule
from bot.communities.service import CommunityService
from bot.content.provider import ContentProvider
from bot.errors import UserError
from bot.helpers.service import HelperService
from bot.helpers.topics import Vocabulary
from bot.holidays.calendar import holiday_weeks
from bot.matchups.service import MatchService
from bot.members.service import MemberService
from bot.milestones.service import MilestoneService
from bot.outbox import Post, Target, enqueue
from bot.pauses.service import PauseService
from bot.progress.service import ProgressService
from bot.reports import chart, figures, messages
from bot.reports.model import Nudged, Reviews, Week
from bot.reports.model import Report as ReportData
from bot.roadmap.service import standing
from bot.storage.database import Database
from bot.storage.transaction import Transaction
from bot.weeks import WEEK, week_key, weeks_between

RATE_WEEKS = 9
"""The report's week and the eight before it, in the chart."""
BREAK = timedelta(weeks=2)
"""The break a nudge suggests, when a member would rather pause."""


def reports_channel(community: Community) -> str | None:
    """Where the report goes: the reports channel, unless none is set or it is also the
    channel of a public post (then the report is not posted at all)."""
    channel = community.channels.get(Purpose.REPORTS)
    public = {c for p, c in community.channels.items() if p is not Purpose.REPORTS}
    return None if channel is None or channel in public else channel


class ReportService:
    def __init__(
        self,
        db: Database,
        content: ContentProvider,
        communities: CommunityService,
        members: MemberService,
        checkins: CheckinService,
        pauses: PauseService,
        milestones: MilestoneService,
        challenges: ChallengeService,
        matchups: MatchService,
        progress: ProgressService,
        helpers: HelperService,
    ) -> None:
        self._db = db
        self._content = content
        self._communities = communities
        self._members = members
        self._checkins = checkins
        self._pauses = pauses
        self._milestones = milestones
        self._challenges = challenges
        self._matchups = matchups
        self._progress = progress
        self._helpers = helpers

    async def preview(self, community: Community, now: datetime) -> ReportData:
        """The report as it would be posted now."""
        async with self._db.read() as tx:
            return await self.build(tx, community, now)

    async def build(
        self, tx: Transaction, community: Community, now: datetime, late: bool = False
    ) -> ReportData:
        """Every section of the report made at `now`, read in the caller's transaction."""
        zone = community.timezone
        monday = figures.report_week(now, zone)
        first = monday - (RATE_WEEKS - 1) * WEEK
        everyone = await self._members.everyone_in(tx, community.id)
        active = [m for m in everyone if m.active]
        holidays = await holiday_weeks(tx, community.id)
        pauses = await self._pauses.of_community(tx, community.id, first - WEEK)
        rates = await self._progress.week_stats(tx, community, first, monday)
        recent = set(weeks_between(monday - 3 * WEEK, monday + WEEK))
        checked = await self._checkins.checked_in(tx, community.id, recent)
        last = await self._checkins.last_weeks(tx, community.id)
        streaks = await self._checkins.streaks_now(tx, active, now)
        risky = figures.at_risk(active, last, streaks, checked, holidays, pauses, now)
        before = figures.missed_before(active, checked, holidays, pauses, now - WEEK)
        still = {a.member.id for a in risky}
        pack = self._content.for_community(community)
        vocabulary = Vocabulary.from_pack(pack)
        done = await self._milestones.completed_in(tx, community.id)
        since, _ = figures.bounds(monday - WEEK, zone)
        ticks = await self._milestones.completed_between(tx, community.id, since, now)
        weeks = []
        for week in (monday, monday - WEEK):
            start, end = figures.bounds(week, zone)
            submitted = await self._challenges.submitted_between(tx, community.id, start, end)
            texts = await self._checkins.blockers_of_week(tx, community.id, week)
            weeks.append(
                Week(
                    monday=week,
                    headcount=figures.headcount(everyone, pauses, week, zone),
                    blockers=figures.blockers(texts, vocabulary),
                    reviews=Reviews(len(submitted), tuple(s for s in submitted if not s.reviews)),
                    matchups=await self._matchups.outcome(tx, community.id, week),
                    finished=figures.finished(pack, ticks, done, start, end),
                    helping=await self._helpers.counts(tx, community.id, week, week + WEEK),
                )
            )
        return ReportData(
            this=weeks[0],
            before=weeks[1],
            rates=rates,
            at_risk=risky,
            at_risk_before=len(before),
            back=len(before - still),
            late=late,
        )

    async def weekly_post(
        self, tx: Transaction, community: Community, now: datetime, late: bool
    ) -> Post | None:
        """The week's report for the reports channel, its chart drawn (read in the caller's
        transaction, not queued); None when there is no private channel for it."""
        channel = reports_channel(community)
        if channel is None:
            return None
        report = await self.build(tx, community, now, late)
        # The figures matter more than the picture: without a chart when it cannot be drawn.
        drawn = await pictures.draw(chart.report_chart, report.rates)
        return Post(
            f"report:{community.id}:{week_key(report.this.monday)}",
            Target.channel(channel),
            messages.report(report, drawn, private=False),
        )

    async def nudge(self, community: Community, user_id: str, now: datetime) -> Nudged:
        """Send a member a kind word from the organizers, once per report week."""
        pack = self._content.for_community(community)
        monday = figures.report_week(now, community.timezone)
        async with self._db.write() as tx:
            member = await self._members.find_in(tx, community.id, user_id)
            if member is None or not member.active:
                raise UserError(messages.NOT_A_MEMBER)
            if not member.nudges:
                raise UserError(messages.opted_out(member))
            today = member.today(now)
            pause = await self._pauses.upcoming(tx, member.id, today)
            if pause is not None and pause.covers(today):
                raise UserError(messages.paused(member, pause.ends_on))
            streak = (await self._checkins.streaks_now(tx, [member], now))[member.id]
            queued = await enqueue(
                tx,
                community=community,
                key=f"report-nudge:{community.id}:{member.id}:{week_key(monday)}",
                target=Target.direct(member.user_id),
                reply=messages.nudge(member, streak, standing(pack, member, now), today + BREAK),
                now=now,
            )
        return Nudged(member, queued)

    async def configure(
        self, community: Community, channel: str | None, day: int | None, at: str | None
    ) -> Community:
        """Choose the reports channel and the report's day and time; a channel that carries a
        public post is refused."""
        if channel is not None:
            public = {p for p, c in community.channels.items() if c == channel}
            public.discard(Purpose.REPORTS)
            if public:
                raise UserError(messages.public_channel(channel, sorted(public)))
        schedules = []
        if day is not None or at is not None:
            current = community.schedule(Purpose.REPORTS)
            schedules.append(
                Schedule(
                    Purpose.REPORTS,
                    current.weekday if day is None else day,
                    at or current.local_time,
                )
            )
        return await self._communities.configure(
            community,
            channels={} if channel is None else {Purpose.REPORTS: channel},
            schedules=schedules,
        )
