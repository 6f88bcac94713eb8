"""Queries for spared weeks: the weeks of a streak that a freeze earned by helping kept."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

import sqlalchemy as sa

from bot.storage.tables import streak_spares
from bot.storage.transaction import Transaction


async def spares(tx: Transaction, member_id: int) -> list[tuple[date, datetime]]:
    """(week, when it was spared) for every spared week of the member, oldest first."""
    return (await spares_of(tx, [member_id])).get(member_id, [])


async def spares_of(
    tx: Transaction, member_ids: Collection[int]
) -> dict[int, list[tuple[date, datetime]]]:
    """(week, when it was spared) for every spared week of each of these members, oldest
    first, by member (those with none are left out)."""
    rows = await tx.execute(
        sa.select(streak_spares.c.member_id, streak_spares.c.week_start, streak_spares.c.spared_at)
        .where(streak_spares.c.member_id.in_(list(member_ids)))
        .order_by(streak_spares.c.spared_at, streak_spares.c.week_start)
    )
    found: dict[int, list[tuple[date, datetime]]] = {}
    for r in rows:
        found.setdefault(r.member_id, []).append((r.week_start, r.spared_at))
    return found


async def spare(tx: Transaction, member_id: int, week: date, now: datetime) -> bool:
    """Record that a freeze earned by helping kept `week`; False when it already was."""
    result = await tx.execute(
        tx.insert_ignoring_conflicts(
            streak_spares, {"member_id": member_id, "week_start": week, "spared_at": now}
        )
    )
    return bool(result.rowcount)
