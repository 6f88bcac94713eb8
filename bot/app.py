"""The composition root of the core: builds the services, the catalogue and the dispatcher
from settings, a clock and a database."""

from __future__ import annotations

from datetime import timedelta

from bot.admin.commands import commands as admin_commands
from bot.challenges.commands import commands as challenge_commands
from bot.challenges.jobs import weekly_challenge
from bot.challenges.service import ChallengeService
from bot.clock import Clock
from bot.commands import Catalogue
from bot.communities.service import CommunityService
from bot.content.loader import default_content_dir
from bot.content.provider import ContentProvider
from bot.deliveries.commands import commands as delivery_commands
from bot.dispatch import Dispatcher
from bot.help.commands import commands as help_commands
from bot.members.commands import commands as member_commands
from bot.members.service import MemberService
from bot.outbox import Drainer, Sender
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
        self.communities = CommunityService(db, clock)
        self.members = MemberService(db, clock)
        self.content = ContentProvider(
            settings.content_dir or default_content_dir(), settings.content_packs_dir
        )
        self.challenges = ChallengeService(db, clock, self.content, self.members)
        self.catalogue = Catalogue(
            (
                *help_commands(lambda: self.catalogue),
                *member_commands(self.members),
                *roadmap_commands(self.content, self.members),
                *challenge_commands(self.challenges, self.communities),
                *admin_commands(self.communities, self.content),
                *delivery_commands(db),
            )
        )
        self.dispatcher = Dispatcher(self.catalogue, self.communities, clock)
        self.scheduler = Scheduler(
            db,
            clock,
            jobs=[
                weekly_challenge(self.challenges),
            ],
            catchup=timedelta(hours=settings.catchup_hours),
        )
        self._drainers: list[Drainer] = []

    def drainer(self, sender: Sender) -> Drainer:
        """The outbox drainer for one platform's sender; `wake_senders` wakes it."""
        drainer = Drainer(self.db, self.clock, sender)
        self._drainers.append(drainer)
        return drainer

    def wake_senders(self) -> None:
        """New outbox rows were written in this process: deliver them now."""
        for drainer in self._drainers:
            drainer.wake()

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock) -> Cohort:
        return cls(settings, clock, Database.connect(settings.database_url))

    async def start(self) -> None:
        """Check the built-in content pack (raising ContentError with every problem when it
        is broken), then bring the database up to date."""
        self.content.builtin()
        await migrate.upgrade(self.db)

    async def close(self) -> None:
        await self.db.dispose()
