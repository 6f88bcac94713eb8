"""Queries for members."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from bot.members.model import Member
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


async def in_community(
    tx: Transaction, community_id: int, *conditions: sa.ColumnElement[bool]
) -> list[Member]:
    """The community's members that meet extra conditions on the members table."""
    rows = await tx.execute(
        sa.select(members).where(members.c.community_id == community_id, *conditions)
    )
    return [_member(r) for r in rows]


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


async def insert(tx: Transaction, **values: Any) -> None:
    await tx.execute(members.insert().values(**values))


async def update(tx: Transaction, member_id: int, **values: Any) -> None:
    await tx.execute(members.update().where(members.c.id == member_id).values(**values))


async def count_active(tx: Transaction, community_id: int) -> int:
    count = await tx.scalar(
        sa.select(sa.func.count())
        .select_from(members)
        .where(members.c.community_id == community_id, members.c.left_at.is_(None))
    )
    return int(count or 0)
