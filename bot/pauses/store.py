"""Queries for members' pauses. Dates are calendar dates on the member's own clock."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

import sqlalchemy as sa

from bot.pauses.model import Pause, Paused
from bot.storage.chunks import chunks
from bot.storage.tables import members, pauses
from bot.storage.transaction import Transaction


async def of_member(tx: Transaction, member_id: int) -> tuple[Pause, ...]:
    rows = await tx.execute(
        sa.select(pauses.c.starts_on, pauses.c.ends_on)
        .where(pauses.c.member_id == member_id)
        .order_by(pauses.c.starts_on)
    )
    return tuple(Pause(r.starts_on, r.ends_on) for r in rows)


async def of_community(
    tx: Transaction, community_id: int, ending_after: date
) -> dict[int, tuple[Pause, ...]]:
    """The pauses of a community's members that end after a date, by member id."""
    rows = await tx.execute(
        sa.select(pauses.c.member_id, pauses.c.starts_on, pauses.c.ends_on)
        .join(members, members.c.id == pauses.c.member_id)
        .where(members.c.community_id == community_id, pauses.c.ends_on > ending_after)
    )
    found: defaultdict[int, list[Pause]] = defaultdict(list)
    for r in rows:
        found[r.member_id].append(Pause(r.starts_on, r.ends_on))
    return {member_id: tuple(p) for member_id, p in found.items()}


async def of_members(
    tx: Transaction, member_ids: Sequence[int], ending_after: date
) -> dict[int, tuple[Pause, ...]]:
    """The pauses of these members that end after a date, by member id."""
    found: defaultdict[int, list[Pause]] = defaultdict(list)
    for chunk in chunks(member_ids):
        rows = await tx.execute(
            sa.select(pauses.c.member_id, pauses.c.starts_on, pauses.c.ends_on).where(
                pauses.c.member_id.in_(chunk), pauses.c.ends_on > ending_after
            )
        )
        for r in rows:
            found[r.member_id].append(Pause(r.starts_on, r.ends_on))
    return {member_id: tuple(p) for member_id, p in found.items()}


async def current(tx: Transaction, member_id: int, day: date) -> tuple[int, Pause] | None:
    """The pause that covers `day` or starts after it, with its row id."""
    row = (
        await tx.execute(
            sa.select(pauses.c.id, pauses.c.starts_on, pauses.c.ends_on)
            .where(pauses.c.member_id == member_id, pauses.c.ends_on > day)
            .order_by(pauses.c.starts_on)
            .limit(1)
        )
    ).one_or_none()
    return None if row is None else (row.id, Pause(row.starts_on, row.ends_on))


async def rows_of_member(tx: Transaction, member_id: int) -> list[Paused]:
    """Every pause of the member with when it was asked for, oldest first."""
    rows = await tx.execute(
        sa.select(pauses.c.starts_on, pauses.c.ends_on, pauses.c.created_at)
        .where(pauses.c.member_id == member_id)
        .order_by(pauses.c.starts_on)
    )
    return [Paused(Pause(r.starts_on, r.ends_on), r.created_at) for r in rows]


async def delete_of_member(tx: Transaction, member_id: int) -> None:
    await tx.execute(pauses.delete().where(pauses.c.member_id == member_id))


async def add(
    tx: Transaction, member_id: int, starts_on: date, ends_on: date, now: datetime
) -> None:
    await tx.execute(
        pauses.insert().values(
            member_id=member_id, starts_on=starts_on, ends_on=ends_on, created_at=now
        )
    )


async def set_end(tx: Transaction, pause_id: int, ends_on: date) -> None:
    await tx.execute(pauses.update().where(pauses.c.id == pause_id).values(ends_on=ends_on))
