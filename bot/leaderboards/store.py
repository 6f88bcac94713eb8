"""Totals per member for the leaderboards."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from bot.storage.tables import checkins, members, milestone_completions
from bot.storage.transaction import Transaction


async def _per_member(
    tx: Transaction,
    community_id: int,
    total: sa.ColumnElement[int],
    owner: sa.Column[int],
    *conditions: sa.ColumnElement[bool],
) -> dict[int, int]:
    query = (
        sa.select(owner.label("member_id"), total.label("total"))
        .join(members, members.c.id == owner)
        .where(members.c.community_id == community_id, *conditions)
        .group_by(owner)
    )
    return {r.member_id: int(r.total) for r in await tx.execute(query)}


async def hours(tx: Transaction, community_id: int, since: date | None) -> dict[int, int]:
    """Hours checked in per member, over the weeks from `since` (None: all weeks)."""
    since_then = () if since is None else (checkins.c.week_start >= since,)
    total = sa.func.sum(checkins.c.hours)
    return await _per_member(tx, community_id, total, checkins.c.member_id, *since_then)


async def milestones(tx: Transaction, community_id: int, since: datetime | None) -> dict[int, int]:
    """Milestones completed per member from `since` (None: ever)."""
    completions = milestone_completions.c
    since_then = () if since is None else (completions.completed_at >= since,)
    total = sa.func.count()
    return await _per_member(tx, community_id, total, completions.member_id, *since_then)
