"""The digests feature's services, wired together: following feeds (`FeedService`),
refreshing them (`RefreshService`) and building digests (`DigestBuilder`). Each takes what it
needs in its constructor; :func:`digest_service` builds all three from shared dependencies."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime

from bot.communities.service import CommunityService
from bot.content.provider import ContentProvider
from bot.digests.building import DigestBuilder
from bot.digests.fetcher import FeedFetcher
from bot.digests.following import FeedService
from bot.digests.model import Policy, RefreshReport
from bot.digests.parse import Parse
from bot.digests.refreshing import RefreshService
from bot.members.service import MemberService
from bot.storage.database import Database


@dataclass(frozen=True, slots=True)
class DigestService:
    """The three services of the feature, as the composition root and the commands see it."""

    feeds: FeedService
    refreshing: RefreshService
    building: DigestBuilder

    @property
    def parse(self) -> Parse:
        """How documents are parsed: worker processes the bot starts and stops, or a thread."""
        return self.refreshing.parse

    async def refresh(self, now: datetime) -> RefreshReport:
        """Check every due feed (see :meth:`RefreshService.refresh`)."""
        return await self.refreshing.refresh(now)


def digest_service(
    db: Database,
    content: ContentProvider,
    communities: CommunityService,
    members: MemberService,
    fetcher: FeedFetcher,
    parse: Parse,
    policy: Policy | None = None,
) -> DigestService:
    """The feature's services sharing one write lock: on SQLite, concurrent BEGIN IMMEDIATEs
    from one process would only queue up on the busy timeout."""
    policy = policy or Policy()
    writing = asyncio.Lock()
    refreshing = RefreshService(db, fetcher, parse, policy, communities, writing)
    return DigestService(
        FeedService(db, content, refreshing, policy, writing),
        refreshing,
        DigestBuilder(db, content, members, refreshing, writing),
    )
