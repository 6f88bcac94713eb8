"""Queries for a community's holiday weeks."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa

from bot.holidays.model import Declared
from bot.storage.chunks import chunks
from bot.storage.tables import holiday_weeks
from bot.storage.transaction import Transaction


async def weeks(tx: Transaction, community_id: int) -> frozenset[date]:
    rows = await tx.execute(
        sa.select(holiday_weeks.c.week_start).where(holiday_weeks.c.community_id == community_id)
    )
    return frozenset(r.week_start for r in rows)


async def weeks_in(tx: Transaction, community_ids: Sequence[int]) -> dict[int, frozenset[date]]:
    """The holiday weeks of each of these communities that declared any, by community id."""
    found: dict[int, set[date]] = {}
    for chunk in chunks(community_ids):
        rows = await tx.execute(
            sa.select(holiday_weeks.c.community_id, holiday_weeks.c.week_start).where(
                holiday_weeks.c.community_id.in_(chunk)
            )
        )
        for r in rows:
            found.setdefault(r.community_id, set()).add(r.week_start)
    return {community_id: frozenset(weeks) for community_id, weeks in found.items()}


async def add(tx: Transaction, community_id: int, week: date, by: str, now: datetime) -> bool:
    """Declare a holiday week; False when it already was one."""
    values = {
        "community_id": community_id,
        "week_start": week,
        "declared_by": by,
        "declared_at": now,
    }
    result = await tx.execute(tx.insert_ignoring_conflicts(holiday_weeks, values))
    return bool(result.rowcount)


async def remove(tx: Transaction, community_id: int, week: date) -> bool:
    result = await tx.execute(
        holiday_weeks.delete().where(
            holiday_weeks.c.community_id == community_id, holiday_weeks.c.week_start == week
        )
    )
    return bool(result.rowcount)


async def declared_by(tx: Transaction, community_id: int, user_id: str) -> list[Declared]:
    """The holiday weeks a user declared in a community, oldest first."""
    rows = await tx.execute(
        sa.select(holiday_weeks.c.week_start, holiday_weeks.c.declared_at)
        .where(
            holiday_weeks.c.community_id == community_id,
            holiday_weeks.c.declared_by == user_id,
        )
        .order_by(holiday_weeks.c.week_start)
    )
    return [Declared(r.week_start, r.declared_at) for r in rows]


async def reassign(tx: Transaction, community_id: int, user_id: str, to: str) -> int:
    """Put another name in `declared_by` of the weeks a user declared; returns how many."""
    result = await tx.execute(
        holiday_weeks.update()
        .where(
            holiday_weeks.c.community_id == community_id,
            holiday_weeks.c.declared_by == user_id,
        )
        .values(declared_by=to)
    )
    return result.rowcount
