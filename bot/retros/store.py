"""Queries for retros and the classes' summaries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from bot.retros.model import Retro
from bot.storage.tables import members, retro_summaries, retros
from bot.storage.transaction import Transaction


def _retro(row: sa.Row[Any]) -> Retro:
    return Retro(
        id=row.id,
        member_id=row.member_id,
        quarter=row.quarter,
        class_month=row.class_month,
        asked_at=row.asked_at,
        answered_at=row.answered_at,
        went_well=row.went_well,
        to_change=row.to_change,
        goal=row.goal,
        goal_number=row.goal_number,
        share=row.share,
    )


async def get(tx: Transaction, member_id: int, quarter: int) -> Retro | None:
    row = (
        await tx.execute(
            sa.select(retros).where(retros.c.member_id == member_id, retros.c.quarter == quarter)
        )
    ).one_or_none()
    return None if row is None else _retro(row)


async def ask(
    tx: Transaction, member_id: int, quarter: int, class_month: date, now: datetime
) -> bool:
    """Record that the member is asked for the quarter's retro; False when they were already
    (or wrote it unasked)."""
    values = {
        "member_id": member_id,
        "quarter": quarter,
        "class_month": class_month,
        "asked_at": now,
    }
    result = await tx.execute(tx.insert_ignoring_conflicts(retros, values))
    return bool(result.rowcount)


async def save(tx: Transaction, retro: Retro) -> None:
    """Insert or replace the member's retro of the quarter (everything but its id)."""
    values = {
        "member_id": retro.member_id,
        "quarter": retro.quarter,
        "class_month": retro.class_month,
        "asked_at": retro.asked_at,
        "answered_at": retro.answered_at,
        "went_well": retro.went_well,
        "to_change": retro.to_change,
        "goal": retro.goal,
        "goal_number": retro.goal_number,
        "share": retro.share,
    }
    await tx.execute(tx.upsert(retros, values, ("member_id", "quarter")))


def _of_community(community_id: int) -> sa.Select[Any]:
    return (
        sa.select(retros)
        .join(members, members.c.id == retros.c.member_id)
        .where(members.c.community_id == community_id)
    )


async def quarters_recorded(tx: Transaction, community_id: int, since: int) -> set[tuple[int, int]]:
    """(member id, quarter) of every retro of the community from quarter `since` on."""
    rows = await tx.execute(
        sa.select(retros.c.member_id, retros.c.quarter)
        .join(members, members.c.id == retros.c.member_id)
        .where(members.c.community_id == community_id, retros.c.quarter >= since)
    )
    return {(r.member_id, r.quarter) for r in rows}


async def communities_to_ask(
    tx: Transaction, windows: Callable[[date], list[tuple[int, date, date]]]
) -> set[int]:
    """The communities with an active member who takes reminders, whose start date falls in
    one of the (quarter, first, last) `windows` (given the oldest start date) and who has no
    retro of that quarter yet."""
    active = sa.and_(members.c.left_at.is_(None), members.c.nudges.is_(True))
    oldest = await tx.scalar(sa.select(sa.func.min(members.c.start_date)).where(active))
    if oldest is None:
        return set()
    asked = [
        sa.and_(
            members.c.start_date.between(first, last),
            ~sa.exists(
                sa.select(retros.c.id).where(
                    retros.c.member_id == members.c.id, retros.c.quarter == quarter
                )
            ),
        )
        for quarter, first, last in windows(oldest)
    ]
    if not asked:
        return set()
    rows = await tx.execute(
        sa.select(members.c.community_id).distinct().where(active, sa.or_(*asked))
    )
    return {r.community_id for r in rows}


async def communities_undecided(tx: Transaction) -> set[int]:
    """The communities with a retro whose class summary is not decided yet."""
    decided = sa.select(retro_summaries.c.class_month).where(
        retro_summaries.c.community_id == members.c.community_id,
        retro_summaries.c.class_month == retros.c.class_month,
        retro_summaries.c.quarter == retros.c.quarter,
    )
    rows = await tx.execute(
        sa.select(members.c.community_id)
        .distinct()
        .join(retros, members.c.id == retros.c.member_id)
        .where(~sa.exists(decided))
    )
    return {r.community_id for r in rows}


async def undecided(tx: Transaction, community_id: int) -> dict[tuple[date, int], list[Retro]]:
    """The retros of every (class, quarter) of the community whose summary is not decided,
    by class and quarter."""
    decided = sa.select(retro_summaries.c.class_month).where(
        retro_summaries.c.community_id == community_id,
        retro_summaries.c.class_month == retros.c.class_month,
        retro_summaries.c.quarter == retros.c.quarter,
    )
    rows = await tx.execute(
        _of_community(community_id)
        .where(~sa.exists(decided))
        .order_by(retros.c.class_month, retros.c.quarter, retros.c.member_id)
    )
    found: dict[tuple[date, int], list[Retro]] = {}
    for row in rows:
        found.setdefault((row.class_month, row.quarter), []).append(_retro(row))
    return found


async def decide(
    tx: Transaction,
    community_id: int,
    class_month: date,
    quarter: int,
    answers: int,
    posted: bool,
    now: datetime,
) -> bool:
    """Record a class's summary as decided; False when it already was."""
    values = {
        "community_id": community_id,
        "class_month": class_month,
        "quarter": quarter,
        "answers": answers,
        "posted": posted,
        "decided_at": now,
    }
    result = await tx.execute(tx.insert_ignoring_conflicts(retro_summaries, values))
    return bool(result.rowcount)


async def of_member(tx: Transaction, member_id: int) -> list[Retro]:
    rows = await tx.execute(
        sa.select(retros).where(retros.c.member_id == member_id).order_by(retros.c.quarter)
    )
    return [_retro(r) for r in rows]


async def delete_of_member(tx: Transaction, member_id: int) -> None:
    await tx.execute(retros.delete().where(retros.c.member_id == member_id))
