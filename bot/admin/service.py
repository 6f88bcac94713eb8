"""Guided setup: what the checklist needs to know, the built-in feeds, and the welcome post
when Cohort arrives in a new server or workspace."""

from __future__ import annotations

from datetime import datetime

from bot.admin import messages
from bot.admin.model import SetupState
from bot.challenges.service import TRACKS
from bot.communities.model import Community
from bot.communities.service import CommunityService
from bot.digests.service import DigestService
from bot.identity import CommunityRef
from bot.members.service import MemberService
from bot.outbox import Target, enqueue
from bot.storage.database import Database


class SetupService:
    def __init__(
        self,
        db: Database,
        communities: CommunityService,
        members: MemberService,
        digests: DigestService,
    ) -> None:
        self._db = db
        self.communities = communities
        self._members = members
        self._digests = digests

    async def state(self, community: Community, user_id: str | None) -> SetupState:
        """The community as the checklist shows it; `user_id` is the organizer looking, whose
        profile time zone is suggested."""
        feeds, _ = await self._digests.feeds.feeds(community)
        member = await self._members.find(community.id, user_id) if user_id else None
        return SetupState(
            community=community,
            organizers=tuple(await self.communities.organizers(community)),
            feeds=sum(1 for f in feeds if f.enabled),
            builtin_feeds=sum(1 for f in feeds if f.enabled and f.default_id),
            profile_timezone=member.timezone if member and member.active else None,
            tracks=TRACKS,
        )

    async def builtin_feeds(self, community: Community, on: bool, by: str, now: datetime) -> str:
        """Follow or drop the content pack's feeds; what changed, in words."""
        added, other = await self._digests.feeds.use_defaults(community, on, by, now)
        return messages.feeds_changed(on, len(added), other)

    async def welcome(self, ref: CommunityRef, channel_id: str, now: datetime) -> bool:
        """Post the guided setup in `channel_id` the first time Cohort arrives in a community
        (the key makes it once per community, however often the platform says so). False when
        it was posted before."""
        community = await self.communities.resolve(ref, now)
        reply = messages.welcome(await self.state(community, None), channel_id)
        async with self._db.write() as tx:
            return await enqueue(
                tx,
                community=community,
                key=f"setup-welcome:{community.id}",
                target=Target.channel(channel_id),
                reply=reply,
                now=now,
            )
