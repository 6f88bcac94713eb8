"""The composition root of the core: builds the services, the catalogue and the dispatcher
from settings, a clock and a database."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.admin.service import SetupService
from bot.challenges.service import ChallengeService
from bot.clock import Clock
from bot.commands import Catalogue
from bot.communities.service import CommunityService
from bot.content.loader import default_content_dir
from bot.content.problems import ContentError
from bot.content.provider import ContentProvider
from bot.digests.model import RefreshReport
from bot.digests.service import DigestService
from bot.digests.workers import ParseWorkers
from bot.dispatch import Dispatcher
from bot.errors import UserError
from bot.fairuse.limits import FairUse, Limits
from bot.feature import Feature, Services, Shared
from bot.features import FEATURES
from bot.health import Health
from bot.identity import CommunityRef
from bot.jobs import Job
from bot.matchups.service import MatchService
from bot.members.service import MemberService
from bot.metrics import Metrics
from bot.milestones.service import MilestoneService
from bot.outbox import Drainer, RetryPolicy, Sender
from bot.outbox.service import OutboxService
from bot.roadmap.fit import check_views
from bot.scheduler import Scheduler
from bot.settings import Settings
from bot.storage import migrate
from bot.storage.database import Database

# What every content pack is checked for besides its own rules: each view fits a message.
PACK_CHECKS = (check_views,)


class Cohort:
    """One running core. Adapters hold one and call `dispatcher`; `start` prepares the
    database and `close` releases it."""

    def __init__(
        self,
        settings: Settings,
        clock: Clock,
        db: Database,
        features: tuple[Feature[Any], ...] = FEATURES,
    ) -> None:
        self.settings = settings
        self.clock = clock
        self.db = db
        # This core's own registry: two cores in one process (tests) never share a metric.
        self.metrics = Metrics()
        self.health = Health(db)
        self.content = ContentProvider(
            settings.content_dir or default_content_dir(),
            settings.content_packs_dir,
            checks=PACK_CHECKS,
        )
        self.services = Services(Shared(settings, clock, db, self.content, lambda: self.catalogue))
        built: list[tuple[Feature[Any], Any]] = []
        for feature in features:
            service = feature.build(self.services.shared, self.services)
            self.services.add(service)
            if feature.member_data is not None:
                self.services.add_member_data(feature.member_data(service), feature.name)
            built.append((feature, service))
        self.catalogue = Catalogue(
            tuple(
                command
                for feature, service in built
                for command in feature.commands(service, self.services)
            )
        )
        self.communities = self.services.get(CommunityService)
        self.members = self.services.get(MemberService)
        self.challenges = self.services.get(ChallengeService)
        self.matchups = self.services.get(MatchService)
        self.digests = self.services.get(DigestService)
        self.outbox = self.services.get(OutboxService)
        self.setup = self.services.get(SetupService)
        limits = Limits(
            member_concurrent=settings.limit_member_concurrent,
            member_per_minute=settings.limit_member_per_minute,
            community_concurrent=settings.limit_community_concurrent,
            community_per_minute=settings.limit_community_per_minute,
        )
        self.dispatcher = Dispatcher(
            self.catalogue, self.communities, clock, self.metrics, FairUse(limits)
        )
        self.dispatcher.on_arrival(self._welcome)
        jobs: list[Job] = []
        for feature, service in built:
            for source, suggest in feature.suggesters(service).items():
                self.dispatcher.add_suggester(source, suggest)
            jobs.extend(feature.jobs(service, self.services))
        self.scheduler = Scheduler(
            db,
            clock,
            jobs=jobs,
            catchup=timedelta(hours=settings.catchup_hours),
            communities=self.communities.all,
            metrics=self.metrics,
            version=lambda: self.communities.version,
        )
        self._drainers: list[Drainer] = []

    @property
    def parse_workers(self) -> ParseWorkers | None:
        """The feed-parsing worker processes, when the settings ask for any."""
        parse = self.digests.parse
        return parse if isinstance(parse, ParseWorkers) else None

    def drainer(self, sender: Sender) -> Drainer:
        """The outbox drainer for one platform's sender; `wake_senders` wakes it."""
        drainer = Drainer(
            self.db,
            self.clock,
            sender,
            RetryPolicy(lease=self.settings.outbox_lease_seconds),
            metrics=self.metrics,
            retention=timedelta(days=self.settings.outbox_retention_days),
        )
        self._drainers.append(drainer)
        return drainer

    def observe_refresh(self, report: RefreshReport) -> None:
        """Count what one feed refresh did, for /metrics."""
        self.metrics.feed_refresh(report.checked, report.failed, report.disabled, report.new_items)

    async def _welcome(self, community: CommunityRef, channel_id: str, now: datetime) -> None:
        """Cohort was added to a server or workspace: post the guided setup in `channel_id`,
        once per community, however often the platform reports the arrival."""
        if await self.setup.welcome(community, channel_id, now):
            self.wake_senders()

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
        milestones = self.services.get(MilestoneService)
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
