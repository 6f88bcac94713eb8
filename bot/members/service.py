"""Member logic: enrolment, profile changes and leaving, with the rules that keep them sane."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.communities.model import Community
from bot.errors import UserError
from bot.identity import Caller
from bot.members import messages, store
from bot.members.model import Member
from bot.storage.database import Database
from bot.storage.tables import members
from bot.storage.transaction import Transaction

DEFAULT_WEEKLY_HOURS = 5
MAX_START_AHEAD = timedelta(days=90)
MAX_START_BEHIND = timedelta(days=5 * 365)


@dataclass(frozen=True, slots=True)
class ProfileChange:
    """What a member asked to change; None leaves a value as it is."""

    timezone: str | None = None
    start_date: date | None = None
    weekly_hours: int | None = None
    focus: str | None = None
    public: bool | None = None

    def values(self) -> dict[str, object]:
        fields = {
            "timezone": self.timezone,
            "start_date": self.start_date,
            "weekly_hours": self.weekly_hours,
            "focus": self.focus,
            "public": self.public,
        }
        return {k: v for k, v in fields.items() if v is not None}


async def active_member(tx: Transaction, community_id: int, user_id: str) -> Member:
    """The caller's active membership, read in the caller's transaction, or a message telling
    them how to join."""
    member = await store.get(tx, community_id, user_id)
    if member is None or not member.active:
        raise UserError(messages.NOT_JOINED)
    return member


class MemberService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self._db = db
        self._clock = clock

    async def find(self, community_id: int, user_id: str) -> Member | None:
        async with self._db.read() as tx:
            return await store.get(tx, community_id, user_id)

    async def active_in(self, tx: Transaction, community_id: int) -> list[Member]:
        """The community's members who have not left, in the caller's transaction."""
        return await store.in_community(tx, community_id, members.c.left_at.is_(None))

    async def zone_of(self, community: Community, user_id: str) -> str:
        """The time zone a user reads times in: their own, or else the community's."""
        member = await self.find(community.id, user_id)
        return community.timezone if member is None else member.timezone

    async def require(self, community_id: int, user_id: str) -> Member:
        """The caller's active membership, or a message telling them how to join."""
        member = await self.find(community_id, user_id)
        if member is None or not member.active:
            raise UserError(messages.NOT_JOINED)
        return member

    async def join(
        self, community_id: int, caller: Caller, default_timezone: str, change: ProfileChange
    ) -> tuple[Member, bool]:
        """Enrol the caller, or bring back one who left (their history stays). Returns the
        member and whether they were returning."""
        now = self._clock.now()
        async with self._db.write() as tx:
            existing = await store.get(tx, community_id, caller.member.user_id)
            if existing is not None and existing.active:
                raise UserError(messages.ALREADY_JOINED)
            if existing is None:
                timezone = change.timezone or default_timezone
                kept = {
                    "timezone": timezone,
                    "start_date": now.astimezone(ZoneInfo(timezone)).date(),
                    "weekly_hours": DEFAULT_WEEKLY_HOURS,
                    "focus": "",
                    "public": True,
                }
            else:
                # A returning member comes back where they were: what they give changes, the
                # rest of the profile (start date, so the journey week too) stays.
                kept = {
                    "timezone": existing.timezone,
                    "start_date": existing.start_date,
                    "weekly_hours": existing.weekly_hours,
                    "focus": existing.focus,
                    "public": existing.public,
                }
            values = {**kept, **change.values()}
            if change.start_date is not None:
                self._check_start(change.start_date, str(values["timezone"]))
            values |= {
                "display_name": caller.display_name[:100],
                "joined_at": now,  # the current membership, so weeks away are not expected
                "left_at": None,
            }
            if existing is None:
                await store.insert(
                    tx, community_id=community_id, user_id=caller.member.user_id, **values
                )
            else:
                await store.update(tx, existing.id, **values)
            member = await store.get(tx, community_id, caller.member.user_id)
        if member is None:
            raise RuntimeError("member row missing right after it was written")
        return member, existing is not None

    async def update_profile(
        self, community_id: int, user_id: str, change: ProfileChange
    ) -> Member:
        values = change.values()
        if not values:
            raise UserError(messages.NOTHING_TO_CHANGE)
        async with self._db.write() as tx:
            member = await store.get(tx, community_id, user_id)
            if member is None or not member.active:
                raise UserError(messages.NOT_JOINED)
            if change.start_date is not None:
                self._check_start(change.start_date, change.timezone or member.timezone)
            await store.update(tx, member.id, **values)
            updated = await store.get(tx, community_id, user_id)
        if updated is None:
            raise RuntimeError("member row missing right after it was written")
        return updated

    async def leave(self, community_id: int, user_id: str) -> Member:
        async with self._db.write() as tx:
            member = await store.get(tx, community_id, user_id)
            if member is None or not member.active:
                raise UserError(messages.NOT_JOINED)
            await store.update(tx, member.id, left_at=self._clock.now())
        return member

    def _check_start(self, start: date, timezone: str) -> None:
        today = self._clock.now().astimezone(ZoneInfo(timezone)).date()
        if start > today + MAX_START_AHEAD:
            raise UserError(messages.start_too_late(today + MAX_START_AHEAD))
        if start < today - MAX_START_BEHIND:
            raise UserError(messages.start_too_early(today - MAX_START_BEHIND))
