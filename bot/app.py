"""The composition root of the core: builds the services, the catalogue and the dispatcher
from settings, a clock and a database."""

from __future__ import annotations

from datetime import timedelta

from bot.admin.commands import commands as admin_commands
from bot.challenges.commands import commands as challenge_commands
from bot.challenges.commands import suggester as challenge_suggester
from bot.challenges.jobs import weekly_challenge
from bot.challenges.service import ChallengeService
from bot.checkins.commands import commands as checkin_commands
from bot.clock import Clock
from bot.commands import Autocomplete, Catalogue
from bot.communities.service import CommunityService
from bot.content.loader import default_content_dir
from bot.content.problems import ContentError
from bot.content.provider import ContentProvider
from bot.deliveries.commands import commands as delivery_commands
from bot.digests.addresses import AllowList
from bot.digests.commands import commands as digest_commands
from bot.digests.fetcher import FeedFetcher, FetchLimits, session_factory
from bot.digests.jobs import weekly_digest
from bot.digests.parse import parse_in_thread
from bot.digests.service import DigestService, RefreshReport
from bot.digests.workers import ParseWorkers, default_workers
from bot.dispatch import Dispatcher
from bot.errors import UserError
from bot.fairuse.limits import FairUse, Limits
from bot.goals.commands import commands as goal_commands
from bot.health import Health
from bot.help.commands import commands as help_commands
from bot.holidays.commands import commands as holiday_commands
from bot.leaderboards.commands import commands as leaderboard_commands
from bot.matchups.commands import commands as matchup_commands
from bot.matchups.jobs import matchup_round
from bot.matchups.service import MatchService
from bot.members.commands import commands as member_commands
from bot.members.service import MemberService
from bot.metrics import Metrics
from bot.milestones.commands import commands as milestone_commands
from bot.milestones.commands import suggester as milestone_suggester
from bot.milestones.service import MilestoneService
from bot.nudges.commands import commands as nudge_commands
from bot.nudges.jobs import checkin_prompt, reminders
from bot.outbox import Drainer, Sender
from bot.pauses.commands import commands as pause_commands
from bot.privacy.commands import commands as privacy_commands
from bot.progress.commands import commands as progress_commands
from bot.roadmap.commands import commands as roadmap_commands
from bot.scheduler import Scheduler
from bot.settings import Settings
from bot.storage import migrate
from bot.storage.database import Database


class Cohort:
    """One running core. Adapters hold one and call `dispatcher`; `start` prepares the
    database and `close` releases it."""

    def __init__(self, settings: Settings, clock: Clock, db: Database) -> None:
        self.settings = settings
        self.clock = clock
        self.db = db
        # This core's own registry: two cores in one process (tests) never share a metric.
        self.metrics = Metrics()
        self.health = Health(db)
        self.communities = CommunityService(db, clock)
        self.members = MemberService(db, clock)
        self.content = ContentProvider(
            settings.content_dir or default_content_dir(), settings.content_packs_dir
        )
        self.challenges = ChallengeService(db, clock, self.content, self.members)
        self.matchups = MatchService(db, clock, self.content, self.members)
        fetch_limits = FetchLimits()
        workers = default_workers() if settings.parse_workers is None else settings.parse_workers
        # Started on first use; `cohort run` starts them up front.
        self.parse_workers = ParseWorkers(workers) if workers else None
        self.digests = DigestService(
            db,
            clock,
            self.content,
            FeedFetcher(
                session_factory(fetch_limits, AllowList.parse(settings.feeds_allowed_hosts)),
                fetch_limits,
                clock,
            ),
            self.parse_workers or parse_in_thread,
        )
        self.catalogue = Catalogue(
            (
                *help_commands(lambda: self.catalogue),
                *member_commands(self.members),
                *roadmap_commands(self.content, self.members),
                *checkin_commands(db, self.content, self.members),
                *milestone_commands(db, self.content, self.members),
                *goal_commands(db, self.members),
                *pause_commands(db),
                *nudge_commands(db),
                *leaderboard_commands(db),
                *progress_commands(db, self.content, self.members),
                *privacy_commands(db, self.members),
                *holiday_commands(db),
                *challenge_commands(self.challenges, self.communities),
                *matchup_commands(self.matchups),
                *digest_commands(self.digests),
                *admin_commands(self.communities, self.content),
                *delivery_commands(db),
            )
        )
        limits = Limits(
            member_concurrent=settings.limit_member_concurrent,
            member_per_minute=settings.limit_member_per_minute,
            community_concurrent=settings.limit_community_concurrent,
            community_per_minute=settings.limit_community_per_minute,
        )
        self.dispatcher = Dispatcher(
            self.catalogue, self.communities, clock, self.metrics, FairUse(limits)
        )
        self.dispatcher.add_suggester(
            Autocomplete.MILESTONE, milestone_suggester(db, self.content, self.members)
        )
        self.dispatcher.add_suggester(Autocomplete.CHALLENGE, challenge_suggester(self.challenges))
        self.scheduler = Scheduler(
            db,
            clock,
            jobs=[
                weekly_challenge(self.challenges),
                matchup_round(self.matchups),
                weekly_digest(self.digests),
                checkin_prompt(db),
                reminders(db, clock),
            ],
            catchup=timedelta(hours=settings.catchup_hours),
            metrics=self.metrics,
        )
        self._drainers: list[Drainer] = []

    def drainer(self, sender: Sender) -> Drainer:
        """The outbox drainer for one platform's sender; `wake_senders` wakes it."""
        drainer = Drainer(self.db, self.clock, sender, metrics=self.metrics)
        self._drainers.append(drainer)
        return drainer

    def observe_refresh(self, report: RefreshReport) -> None:
        """Count what one feed refresh did, for /metrics."""
        self.metrics.feed_refresh(report.checked, report.failed, report.disabled, report.new_items)

    def wake_senders(self) -> None:
        """New outbox rows were written in this process: deliver them now."""
        for drainer in self._drainers:
            drainer.wake()

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock) -> Cohort:
        return cls(settings, clock, Database.connect(settings.database_url))

    async def start(self) -> None:
        """Check the built-in content pack (raising ContentError with every problem when it
        is broken), then bring the database up to date, content renames included."""
        self.content.builtin()
        await migrate.upgrade(self.db)
        await self.adopt_renames()

    async def adopt_renames(self) -> None:
        """Move members' ticks and challenge posts made under ids that a community's pack has
        since renamed (declared with `replaces`) to the new ids. Once done it changes nothing,
        so it runs at every start."""
        milestones = MilestoneService(self.db, self.content, self.members)
        for community in await self.communities.all():
            try:
                pack = self.content.for_community(community)
            except (ContentError, UserError):
                continue  # a broken or missing organizer pack is reported where it is used
            await milestones.adopt_renames(community, pack)
            await self.challenges.adopt_renames(community, pack)

    async def close(self) -> None:
        if self.parse_workers is not None:
            await self.parse_workers.close()
        await self.db.dispose()
