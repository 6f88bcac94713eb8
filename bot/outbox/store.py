"""The outbox's queries: a drainer's besides its claim (owned writes, orphans, context), what
organizers see, what the outbox holds about a member, and retention."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.clock import Clock
from bot.outbox.model import (
    Addressed,
    Delivered,
    Delivery,
    Message,
    Payload,
    Status,
    Target,
    TargetKind,
)
from bot.replies import decode
from bot.storage.tables import communities, outbox, outbox_orphans
from bot.storage.transaction import Transaction

CHUNK = 500  # ids per IN (...) list


def _due(platform: str, now: datetime) -> sa.ColumnElement[bool]:
    """The platform's rows due now: pending and due, or sending with their lease run out;
    none of a paused community's (held until it resumes)."""
    paused = sa.exists().where(
        communities.c.id == outbox.c.community_id, communities.c.paused_at.is_not(None)
    )
    return sa.and_(
        outbox.c.platform == platform,
        ~paused,
        sa.or_(
            sa.and_(outbox.c.status == Status.PENDING.value, outbox.c.next_attempt_at <= now),
            sa.and_(outbox.c.status == Status.SENDING.value, outbox.c.lease_until < now),
        ),
    )


async def counts(tx: Transaction) -> list[tuple[str, str, int]]:
    """Rows per platform and status: one aggregate over the (platform, status, ...) index,
    a handful of rows whatever the table's size."""
    query = sa.select(outbox.c.platform, outbox.c.status, sa.func.count()).group_by(
        outbox.c.platform, outbox.c.status
    )
    return [(str(p), str(s), int(n)) for p, s, n in await tx.execute(query)]


def _ranked_due(platform: str, now: datetime, limit: int) -> sa.Select[int]:
    """Up to `limit` due rows' ids: first those of the channels with the most posts waiting,
    each channel's oldest first.

    A channel's posts go one interval apart, so the last of n cannot go sooner than n - 1
    intervals after the first. Claimed oldest first, a channel whose posts were queued last
    trailed alone at the end of a batch, a post an interval, while the budget went unused
    (bench/scale.py: a Slack batch took 1.75x its minimum). Its first posts go first now, and
    the other channels fill the budget between them."""
    channel = sa.func.coalesce(outbox.c.channel_id, outbox.c.user_ids)
    behind = sa.func.count().over(partition_by=channel) - sa.func.row_number().over(
        partition_by=channel, order_by=outbox.c.id
    )
    ranked = sa.select(outbox.c.id, behind.label("behind")).where(_due(platform, now)).subquery()
    return (
        sa.select(outbox.c.id)
        .join(ranked, ranked.c.id == outbox.c.id)
        .order_by(ranked.c.behind.desc(), outbox.c.id)
        .limit(limit)
    )


async def ranked_due(tx: Transaction, platform: str, now: datetime, limit: int) -> list[int]:
    """The ids of up to `limit` due rows in the order a claim takes them, unlocked: read
    before the claim's write transaction, since ranking the whole due backlog costs about
    2 us a row (230 ms for 100,000 rows on SQLite), and on SQLite every other writer would
    wait for it."""
    return [row.id for row in await tx.execute(_ranked_due(platform, now, limit))]


async def lock_listed(tx: Transaction, ids: list[int], platform: str, now: datetime) -> list[int]:
    """Those of `ids` still due, locked (skipping rows another drainer holds locked, on
    PostgreSQL), in the order given."""
    query = (
        sa.select(outbox.c.id)
        .where(outbox.c.id.in_(ids), _due(platform, now))
        .with_for_update(of=outbox, skip_locked=True)
    )
    still = {row.id for row in await tx.execute(query)}
    return [i for i in ids if i in still]


async def lock_due(tx: Transaction, platform: str, now: datetime, limit: int) -> list[int]:
    """The ids of up to `limit` due rows, ranked as `ranked_due` and locked (skipping rows
    another drainer holds locked, on PostgreSQL)."""
    query = _ranked_due(platform, now, limit).with_for_update(of=outbox, skip_locked=True)
    return [row.id for row in await tx.execute(query)]


async def fail_crashing(tx: Transaction, ids: list[int], limit: int, reason: str) -> set[int]:
    """Fail the rows among `ids` whose deliveries were cut short `limit` times; their ids."""
    crashing = sa.and_(
        outbox.c.id.in_(ids),
        outbox.c.status == Status.SENDING.value,
        outbox.c.recoveries >= limit,
    )
    failed = {r.id for r in await tx.execute(sa.select(outbox.c.id).where(crashing))}
    if failed:
        await tx.execute(
            outbox.update()
            .where(crashing)
            .values(status=Status.FAILED.value, owner=None, lease_until=None, last_error=reason)
        )
    return failed


async def take(
    tx: Transaction, ids: list[int], owner: str, lease_until: datetime
) -> list[sa.Row[Any]]:
    """Claim the rows under `owner` until `lease_until`, and return them as they were. A
    delivery cut short by its process stopping is taken over without spending an attempt
    (the attempt it was on already counted): crashes and restarts never use up the retry
    budget meant for a platform's failures."""
    rows = list(
        await tx.execute(sa.select(outbox).where(outbox.c.id.in_(ids)).order_by(outbox.c.id))
    )
    recovering = outbox.c.status == Status.SENDING.value
    await tx.execute(
        outbox.update()
        .where(outbox.c.id.in_(ids))
        .values(
            status=Status.SENDING.value,
            owner=owner,
            lease_until=lease_until,
            attempts=sa.case((recovering, outbox.c.attempts), else_=outbox.c.attempts + 1),
            recoveries=sa.case((recovering, outbox.c.recoveries + 1), else_=outbox.c.recoveries),
        )
    )
    return rows


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
    if await tx.scalar(sa.select(outbox.c.id).where(outbox.c.id == message_id)) is None:
        return  # the row is gone (its member was forgotten): nothing to keep the answer for
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


# What organizers see -----------------------------------------------------------------------


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


# What the outbox holds about a member ------------------------------------------------------


def _addressed_to(community_id: int, user_id: str) -> sa.ColumnElement[bool]:
    """Rows whose recipients include the member: `user_ids` is a comma-separated list, so the
    member's id is looked for between commas."""
    recipients = sa.literal(",") + outbox.c.user_ids + sa.literal(",")
    return sa.and_(
        outbox.c.community_id == community_id,
        outbox.c.target_kind.in_((TargetKind.DIRECT.value, TargetKind.GROUP.value)),
        recipients.contains(f",{user_id},", autoescape=True),
    )


async def addressed_to(tx: Transaction, community_id: int, user_id: str) -> list[Addressed]:
    """The direct and group messages queued or sent to the member, oldest first."""
    rows = await tx.execute(
        sa.select(outbox).where(_addressed_to(community_id, user_id)).order_by(outbox.c.id)
    )
    return [
        Addressed(
            id=r.id,
            key=r.key,
            kind=TargetKind(r.target_kind),
            user_ids=tuple(u for u in r.user_ids.split(",") if u),
            status=r.status,
            payload=r.payload,
            created_at=r.created_at,
            sent_at=r.sent_at,
        )
        for r in rows
    ]


async def delete_rows(tx: Transaction, ids: list[int]) -> None:
    """Delete outbox rows, with the stale answers kept about them."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        await tx.execute(outbox_orphans.delete().where(outbox_orphans.c.outbox_id.in_(chunk)))
        await tx.execute(outbox.delete().where(outbox.c.id.in_(chunk)))


async def set_recipients(tx: Transaction, row_id: int, user_ids: tuple[str, ...]) -> None:
    await tx.execute(
        outbox.update().where(outbox.c.id == row_id).values(user_ids=",".join(user_ids))
    )


async def payloads(tx: Transaction, community_id: int, after: int, limit: int) -> list[Payload]:
    """A page of the community's rows (every status), by id from `after`."""
    rows = await tx.execute(
        sa.select(outbox.c.id, outbox.c.payload)
        .where(outbox.c.community_id == community_id, outbox.c.id > after)
        .order_by(outbox.c.id)
        .limit(limit)
    )
    return [Payload(r.id, r.payload) for r in rows]


async def set_payload(tx: Transaction, row_id: int, payload: str) -> None:
    await tx.execute(outbox.update().where(outbox.c.id == row_id).values(payload=payload))


# Retention ---------------------------------------------------------------------------------


async def expired(tx: Transaction, platform: str, before: datetime, limit: int) -> list[int]:
    """Up to `limit` rows of a platform done with (sent, or failed) before `before`. A row that
    a queued or sending row follows stays: the later row needs the conversation it landed in."""
    followed = sa.select(outbox.c.follows).where(
        outbox.c.follows.is_not(None),
        outbox.c.status.in_((Status.PENDING.value, Status.SENDING.value)),
    )
    done = sa.or_(
        sa.and_(outbox.c.status == Status.SENT.value, outbox.c.sent_at < before),
        sa.and_(outbox.c.status == Status.FAILED.value, outbox.c.next_attempt_at < before),
    )
    rows = await tx.scalars(
        sa.select(outbox.c.id)
        .where(outbox.c.platform == platform, done, outbox.c.key.not_in(followed))
        .order_by(outbox.c.id)
        .limit(limit)
    )
    return list(rows)
