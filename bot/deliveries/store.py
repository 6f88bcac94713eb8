"""Queries over one community's outbox rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from bot.outbox import Status
from bot.storage.tables import outbox
from bot.storage.transaction import Transaction


@dataclass(frozen=True, slots=True)
class Delivery:
    id: int
    key: str
    status: str
    target: str
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


async def recent(
    tx: Transaction, community_id: int, status: Status | None, limit: int
) -> list[Delivery]:
    query = sa.select(outbox).where(outbox.c.community_id == community_id)
    if status is not None:
        query = query.where(outbox.c.status == status.value)
    rows = await tx.execute(query.order_by(outbox.c.id.desc()).limit(limit))
    return [
        Delivery(
            id=r.id,
            key=r.key,
            status=r.status,
            target=r.channel_id or r.user_ids,
            attempts=r.attempts,
            last_error=r.last_error,
            created_at=r.created_at,
            sent_at=r.sent_at,
        )
        for r in rows
    ]


async def requeue(tx: Transaction, community_id: int, row_id: int, now: datetime) -> bool:
    """Put a failed row back in the queue with a fresh attempt budget."""
    result = await tx.execute(
        outbox.update()
        .where(
            outbox.c.id == row_id,
            outbox.c.community_id == community_id,
            outbox.c.status == Status.FAILED.value,
        )
        .values(status=Status.PENDING.value, attempts=0, next_attempt_at=now, lease_until=None)
    )
    return bool(result.rowcount)


async def status_of(tx: Transaction, community_id: int, row_id: int) -> str | None:
    found: str | None = await tx.scalar(
        sa.select(outbox.c.status).where(
            outbox.c.id == row_id, outbox.c.community_id == community_id
        )
    )
    return found
