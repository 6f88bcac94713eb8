"""The outbox queries a drainer makes besides its claim: owned writes, orphans, context."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import sqlalchemy as sa

from bot.clock import Clock
from bot.outbox.model import Delivered, Message, Status, Target, TargetKind
from bot.replies import decode
from bot.storage.tables import communities, outbox, outbox_orphans
from bot.storage.transaction import Transaction


def owned(message_id: int, owner: str) -> sa.ColumnElement[bool]:
    return sa.and_(
        outbox.c.id == message_id,
        outbox.c.owner == owner,
        outbox.c.status == Status.SENDING.value,
    )


async def keep_orphan(
    tx: Transaction,
    message_id: int,
    owner: str,
    outcome: str,
    platform_message_id: str | None,
    conversation_id: str | None,
    detail: str | None,
    clock: Clock,
) -> None:
    await tx.execute(
        outbox_orphans.insert().values(
            outbox_id=message_id,
            owner=owner,
            outcome=outcome,
            platform_message_id=(platform_message_id or "")[:100] or None,
            conversation_id=(conversation_id or "")[:100] or None,
            detail=(detail or "")[:500] or None,
            recorded_at=clock.now(),
        )
    )


async def orphaned_deliveries(tx: Transaction, ids: list[int]) -> dict[int, Delivered]:
    """Rows that a drainer which had lost them saw land: they need no platform call."""
    if not ids:
        return {}
    rows = await tx.execute(
        sa.select(outbox_orphans)
        .where(
            outbox_orphans.c.outbox_id.in_(ids),
            outbox_orphans.c.outcome == "sent",
            outbox_orphans.c.platform_message_id.is_not(None),
        )
        .order_by(outbox_orphans.c.id)
    )
    return {r.outbox_id: Delivered(r.platform_message_id, r.conversation_id) for r in rows}


async def external_ids(tx: Transaction, community_ids: set[int]) -> dict[int, str]:
    rows = await tx.execute(
        sa.select(communities.c.id, communities.c.external_id).where(
            communities.c.id.in_(community_ids)
        )
    )
    return {r.id: r.external_id for r in rows}


async def conversations(tx: Transaction, keys: set[str]) -> dict[str, str]:
    """The conversations the messages with these keys landed in, where they say."""
    if not keys:
        return {}
    rows = await tx.execute(
        sa.select(outbox.c.key, outbox.c.conversation_id).where(
            outbox.c.key.in_(keys), outbox.c.conversation_id.is_not(None)
        )
    )
    return {r.key: r.conversation_id for r in rows}


def message(
    row: sa.Row[Any],
    community_external_id: str,
    conversation_id: str | None,
    landed: Delivered | None,
    opened: Callable[[str], Awaitable[None]],
    fence: Callable[[], Awaitable[None]],
    owned: Callable[[], Awaitable[bool]],
) -> Message:
    return Message(
        id=row.id,
        key=row.key,
        community_external_id=community_external_id,
        target=Target(
            TargetKind(row.target_kind),
            channel_id=row.channel_id,
            user_ids=tuple(u for u in row.user_ids.split(",") if u),
            follows=row.follows,
        ),
        reply=decode(row.payload),
        attempts=row.attempts,
        recovering=row.status == Status.SENDING.value,
        conversation_id=conversation_id,
        opened_conversation=row.conversation_id,
        landed=landed,
        created_at=row.created_at,
        record_opened=opened,
        fence=fence,
        contested=row.status == Status.SENDING.value or row.recoveries > 0,
        owned=owned,
    )
