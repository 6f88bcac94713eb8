"""Member logic: enrolment, profile changes and leaving, with the rules that keep them sane."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from bot.communities.model import Community
from bot.errors import UserError
from bot.identity import Caller
from bot.members import messages, store
from bot.members.model import Joined, Member, Profile
from bot.replies import Field
from bot.storage.database import Database
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

    @property
    def empty(self) -> bool:
        return all(
            value is None
            for value in (
                self.timezone,
                self.start_date,
                self.weekly_hours,
                self.focus,
                self.public,
            )
        )

    def applied_to(self, profile: Profile) -> Profile:
        """The profile with what was asked changed and the rest kept."""
        return Profile(
            timezone=profile.timezone if self.timezone is None else self.timezone,
            start_date=profile.start_date if self.start_date is None else self.start_date,
            weekly_hours=profile.weekly_hours if self.weekly_hours is None else self.weekly_hours,
            focus=profile.focus if self.focus is None else self.focus,
            public=profile.public if self.public is None else self.public,
        )


async def active_member(tx: Transaction, community_id: int, user_id: str) -> Member:
    """The caller's active membership, read in the caller's transaction, or a message telling
    them how to join."""
    member = await store.get(tx, community_id, user_id)
    if member is None or not member.active:
        raise UserError(messages.NOT_JOINED)
    return member


ProfileSection = Callable[[Transaction, Member, datetime], Awaitable[tuple[Field, ...]]]
"""What a feature built later adds to `profile`: fields about the member, read in the
profile's transaction (the seam that keeps members from importing the features it shows)."""


class MemberService:
    """Members of a community. Methods that take `tx` run inside a caller's transaction, so
    another feature's service or job can read members without touching this store."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._sections: list[ProfileSection] = []

    def add_profile_section(self, section: ProfileSection) -> None:
        """Show `section`'s fields in every member's `profile`, after the member's own."""
        self._sections.append(section)

    async def profile_sections(self, member: Member, now: datetime) -> tuple[Field, ...]:
        """The fields every registered section adds to the member's profile, in order."""
        if not self._sections:
            return ()
        fields: list[Field] = []
        async with self._db.read() as tx:
            for section in self._sections:
                fields.extend(await section(tx, member, now))
        return tuple(fields)

    async def find(self, community_id: int, user_id: str) -> Member | None:
        async with self._db.read() as tx:
            return await store.get(tx, community_id, user_id)

    async def find_in(self, tx: Transaction, community_id: int, user_id: str) -> Member | None:
        """The member (who may have left), read in the caller's transaction."""
        return await store.get(tx, community_id, user_id)

    async def active_in(self, tx: Transaction, community_id: int) -> list[Member]:
        """The community's members who have not left, by id."""
        return await store.listed(tx, community_id, active_only=True)

    async def everyone_in(self, tx: Transaction, community_id: int) -> list[Member]:
        """Every member of the community, those who left included, by id."""
        return await store.listed(tx, community_id, active_only=False)

    async def ranked(
        self, tx: Transaction, community_id: int, scores: sa.Subquery, caller: str, top: int
    ) -> tuple[list[tuple[int, Member, int]], tuple[int, Member, int] | None]:
        """Active members ranked in SQL by a (member_id, score) query of another feature:
        the `top` public ones who scored, and the caller's own (rank, member, score). Ranks
        count the public members and the caller, shared on ties."""
        return await store.ranked(tx, community_id, scores, caller, top)

    async def active_by_ids(
        self, tx: Transaction, community_id: int, ids: Collection[int]
    ) -> list[Member]:
        """The community's active members among these ids, by id."""
        return await store.active_by_ids(tx, community_id, ids) if ids else []

    async def joined_before(
        self, tx: Transaction, community_id: int, instants: Sequence[datetime]
    ) -> list[int]:
        """How many of the community's active members had joined before each instant."""
        return await store.joined_before(tx, community_id, instants)

    async def zones(self, tx: Transaction, community_id: int) -> set[str]:
        """The time zones of the community's active members."""
        return await store.zones(tx, community_id)

    async def count_active(self, tx: Transaction, community_id: int) -> int:
        return await store.count_active(tx, community_id)

    async def set_nudges(self, tx: Transaction, member: Member, on: bool) -> None:
        """Whether the member gets reminders by direct message."""
        await store.set_nudges(tx, member.id, on)

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

    async def reminded_zones(self, tx: Transaction, community_ids: Sequence[int]) -> set[str]:
        """The time zones of these communities' active members who take reminders."""
        return await store.reminded_zones(tx, community_ids)

    async def reminded_in(
        self, tx: Transaction, community_ids: Sequence[int], zones: Collection[str]
    ) -> list[Member]:
        """These communities' active members who take reminders in one of these time zones,
        by id."""
        return await store.reminded_in(tx, community_ids, zones) if zones else []

    async def reminded_zones_everywhere(self, tx: Transaction) -> set[str]:
        """The time zones of the active members who take reminders, in every community (a
        sweep's check of where it has work, in one query)."""
        return await store.reminded_zones_everywhere(tx)

    async def reminded_in_zones(self, tx: Transaction, zones: Collection[str]) -> set[int]:
        """The ids of the communities with an active member who takes reminders in one of
        these time zones."""
        return await store.reminded_in_zones(tx, zones) if zones else set()

    async def join(
        self,
        community_id: int,
        caller: Caller,
        default_timezone: str,
        change: ProfileChange,
        now: datetime,
    ) -> tuple[Member, bool]:
        """Enrol the caller, or bring back one who left (their history stays). Returns the
        member and whether they were returning."""
        async with self._db.write() as tx:
            existing = await store.get(tx, community_id, caller.member.user_id)
            if existing is not None and existing.active:
                raise UserError(messages.ALREADY_JOINED)
            if existing is None:
                timezone = change.timezone or default_timezone
                kept = Profile(
                    timezone=timezone,
                    start_date=now.astimezone(ZoneInfo(timezone)).date(),
                    weekly_hours=DEFAULT_WEEKLY_HOURS,
                    focus="",
                    public=True,
                )
            else:
                # A returning member comes back where they were: what they give changes, the
                # rest of the profile (start date, so the journey week too) stays.
                kept = _profile_of(existing)
            profile = change.applied_to(kept)
            if change.start_date is not None:
                _check_start(change.start_date, profile.timezone, now)
            # joined_at is the current membership, so weeks away are not expected
            joined = Joined(display_name=caller.display_name[:100], joined_at=now)
            if existing is None:
                await store.insert(tx, community_id, caller.member.user_id, profile, joined)
            else:
                await store.rewrite(tx, existing.id, profile, joined)
            member = await store.get(tx, community_id, caller.member.user_id)
        if member is None:
            raise RuntimeError("member row missing right after it was written")
        return member, existing is not None

    async def update_profile(
        self, community_id: int, user_id: str, change: ProfileChange, now: datetime
    ) -> Member:
        if change.empty:
            raise UserError(messages.NOTHING_TO_CHANGE)
        async with self._db.write() as tx:
            member = await store.get(tx, community_id, user_id)
            if member is None or not member.active:
                raise UserError(messages.NOT_JOINED)
            if change.start_date is not None:
                _check_start(change.start_date, change.timezone or member.timezone, now)
            await store.rewrite(tx, member.id, change.applied_to(_profile_of(member)))
            updated = await store.get(tx, community_id, user_id)
        if updated is None:
            raise RuntimeError("member row missing right after it was written")
        return updated

    async def leave(self, community_id: int, user_id: str, now: datetime) -> Member:
        async with self._db.write() as tx:
            member = await store.get(tx, community_id, user_id)
            if member is None or not member.active:
                raise UserError(messages.NOT_JOINED)
            await store.set_left(tx, member.id, now)
        return member


def _profile_of(member: Member) -> Profile:
    return Profile(
        timezone=member.timezone,
        start_date=member.start_date,
        weekly_hours=member.weekly_hours,
        focus=member.focus,
        public=member.public,
    )


def _check_start(start: date, timezone: str, now: datetime) -> None:
    today = now.astimezone(ZoneInfo(timezone)).date()
    if start > today + MAX_START_AHEAD:
        raise UserError(messages.start_too_late(today + MAX_START_AHEAD))
    if start < today - MAX_START_BEHIND:
        raise UserError(messages.start_too_early(today - MAX_START_BEHIND))
