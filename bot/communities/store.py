"""Queries for communities, their channels, schedules and organizers."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.communities.model import Community, Purpose, Schedule
from bot.identity import CommunityRef, Platform
from bot.storage.tables import communities, community_channels, organizers, schedules
from bot.storage.transaction import Transaction

Record = dict[str, Any]


async def ensure(tx: Transaction, ref: CommunityRef, now: datetime) -> int:
    """The community's id, creating its row on first use (safe against a concurrent insert)."""
    await tx.execute(
        tx.insert_ignoring_conflicts(
            communities,
            {"platform": ref.platform.value, "external_id": ref.external_id, "created_at": now},
        )
    )
    found = await find(tx, ref)
    if found is None:
        raise RuntimeError(f"community {ref} vanished right after it was created")
    return found


async def find(tx: Transaction, ref: CommunityRef) -> int | None:
    found = await tx.scalar(
        sa.select(communities.c.id).where(
            communities.c.platform == ref.platform.value,
            communities.c.external_id == ref.external_id,
        )
    )
    return None if found is None else int(found)


async def set_paused(tx: Transaction, community_id: int, paused_at: datetime | None) -> None:
    """Pause the community at `paused_at` (kept when already paused), or resume it (None)."""
    query = communities.update().where(communities.c.id == community_id)
    if paused_at is not None:
        query = query.where(communities.c.paused_at.is_(None))
    await tx.execute(query.values(paused_at=paused_at))


async def paused_at(tx: Transaction, community_id: int) -> datetime | None:
    found: datetime | None = await tx.scalar(
        sa.select(communities.c.paused_at).where(communities.c.id == community_id)
    )
    return found


async def load(tx: Transaction, community_id: int) -> Community:
    (community,) = await load_many(tx, [community_id])
    return community


async def load_all(tx: Transaction) -> list[Community]:
    """Every community, in three queries whatever their number (the scheduler's tick)."""
    return await load_many(tx, None)


async def load_many(tx: Transaction, ids: list[int] | None) -> list[Community]:
    """The communities with these ids (all of them for None), with channels and schedules."""

    def only(column: sa.Column[int]) -> sa.ColumnElement[bool]:
        return sa.true() if ids is None else column.in_(ids)

    rows = await tx.execute(
        sa.select(communities).where(only(communities.c.id)).order_by(communities.c.id)
    )
    channels: defaultdict[int, dict[Purpose, str]] = defaultdict(dict)
    for r in await tx.execute(
        sa.select(community_channels).where(only(community_channels.c.community_id))
    ):
        channels[r.community_id][Purpose(r.purpose)] = r.channel_id
    plans: defaultdict[int, dict[Purpose, Schedule]] = defaultdict(dict)
    for r in await tx.execute(sa.select(schedules).where(only(schedules.c.community_id))):
        purpose = Purpose(r.kind)
        plans[r.community_id][purpose] = Schedule(
            purpose, r.weekday, r.local_time, r.enabled, r.cron
        )
    return [
        Community(
            id=row.id,
            ref=CommunityRef(Platform(row.platform), row.external_id),
            timezone=row.timezone,
            content_dir=row.content_dir,
            created_at=row.created_at,
            challenge_track=row.challenge_track,
            channels=channels[row.id],
            schedules=plans[row.id],
            paused_at=row.paused_at,
        )
        for row in rows
    ]


async def update(
    tx: Transaction,
    community_id: int,
    *,
    timezone: str | None = None,
    content_dir: str | None = None,
    challenge_track: str | None = None,
) -> None:
    """Change the settings given; None leaves one as it is."""
    given = {"timezone": timezone, "content_dir": content_dir, "challenge_track": challenge_track}
    values = {name: value for name, value in given.items() if value is not None}
    if values:
        await tx.execute(
            communities.update().where(communities.c.id == community_id).values(values)
        )


async def set_channel(
    tx: Transaction, community_id: int, purpose: Purpose, channel_id: str
) -> None:
    values = {"community_id": community_id, "purpose": purpose.value, "channel_id": channel_id}
    await tx.execute(tx.upsert(community_channels, values, ("community_id", "purpose")))


async def set_schedule(tx: Transaction, community_id: int, schedule: Schedule) -> None:
    values = {
        "community_id": community_id,
        "kind": schedule.purpose.value,
        "weekday": schedule.weekday,
        "local_time": schedule.local_time,
        "enabled": schedule.enabled,
        "cron": schedule.cron,
    }
    await tx.execute(tx.upsert(schedules, values, ("community_id", "kind")))


async def is_organizer(tx: Transaction, community_id: int, user_id: str) -> bool:
    found = await tx.scalar(
        sa.select(sa.literal(1)).where(
            organizers.c.community_id == community_id, organizers.c.user_id == user_id
        )
    )
    return found is not None


async def add_organizer(
    tx: Transaction,
    community_id: int,
    user_id: str,
    added_by: str,
    now: datetime,
) -> bool:
    """Name an organizer; False when they already were one."""
    result = await tx.execute(
        tx.insert_ignoring_conflicts(
            organizers,
            {
                "community_id": community_id,
                "user_id": user_id,
                "added_by": added_by,
                "added_at": now,
            },
        )
    )
    return bool(result.rowcount)


async def remove_organizer(tx: Transaction, community_id: int, user_id: str) -> bool:
    result = await tx.execute(
        organizers.delete().where(
            organizers.c.community_id == community_id, organizers.c.user_id == user_id
        )
    )
    return bool(result.rowcount)


async def list_organizers(tx: Transaction, community_id: int) -> list[str]:
    rows = await tx.execute(
        sa.select(organizers.c.user_id)
        .where(organizers.c.community_id == community_id)
        .order_by(organizers.c.added_at)
    )
    return [r.user_id for r in rows]


async def organizer_role(tx: Transaction, community_id: int, user_id: str) -> list[Record]:
    """The member's organizer row, if they were named one."""
    rows = await tx.execute(
        sa.select(organizers.c.added_by, organizers.c.added_at).where(
            organizers.c.community_id == community_id, organizers.c.user_id == user_id
        )
    )
    return [{"added_by": r.added_by, "added_at": r.added_at.isoformat()} for r in rows]


async def organizers_added_by(tx: Transaction, community_id: int, user_id: str) -> list[Record]:
    """The organizers this user named."""
    rows = await tx.execute(
        sa.select(organizers.c.user_id, organizers.c.added_at)
        .where(organizers.c.community_id == community_id, organizers.c.added_by == user_id)
        .order_by(organizers.c.added_at)
    )
    return [{"user_id": r.user_id, "added_at": r.added_at.isoformat()} for r in rows]


async def forget_organizer(tx: Transaction, community_id: int, user_id: str, marker: str) -> None:
    """Remove the user's organizer role and write `marker` where they named someone else."""
    await remove_organizer(tx, community_id, user_id)
    await tx.execute(
        organizers.update()
        .where(organizers.c.community_id == community_id, organizers.c.added_by == user_id)
        .values(added_by=marker)
    )
