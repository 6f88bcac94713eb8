"""Queries for check-ins and the cached streak of each member.

The `streaks` row of a member is the streak after their newest check-in week, written in the
same transaction as every check-in; readers carry it forward to today with
:func:`bot.checkins.streaks.settle`. It exists exactly when the member has check-ins.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

import sqlalchemy as sa

from bot.checkins.model import Cached, Checkin
from bot.checkins.streaks import Streak
from bot.storage.tables import checkins, members, streaks
from bot.storage.transaction import Transaction


def _checkin(row: sa.Row[Any]) -> Checkin:
    return Checkin(
        member_id=row.member_id,
        week=row.week_start,
        done=row.done,
        hours=row.hours,
        next_steps=row.next_steps,
        blockers=row.blockers,
        milestone_ids=tuple(i for i in row.milestone_ids.split(",") if i),
        confidence=row.confidence,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


async def get(tx: Transaction, member_id: int, week: date) -> Checkin | None:
    row = (
        await tx.execute(
            sa.select(checkins).where(
                checkins.c.member_id == member_id, checkins.c.week_start == week
            )
        )
    ).one_or_none()
    return None if row is None else _checkin(row)


async def this_week(
    tx: Transaction, member_id: int, week: date
) -> tuple[Checkin | None, Cached | None]:
    """The member's check-in for a week and their cached streak, in one round trip."""
    query = (
        sa.select(
            checkins,
            streaks.c.through_week,
            streaks.c.current_weeks,
            streaks.c.best_weeks,
            streaks.c.freezes,
        )
        .select_from(members)
        .outerjoin(streaks, streaks.c.member_id == members.c.id)
        .outerjoin(
            checkins, sa.and_(checkins.c.member_id == members.c.id, checkins.c.week_start == week)
        )
        .where(members.c.id == member_id)
    )
    row = (await tx.execute(query)).one()
    existing = None if row.week_start is None else _checkin(row)
    return existing, None if row.through_week is None else _cached(row)


async def hours_by_week(tx: Transaction, member_id: int) -> dict[date, int]:
    """Every week the member checked in, with the hours they gave."""
    rows = await tx.execute(
        sa.select(checkins.c.week_start, checkins.c.hours).where(checkins.c.member_id == member_id)
    )
    return {r.week_start: r.hours for r in rows}


async def save(tx: Transaction, checkin: Checkin) -> None:
    """Write a week's check-in, replacing the answers of an earlier one for the same week."""
    values = {
        "member_id": checkin.member_id,
        "week_start": checkin.week,
        "done": checkin.done,
        "hours": checkin.hours,
        "next_steps": checkin.next_steps,
        "blockers": checkin.blockers,
        "milestone_ids": ",".join(checkin.milestone_ids),
        "confidence": checkin.confidence,
        "created_at": checkin.created_at,
        "updated_at": checkin.updated_at,
    }
    await tx.execute(tx.upsert(checkins, values, ("member_id", "week_start")))


async def checked_in(
    tx: Transaction, community_id: int, weeks: Collection[date]
) -> set[tuple[int, date]]:
    """(member id, week) for every check-in of the community in these weeks."""
    rows = await tx.execute(
        sa.select(checkins.c.member_id, checkins.c.week_start)
        .join(members, members.c.id == checkins.c.member_id)
        .where(members.c.community_id == community_id, checkins.c.week_start.in_(list(weeks)))
    )
    return {(r.member_id, r.week_start) for r in rows}


async def cached_in_community(tx: Transaction, community_id: int) -> dict[int, Cached]:
    """The cached streak of every member of a community who has checked in, by member id."""
    rows = await tx.execute(
        sa.select(streaks)
        .join(members, members.c.id == streaks.c.member_id)
        .where(members.c.community_id == community_id)
    )
    return {r.member_id: _cached(r) for r in rows}


def _cached(row: sa.Row[Any]) -> Cached:
    return Cached(row.through_week, Streak(row.current_weeks, row.best_weeks, row.freezes))


async def cache(tx: Transaction, member_id: int, through: date, streak: Streak) -> None:
    values = {
        "member_id": member_id,
        "through_week": through,
        "current_weeks": streak.current,
        "best_weeks": streak.best,
        "freezes": streak.freezes,
    }
    await tx.execute(tx.upsert(streaks, values, ("member_id",)))


async def count_checked_in(tx: Transaction, community_id: int, week: date) -> int:
    """How many of the community's members have checked in for a week."""
    count = await tx.scalar(
        sa.select(sa.func.count())
        .select_from(checkins)
        .join(members, members.c.id == checkins.c.member_id)
        .where(members.c.community_id == community_id, checkins.c.week_start == week)
    )
    return int(count or 0)


async def per_week(tx: Transaction, community_id: int, since: date) -> dict[date, int]:
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


async def last_weeks(tx: Transaction, community_id: int) -> dict[int, date]:
    """The newest check-in week of each active member who has one."""
    rows = await tx.execute(
        sa.select(checkins.c.member_id, sa.func.max(checkins.c.week_start).label("last"))
        .join(members, members.c.id == checkins.c.member_id)
        .where(members.c.community_id == community_id, members.c.left_at.is_(None))
        .group_by(checkins.c.member_id)
    )
    return {r.member_id: r.last for r in rows}


async def hours_per_member(
    tx: Transaction, community_id: int, since: date | None
) -> dict[int, int]:
    """Hours checked in per member of a community, over the weeks from `since` (None: all)."""
    since_then = () if since is None else (checkins.c.week_start >= since,)
    rows = await tx.execute(
        sa.select(checkins.c.member_id, sa.func.sum(checkins.c.hours).label("total"))
        .join(members, members.c.id == checkins.c.member_id)
        .where(members.c.community_id == community_id, *since_then)
        .group_by(checkins.c.member_id)
    )
    return {r.member_id: int(r.total) for r in rows}


async def newest_blockers(tx: Transaction, community_id: int, since: date) -> dict[int, str]:
    """The blockers of each member's newest check-in since `since`, when it named any."""
    rows = await tx.execute(
        sa.select(checkins.c.member_id, checkins.c.blockers)
        .join(members, members.c.id == checkins.c.member_id)
        .where(members.c.community_id == community_id, checkins.c.week_start >= since)
        .order_by(checkins.c.member_id, checkins.c.week_start.desc())
    )
    newest: dict[int, str] = {}
    for r in rows:
        newest.setdefault(r.member_id, r.blockers)
    return {member_id: text for member_id, text in newest.items() if text.strip()}


async def blockers_of_week(tx: Transaction, community_id: int, week: date) -> list[str]:
    """The blockers named by the community's check-ins for a week, when they named any."""
    rows = await tx.scalars(
        sa.select(checkins.c.blockers)
        .join(members, members.c.id == checkins.c.member_id)
        .where(
            members.c.community_id == community_id,
            checkins.c.week_start == week,
            checkins.c.blockers != "",
        )
        .order_by(checkins.c.member_id)
    )
    return [text for text in rows if text.strip()]


async def of_member(tx: Transaction, member_id: int) -> list[Checkin]:
    """Every check-in of the member, oldest week first."""
    rows = await tx.execute(
        sa.select(checkins).where(checkins.c.member_id == member_id).order_by(checkins.c.week_start)
    )
    return [_checkin(r) for r in rows]


async def cached(tx: Transaction, member_id: int) -> Cached | None:
    row = (
        await tx.execute(sa.select(streaks).where(streaks.c.member_id == member_id))
    ).one_or_none()
    return None if row is None else _cached(row)


async def delete_of_member(tx: Transaction, member_id: int) -> None:
    """Delete the member's check-ins and cached streak."""
    await tx.execute(streaks.delete().where(streaks.c.member_id == member_id))
    await tx.execute(checkins.delete().where(checkins.c.member_id == member_id))
