"""Queries for progress views and the organizer stats."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from bot.storage.tables import checkins, members
from bot.storage.transaction import Transaction


async def checkins_per_week(tx: Transaction, community_id: int, since: date) -> dict[date, int]:
    """How many of the community's active members checked in, per week from `since`."""
    rows = await tx.execute(
        sa.select(checkins.c.week_start, sa.func.count().label("members"))
        .join(members, members.c.id == checkins.c.member_id)
        .where(
            members.c.community_id == community_id,
            members.c.left_at.is_(None),
            checkins.c.week_start >= since,
        )
        .group_by(checkins.c.week_start)
    )
    return {r.week_start: int(r.members) for r in rows}


async def last_checkins(tx: Transaction, community_id: int) -> dict[int, date]:
    """The newest check-in week of each active member who has one."""
    rows = await tx.execute(
        sa.select(checkins.c.member_id, sa.func.max(checkins.c.week_start).label("last"))
        .join(members, members.c.id == checkins.c.member_id)
        .where(members.c.community_id == community_id, members.c.left_at.is_(None))
        .group_by(checkins.c.member_id)
    )
    return {r.member_id: r.last for r in rows}
