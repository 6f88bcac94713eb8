"""Queries the reminders need beyond other features' stores."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from bot.storage.tables import checkins, members
from bot.storage.transaction import Transaction


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


async def count_checked_in(tx: Transaction, community_id: int, week: date) -> int:
    """How many of the community's members have checked in for a week."""
    count = await tx.scalar(
        sa.select(sa.func.count())
        .select_from(checkins)
        .join(members, members.c.id == checkins.c.member_id)
        .where(members.c.community_id == community_id, checkins.c.week_start == week)
    )
    return int(count or 0)
