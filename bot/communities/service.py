"""Community logic: resolving the caller's community and deciding who organizes it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from datetime import datetime

from bot.communities import store
from bot.communities.model import Community, Purpose, Schedule
from bot.identity import Caller, CommunityRef
from bot.storage.database import Database
from bot.storage.transaction import Transaction


class CommunityService:
    def __init__(self, db: Database) -> None:
        self._db = db
        self._version = 0

    @property
    def version(self) -> int:
        """A number that changes whenever this process changes a community (its settings,
        channels, schedules, pause), so the scheduler knows when to read them again."""
        return self._version

    @contextlib.asynccontextmanager
    async def _write(self) -> AsyncIterator[Transaction]:
        try:
            async with self._db.write() as tx:
                yield tx
        finally:
            self._version += 1  # after the commit, so a reader never caches the old state

    async def resolve(self, ref: CommunityRef, now: datetime) -> Community:
        """The community, created with defaults the first time anyone uses Cohort there, at
        `now` (the time of the command)."""
        async with self._db.read() as tx:
            community_id = await store.find(tx, ref)
            if community_id is not None:
                return await store.load(tx, community_id)
        async with self._write() as tx:
            community_id = await store.ensure(tx, ref, now)
            return await store.load(tx, community_id)

    async def pause(self, ref: CommunityRef, now: datetime) -> None:
        """The platform took Cohort out of the community (its app was uninstalled, its tokens
        revoked): nothing is deleted, and the outbox holds the community's posts until
        `resume`."""
        async with self._write() as tx:
            await store.set_paused(tx, await store.ensure(tx, ref, now), now)

    async def resume(self, ref: CommunityRef, now: datetime) -> None:
        """Cohort is back in the community (installed again): its held posts go out."""
        async with self._write() as tx:
            await store.set_paused(tx, await store.ensure(tx, ref, now), None)

    async def paused_since(self, ref: CommunityRef) -> datetime | None:
        """When the community was paused, or None while it is not (or does not exist)."""
        async with self._db.read() as tx:
            community_id = await store.find(tx, ref)
            return None if community_id is None else await store.paused_at(tx, community_id)

    async def get(self, community_id: int) -> Community:
        async with self._db.read() as tx:
            return await store.load(tx, community_id)

    async def get_in(self, tx: Transaction, community_id: int) -> Community:
        """The community, read in the caller's transaction (a job composing several reads)."""
        return await store.load(tx, community_id)

    async def all(self) -> list[Community]:
        async with self._db.read() as tx:
            return await store.load_all(tx)

    async def for_caller(self, caller: Caller, now: datetime) -> tuple[Community, bool]:
        """The caller's community and whether they organize it, in one read once the
        community exists: every command starts here. Organizers are the platform's admins
        and the members an organizer named."""
        async with self._db.read() as tx:
            community_id = await store.find(tx, caller.member.community)
            if community_id is not None:
                community = await store.load(tx, community_id)
                return community, await self._organizes(tx, community, caller)
        community = await self.resolve(caller.member.community, now)  # first use: create it
        return community, caller.is_platform_admin

    @staticmethod
    async def _organizes(tx: Transaction, community: Community, caller: Caller) -> bool:
        if caller.is_platform_admin:
            return True
        return await store.is_organizer(tx, community.id, caller.member.user_id)

    async def add_organizer(
        self, community: Community, user_id: str, added_by: str, now: datetime
    ) -> bool:
        async with self._write() as tx:
            return await store.add_organizer(tx, community.id, user_id, added_by, now)

    async def remove_organizer(self, community: Community, user_id: str) -> bool:
        async with self._write() as tx:
            return await store.remove_organizer(tx, community.id, user_id)

    async def organizers(self, community: Community) -> list[str]:
        async with self._db.read() as tx:
            return await store.list_organizers(tx, community.id)

    async def organizers_in(self, tx: Transaction, community_id: int) -> list[str]:
        """The user ids of the community's named organizers, in the caller's transaction."""
        return await store.list_organizers(tx, community_id)

    async def configure(
        self,
        community: Community,
        *,
        timezone: str | None = None,
        content_dir: str | None = None,
        challenge_track: str | None = None,
        channels: dict[Purpose, str] | None = None,
        schedules: Sequence[Schedule] = (),
    ) -> Community:
        """Apply an organizer's settings in one transaction and return the new state."""
        async with self._write() as tx:
            await store.update(
                tx,
                community.id,
                timezone=timezone,
                content_dir=content_dir,
                challenge_track=challenge_track,
            )
            for purpose, channel_id in (channels or {}).items():
                await store.set_channel(tx, community.id, purpose, channel_id)
            for schedule in schedules:
                await store.set_schedule(tx, community.id, schedule)
            return await store.load(tx, community.id)
