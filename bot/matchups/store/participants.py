"""Queries for who takes part in matchups: a community's settings, members' participation,
blocks and going idle."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.matchups.model import ClassMode, Entry, MatchSettings, Mode, Participant, Status
from bot.members.model import Member
from bot.storage.chunks import chunks
from bot.storage.tables import match_blocks, match_members, match_settings, members
from bot.storage.transaction import Transaction


def join_interests(interests: Iterable[str]) -> str:
    return ", ".join(interests)


def split_interests(text: str) -> tuple[str, ...]:
    return tuple(i.strip() for i in text.split(",") if i.strip())


# -- settings --------------------------------------------------------------------------------


async def settings(tx: Transaction, community_id: int) -> MatchSettings:
    row = (
        await tx.execute(
            sa.select(match_settings).where(match_settings.c.community_id == community_id)
        )
    ).one_or_none()
    if row is None:
        return MatchSettings()
    return MatchSettings(row.cadence, row.size, Mode(row.mode), ClassMode(row.classes))


async def save_settings(tx: Transaction, community_id: int, chosen: MatchSettings) -> None:
    values = {
        "community_id": community_id,
        "cadence": chosen.cadence,
        "size": chosen.size,
        "mode": chosen.mode.value,
        "classes": chosen.classes.value,
    }
    await tx.execute(tx.upsert(match_settings, values, ("community_id",)))


# -- participants and blocks -----------------------------------------------------------------


def _member(row: sa.Row[Any]) -> Member:
    return Member(**{f.name: getattr(row, f.name) for f in fields(Member)})


_PARTICIPANT = (
    match_members.c.member_id,
    match_members.c.status,
    match_members.c.interests,
    match_members.c.share_blockers,
    match_members.c.skip_next,
    match_members.c.ignored,
)


def _participant(row: sa.Row[Any]) -> Participant:
    return Participant(
        member_id=row.member_id,
        status=Status(row.status),
        interests=split_interests(row.interests),
        share_blockers=row.share_blockers,
        skip_next=row.skip_next,
        ignored=row.ignored,
    )


async def participant(tx: Transaction, member_id: int) -> Participant | None:
    row = (
        await tx.execute(sa.select(match_members).where(match_members.c.member_id == member_id))
    ).one_or_none()
    return None if row is None else _participant(row)


async def add_participant(
    tx: Transaction,
    member_id: int,
    interests: Sequence[str],
    share_blockers: bool,
    joined_at: datetime,
) -> None:
    """Insert the member's participation, active, or make an existing one active with these
    interests and sharing."""
    values = {
        "member_id": member_id,
        "status": Status.ACTIVE.value,
        "interests": join_interests(interests),
        "share_blockers": share_blockers,
        "skip_next": False,
        "ignored": 0,
        "joined_at": joined_at,
    }
    await tx.execute(tx.upsert(match_members, values, ("member_id",)))


async def rejoin(
    tx: Transaction,
    member_id: int,
    interests: Sequence[str] | None,
    share_blockers: bool | None,
) -> None:
    """Make the member's participation active again, with no rounds ignored; interests and
    sharing change only when given."""
    values: dict[str, object] = {"status": Status.ACTIVE.value, "ignored": 0}
    if interests is not None:
        values["interests"] = join_interests(interests)
    if share_blockers is not None:
        values["share_blockers"] = share_blockers
    await tx.execute(
        match_members.update().where(match_members.c.member_id == member_id).values(values)
    )


async def leave(tx: Transaction, member_id: int) -> None:
    await tx.execute(
        match_members.update()
        .where(match_members.c.member_id == member_id)
        .values(status=Status.LEFT.value, skip_next=False)
    )


async def set_skip(tx: Transaction, member_id: int, skip: bool) -> None:
    await tx.execute(
        match_members.update().where(match_members.c.member_id == member_id).values(skip_next=skip)
    )


def member_ids_of(community_id: int) -> sa.Select[tuple[int]]:
    """The ids of the community's members, as a subquery."""
    return sa.select(members.c.id).where(members.c.community_id == community_id)


def _in_community(community_id: int) -> sa.ColumnElement[bool]:
    return match_members.c.member_id.in_(member_ids_of(community_id))


async def active(tx: Transaction, community_id: int) -> list[Entry]:
    """Every participant who takes part in the next round unless paused or skipping."""
    rows = await tx.execute(
        sa.select(members, *_PARTICIPANT)
        .join(match_members, match_members.c.member_id == members.c.id)
        .where(
            members.c.community_id == community_id,
            members.c.left_at.is_(None),
            match_members.c.status == Status.ACTIVE,
        )
        .order_by(members.c.id)
    )
    return [Entry(_member(r), _participant(r)) for r in rows]


async def count_active(tx: Transaction, community_id: int) -> int:
    found = await tx.scalar(
        sa.select(sa.func.count())
        .select_from(match_members)
        .join(members, members.c.id == match_members.c.member_id)
        .where(
            members.c.community_id == community_id,
            members.c.left_at.is_(None),
            match_members.c.status == Status.ACTIVE,
        )
    )
    return int(found or 0)


async def clear_skips(tx: Transaction, community_id: int) -> None:
    await tx.execute(
        match_members.update()
        .where(match_members.c.skip_next.is_(True), _in_community(community_id))
        .values(skip_next=False)
    )


async def add_block(tx: Transaction, member_id: int, user_id: str, now: datetime) -> bool:
    result = await tx.execute(
        tx.insert_ignoring_conflicts(
            match_blocks,
            {"member_id": member_id, "blocked_user_id": user_id, "created_at": now},
        )
    )
    return bool(result.rowcount)


async def remove_block(tx: Transaction, member_id: int, user_id: str) -> bool:
    result = await tx.execute(
        match_blocks.delete().where(
            match_blocks.c.member_id == member_id, match_blocks.c.blocked_user_id == user_id
        )
    )
    return bool(result.rowcount)


async def blocked_pairs(tx: Transaction, community_id: int) -> set[tuple[int, int]]:
    """(blocker, blocked) member ids for every block between two members of the community."""
    blocker = members.alias("blocker")
    blocked = members.alias("blocked")
    rows = await tx.execute(
        sa.select(blocker.c.id.label("a"), blocked.c.id.label("b"))
        .select_from(match_blocks)
        .join(blocker, blocker.c.id == match_blocks.c.member_id)
        .join(
            blocked,
            sa.and_(
                blocked.c.community_id == blocker.c.community_id,
                blocked.c.user_id == match_blocks.c.blocked_user_id,
            ),
        )
        .where(blocker.c.community_id == community_id)
    )
    return {(r.a, r.b) for r in rows}


async def count_ignored(tx: Transaction, engaged: Sequence[int], ignored: Sequence[int]) -> None:
    """Reset the ignored-rounds count of the engaged members and add one for the others."""
    for chunk in chunks(engaged):
        await tx.execute(
            match_members.update().where(match_members.c.member_id.in_(chunk)).values(ignored=0)
        )
    for chunk in chunks(ignored):
        await tx.execute(
            match_members.update()
            .where(match_members.c.member_id.in_(chunk))
            .values(ignored=match_members.c.ignored + 1)
        )


async def idle_out(tx: Transaction, community_id: int, after: int) -> list[Member]:
    """Pause every active participant who ignored `after` rounds in a row; returns them."""
    rows = await tx.execute(
        sa.select(members)
        .join(match_members, match_members.c.member_id == members.c.id)
        .where(
            members.c.community_id == community_id,
            match_members.c.status == Status.ACTIVE,
            match_members.c.ignored >= after,
        )
        .order_by(members.c.id)
    )
    found = [_member(r) for r in rows]
    for chunk in chunks([m.id for m in found]):
        await tx.execute(
            match_members.update()
            .where(match_members.c.member_id.in_(chunk))
            .values(status=Status.IDLE)
        )
    return found
