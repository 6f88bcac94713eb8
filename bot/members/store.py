"""Queries for members."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.members.model import Joined, Member, Profile
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


async def reminded_zones(tx: Transaction, community_id: int) -> set[str]:
    """The time zones of the community's active members who take reminders."""
    rows = await tx.execute(
        sa.select(members.c.timezone)
        .distinct()
        .where(
            members.c.community_id == community_id,
            members.c.left_at.is_(None),
            members.c.nudges.is_(True),
        )
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
    and the caller's own (rank, member, score)."""
    score = sa.func.coalesce(scores.c.score, 0)
    shown = (
        sa.select(
            members,
            score.label("score"),
            sa.func.rank().over(order_by=score.desc()).label("rank"),
        )
        .select_from(members.outerjoin(scores, scores.c.member_id == members.c.id))
        .where(
            members.c.community_id == community_id,
            members.c.left_at.is_(None),
            sa.or_(members.c.public.is_(True), members.c.user_id == caller),
        )
        .subquery("shown")
    )
    best = await tx.execute(
        sa.select(shown)
        .where(shown.c.public.is_(True), shown.c.score > 0)
        .order_by(shown.c.score.desc(), sa.func.lower(shown.c.display_name), shown.c.id)
        .limit(top)
    )
    standings = [(r.rank, _member(r), int(r.score)) for r in best]
    own = (await tx.execute(sa.select(shown).where(shown.c.user_id == caller))).one_or_none()
    return standings, None if own is None else (own.rank, _member(own), int(own.score))


async def count_active(tx: Transaction, community_id: int) -> int:
    count = await tx.scalar(
        sa.select(sa.func.count())
        .select_from(members)
        .where(members.c.community_id == community_id, members.c.left_at.is_(None))
    )
    return int(count or 0)


async def delete(tx: Transaction, member_id: int) -> None:
    await tx.execute(members.delete().where(members.c.id == member_id))
