"""Queries for members."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.members.model import Joined, Member, Profile
from bot.storage.chunks import chunks
from bot.storage.tables import members
from bot.storage.transaction import Transaction


def _member(row: sa.Row[Any]) -> Member:
    return Member(
        id=row.id,
        community_id=row.community_id,
        user_id=row.user_id,
        display_name=row.display_name,
        timezone=row.timezone,
        start_date=row.start_date,
        weekly_hours=row.weekly_hours,
        focus=row.focus,
        public=row.public,
        joined_at=row.joined_at,
        left_at=row.left_at,
        nudges=row.nudges,
    )


async def get(tx: Transaction, community_id: int, user_id: str) -> Member | None:
    row = (
        await tx.execute(
            sa.select(members).where(
                members.c.community_id == community_id, members.c.user_id == user_id
            )
        )
    ).one_or_none()
    return None if row is None else _member(row)


async def reminded_zones(tx: Transaction, community_ids: Sequence[int]) -> set[str]:
    """The time zones of these communities' active members who take reminders."""
    found: set[str] = set()
    for chunk in chunks(community_ids):
        rows = await tx.execute(
            sa.select(members.c.timezone)
            .distinct()
            .where(members.c.community_id.in_(chunk), _reminded())
        )
        found.update(r.timezone for r in rows)
    return found


def _reminded() -> sa.ColumnElement[bool]:
    return sa.and_(members.c.left_at.is_(None), members.c.nudges.is_(True))


async def reminded_in(
    tx: Transaction, community_ids: Sequence[int], zones: Collection[str]
) -> list[Member]:
    """The active members of these communities who take reminders in one of these zones,
    by id."""
    found: list[Member] = []
    for chunk in chunks(community_ids):
        query = sa.select(members).where(
            members.c.community_id.in_(chunk), _reminded(), members.c.timezone.in_(list(zones))
        )
        found += [_member(r) for r in await tx.execute(query)]
    return sorted(found, key=lambda m: m.id)


async def reminded_zones_everywhere(tx: Transaction) -> set[str]:
    """The time zones of the active members who take reminders, in every community."""
    rows = await tx.execute(sa.select(members.c.timezone).distinct().where(_reminded()))
    return {r.timezone for r in rows}


async def reminded_in_zones(tx: Transaction, zones: Collection[str]) -> set[int]:
    """The communities with an active member who takes reminders in one of these zones."""
    rows = await tx.execute(
        sa.select(members.c.community_id)
        .distinct()
        .where(_reminded(), members.c.timezone.in_(list(zones)))
    )
    return {r.community_id for r in rows}


async def zones(tx: Transaction, community_id: int) -> set[str]:
    """The time zones of the community's active members."""
    rows = await tx.execute(
        sa.select(members.c.timezone)
        .distinct()
        .where(members.c.community_id == community_id, members.c.left_at.is_(None))
    )
    return {r.timezone for r in rows}


async def listed(tx: Transaction, community_id: int, *, active_only: bool) -> list[Member]:
    """The community's members (only those who have not left, when asked), by id."""
    query = sa.select(members).where(members.c.community_id == community_id)
    if active_only:
        query = query.where(members.c.left_at.is_(None))
    return [_member(r) for r in await tx.execute(query.order_by(members.c.id))]


async def insert(
    tx: Transaction, community_id: int, user_id: str, profile: Profile, joined: Joined
) -> None:
    await tx.execute(
        members.insert().values(
            community_id=community_id, user_id=user_id, **_profile(profile), **_joined(joined)
        )
    )


async def rewrite(
    tx: Transaction, member_id: int, profile: Profile | None = None, joined: Joined | None = None
) -> None:
    values = {
        **(_profile(profile) if profile else {}),
        **(_joined(joined) if joined else {}),
    }
    if values:
        await tx.execute(members.update().where(members.c.id == member_id).values(values))


async def set_left(tx: Transaction, member_id: int, left_at: datetime) -> None:
    await tx.execute(members.update().where(members.c.id == member_id).values(left_at=left_at))


async def set_nudges(tx: Transaction, member_id: int, on: bool) -> None:
    await tx.execute(members.update().where(members.c.id == member_id).values(nudges=on))


def _profile(profile: Profile) -> dict[str, object]:
    return {
        "timezone": profile.timezone,
        "start_date": profile.start_date,
        "weekly_hours": profile.weekly_hours,
        "focus": profile.focus,
        "public": profile.public,
    }


def _joined(joined: Joined) -> dict[str, object]:
    return {"display_name": joined.display_name, "joined_at": joined.joined_at, "left_at": None}


async def ranked(
    tx: Transaction, community_id: int, scores: sa.Subquery, caller: str, top: int
) -> tuple[list[tuple[int, Member, int]], tuple[int, Member, int] | None]:
    """Active members ranked by `scores` (member_id, score; missing means 0) in SQL, with ranks
    shared on ties, among the public ones and the caller: the `top` public ones who scored,
    and the caller's own (rank, member, score). One query, two window functions: the rank,
    and each row's place in the listing order among those who may be listed."""
    score = sa.func.coalesce(scores.c.score, 0)
    listed = sa.case((sa.and_(members.c.public.is_(True), score > 0), 1), else_=0)
    # The windows sort narrow rows; only the few rows returned are joined to whole members.
    shown = (
        sa.select(
            members.c.id.label("ranked_id"),
            score.label("score"),
            sa.func.rank().over(order_by=score.desc()).label("rank"),
            sa.func.row_number()
            .over(
                partition_by=listed,
                order_by=(score.desc(), sa.func.lower(members.c.display_name), members.c.id),
            )
            .label("place"),
            listed.label("listed"),
        )
        .select_from(members.outerjoin(scores, scores.c.member_id == members.c.id))
        .where(
            members.c.community_id == community_id,
            members.c.left_at.is_(None),
            sa.or_(members.c.public.is_(True), members.c.user_id == caller),
        )
        .subquery("shown")
    )
    rows = await tx.execute(
        sa.select(members, shown.c.score, shown.c.rank, shown.c.place, shown.c.listed)
        .join(shown, shown.c.ranked_id == members.c.id)
        .where(
            sa.or_(members.c.user_id == caller, sa.and_(shown.c.listed == 1, shown.c.place <= top))
        )
        .order_by(shown.c.listed.desc(), shown.c.place)
    )
    standings: list[tuple[int, Member, int]] = []
    own = None
    for r in rows:
        standing = (int(r.rank), _member(r), int(r.score))
        if r.listed and r.place <= top:
            standings.append(standing)
        if r.user_id == caller:
            own = standing
    return standings, own


async def active_by_ids(tx: Transaction, community_id: int, ids: Collection[int]) -> list[Member]:
    """The community's active members among these ids, by id."""
    query = sa.select(members).where(
        members.c.community_id == community_id,
        members.c.left_at.is_(None),
        members.c.id.in_(list(ids)),
    )
    return [_member(r) for r in await tx.execute(query.order_by(members.c.id))]


async def joined_before(
    tx: Transaction, community_id: int, instants: Sequence[datetime]
) -> list[int]:
    """How many of the community's active members had joined before each instant (given in
    order): one count before the first, and the few who joined since, read and counted."""
    if not instants:
        return []
    active = (members.c.community_id == community_id, members.c.left_at.is_(None))
    older = await tx.scalar(
        sa.select(sa.func.count()).where(*active, members.c.joined_at < instants[0])
    )
    recent = [
        r.joined_at
        for r in await tx.execute(
            sa.select(members.c.joined_at).where(*active, members.c.joined_at >= instants[0])
        )
    ]
    return [int(older or 0) + sum(joined < instant for joined in recent) for instant in instants]


async def count_active(tx: Transaction, community_id: int) -> int:
    count = await tx.scalar(
        sa.select(sa.func.count())
        .select_from(members)
        .where(members.c.community_id == community_id, members.c.left_at.is_(None))
    )
    return int(count or 0)


async def delete(tx: Transaction, member_id: int) -> None:
    await tx.execute(members.delete().where(members.c.id == member_id))
