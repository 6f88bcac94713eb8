"""Queries for members' goals."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from bot.goals.model import Goal
from bot.storage.tables import goals, members
from bot.storage.transaction import Transaction


def _goal(row: sa.Row[Any]) -> Goal:
    return Goal(
        id=row.id,
        member_id=row.member_id,
        number=row.number,
        text=row.text,
        due_on=row.due_on,
        created_at=row.created_at,
        done_at=row.done_at,
    )


async def add(
    tx: Transaction, member_id: int, text: str, due_on: date | None, now: datetime
) -> Goal:
    """A new goal, numbered after the member's newest one."""
    newest = await tx.scalar(
        sa.select(sa.func.max(goals.c.number)).where(goals.c.member_id == member_id)
    )
    number = int(newest or 0) + 1
    result = await tx.execute(
        goals.insert()
        .values(member_id=member_id, number=number, text=text, due_on=due_on, created_at=now)
        .returning(goals.c.id)
    )
    return Goal(result.scalar_one(), member_id, number, text, due_on, now, None)


async def of_member(tx: Transaction, member_id: int) -> list[Goal]:
    rows = await tx.execute(
        sa.select(goals).where(goals.c.member_id == member_id).order_by(goals.c.number)
    )
    return [_goal(r) for r in rows]


async def count_open(tx: Transaction, member_id: int) -> int:
    count = await tx.scalar(
        sa.select(sa.func.count())
        .select_from(goals)
        .where(goals.c.member_id == member_id, goals.c.done_at.is_(None))
    )
    return int(count or 0)


async def get(tx: Transaction, member_id: int, number: int) -> Goal | None:
    row = (
        await tx.execute(
            sa.select(goals).where(goals.c.member_id == member_id, goals.c.number == number)
        )
    ).one_or_none()
    return None if row is None else _goal(row)


async def mark_done(tx: Transaction, goal_id: int, now: datetime) -> None:
    await tx.execute(goals.update().where(goals.c.id == goal_id).values(done_at=now))


async def open_due(tx: Transaction, community_id: int, days: Collection[date]) -> list[Goal]:
    """Open goals of the community's members due on one of these days."""
    rows = await tx.execute(
        sa.select(goals)
        .join(members, members.c.id == goals.c.member_id)
        .where(
            members.c.community_id == community_id,
            goals.c.done_at.is_(None),
            goals.c.due_on.in_(list(days)),
        )
    )
    return [_goal(r) for r in rows]


async def communities_with_open_due(tx: Transaction, days: Collection[date]) -> set[int]:
    """The communities with an open goal due on one of these days."""
    rows = await tx.execute(
        sa.select(members.c.community_id)
        .distinct()
        .join(goals, members.c.id == goals.c.member_id)
        .where(goals.c.done_at.is_(None), goals.c.due_on.in_(list(days)))
    )
    return {r.community_id for r in rows}


async def delete_of_member(tx: Transaction, member_id: int) -> None:
    await tx.execute(goals.delete().where(goals.c.member_id == member_id))
