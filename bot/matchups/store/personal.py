"""Queries for one member's matchups data: what the export shows and what erasure deletes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from bot.matchups.store.participants import member_ids_of
from bot.storage.tables import (
    match_blocks,
    match_group_members,
    match_groups,
    match_members,
    match_rounds,
)
from bot.storage.transaction import Transaction


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _records(rows: sa.CursorResult[Any]) -> list[dict[str, object]]:
    return [{str(k): _plain(v) for k, v in row.items()} for row in rows.mappings()]


async def participation(tx: Transaction, member_id: int) -> list[dict[str, object]]:
    return _records(
        await tx.execute(
            sa.select(
                match_members.c.status,
                match_members.c.interests,
                match_members.c.share_blockers,
                match_members.c.skip_next,
                match_members.c.ignored,
                match_members.c.joined_at,
            ).where(match_members.c.member_id == member_id)
        )
    )


async def blocks_by(tx: Transaction, member_id: int) -> list[dict[str, object]]:
    """The blocks the member set (never the blocks others set on them)."""
    return _records(
        await tx.execute(
            sa.select(match_blocks.c.blocked_user_id, match_blocks.c.created_at)
            .where(match_blocks.c.member_id == member_id)
            .order_by(match_blocks.c.created_at, match_blocks.c.blocked_user_id)
        )
    )


async def groups_of(tx: Transaction, member_id: int) -> list[dict[str, object]]:
    """Every group the member was in: the round's week, the group's number, whether they
    joined it as the odd one, and their answer to "did you meet?"."""
    return _records(
        await tx.execute(
            sa.select(
                match_rounds.c.id.label("round"),
                match_rounds.c.week,
                match_groups.c.number.label("group"),
                match_group_members.c.odd,
                match_group_members.c.met,
                match_group_members.c.answered_at,
            )
            .join(match_groups, match_groups.c.id == match_group_members.c.group_id)
            .join(match_rounds, match_rounds.c.id == match_groups.c.round_id)
            .where(match_group_members.c.member_id == member_id)
            .order_by(match_rounds.c.week_start, match_groups.c.number)
        )
    )


async def delete_member(
    tx: Transaction, community_id: int, member_id: int, user_id: str, fingerprint: str
) -> None:
    """Delete the member's participation, their seats in groups (the groups and everyone
    else in them stay) and the blocks they set; blocks others set on them keep only
    `fingerprint` in place of their platform id."""
    await tx.execute(
        match_group_members.delete().where(match_group_members.c.member_id == member_id)
    )
    await tx.execute(match_blocks.delete().where(match_blocks.c.member_id == member_id))
    await tx.execute(
        match_blocks.update()
        .where(
            match_blocks.c.blocked_user_id == user_id,
            match_blocks.c.member_id.in_(member_ids_of(community_id)),
        )
        .values(blocked_user_id=fingerprint)
    )
    await tx.execute(match_members.delete().where(match_members.c.member_id == member_id))


async def restore_blocks(
    tx: Transaction, community_id: int, fingerprint: str, user_id: str
) -> None:
    """Blocks kept under a forgotten member's fingerprint name them again once they are back."""
    await tx.execute(
        match_blocks.update()
        .where(
            match_blocks.c.blocked_user_id == fingerprint,
            match_blocks.c.member_id.in_(member_ids_of(community_id)),
        )
        .values(blocked_user_id=user_id)
    )
