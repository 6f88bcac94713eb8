"""Queries for spared weeks: the weeks of a streak that a freeze earned by helping kept."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa

from bot.storage.chunks import chunks
from bot.storage.tables import members, streak_spares
from bot.storage.transaction import Transaction


async def spares(tx: Transaction, member_id: int) -> list[tuple[date, datetime]]:
    """(week, when it was spared) for every spared week of the member, oldest first."""
    return (await spares_of(tx, [member_id])).get(member_id, [])


async def spares_of(
    tx: Transaction, member_ids: Sequence[int]
) -> dict[int, list[tuple[date, datetime]]]:
    """(week, when it was spared) for every spared week of each of these members, oldest
    first, by member (those with none are left out)."""
    found: dict[int, list[tuple[date, datetime]]] = {}
    for chunk in chunks(member_ids):
        rows = await tx.execute(
            sa.select(
                streak_spares.c.member_id, streak_spares.c.week_start, streak_spares.c.spared_at
            )
            .where(streak_spares.c.member_id.in_(chunk))
            .order_by(streak_spares.c.spared_at, streak_spares.c.week_start)
        )
        for r in rows:
            found.setdefault(r.member_id, []).append((r.week_start, r.spared_at))
    return found


async def spared_in_community(tx: Transaction, community_id: int) -> dict[int, frozenset[date]]:
    """The spared weeks of every member of a community who has any, by member id."""
    rows = await tx.execute(
        sa.select(streak_spares.c.member_id, streak_spares.c.week_start)
        .join(members, members.c.id == streak_spares.c.member_id)
        .where(members.c.community_id == community_id)
    )
    found: dict[int, set[date]] = {}
    for r in rows:
        found.setdefault(r.member_id, set()).add(r.week_start)
    return {member_id: frozenset(weeks) for member_id, weeks in found.items()}


async def spare(tx: Transaction, member_id: int, week: date, now: datetime) -> bool:
    """Record that a freeze earned by helping kept `week`; False when it already was."""
    result = await tx.execute(
        tx.insert_ignoring_conflicts(
            streak_spares, {"member_id": member_id, "week_start": week, "spared_at": now}
        )
    )
    return bool(result.rowcount)
