"""The outbox: everything Cohort posts on its own is written here in the same transaction as
the decision that caused it, then delivered by one sender per platform.

Each row has a unique idempotency key, so deciding twice never queues twice. Senders claim
rows with a lease (and `SKIP LOCKED` on PostgreSQL), so several processes never deliver the
same row at once; a row whose lease ran out (its process died mid-delivery) is claimed again
and handed to the sender marked `recovering`, so the sender can check it did not already land.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.clock import Clock
from bot.communities.model import Community
from bot.identity import Platform
from bot.replies import Reply, decode, encode
from bot.storage.database import Database
from bot.storage.tables import communities, outbox

log = logging.getLogger(__name__)


class TargetKind(StrEnum):
    CHANNEL = "channel"  # a post in a channel
    DIRECT = "direct"  # a private message to one member
    GROUP = "group"  # a private conversation of a few members (a thread on Discord)


class Status(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Target:
    kind: TargetKind
    channel_id: str | None = None
    user_ids: tuple[str, ...] = ()
    follows: str | None = None  # the key of an earlier message whose conversation this continues

    @classmethod
    def channel(cls, channel_id: str) -> Target:
        return cls(TargetKind.CHANNEL, channel_id=channel_id)

    @classmethod
    def direct(cls, user_id: str) -> Target:
        return cls(TargetKind.DIRECT, user_ids=(user_id,))

    @classmethod
    def group(
        cls, channel_id: str | None, user_ids: Sequence[str], follows: str | None = None
    ) -> Target:
        return cls(TargetKind.GROUP, channel_id, tuple(user_ids), follows)


@dataclass(frozen=True, slots=True)
class Message:
    """One outbox row as a sender sees it."""

    id: int
    key: str
    community_external_id: str
    target: Target
    reply: Reply
    attempts: int
    recovering: bool  # an earlier attempt may have landed before its process died
    conversation_id: str | None = None  # where the message it follows landed, when known


@dataclass(frozen=True, slots=True)
class Delivered:
    """Where a sender put a message: the platform's id for it, and the conversation it opened
    when the target alone does not say which (a Discord thread for a group), so that a
    message following it can land there too."""

    message_id: str
    conversation_id: str | None = None


class RetryLater(Exception):
    """The platform asked us to wait (429) or failed on its side (5xx, connection)."""

    def __init__(self, reason: str, after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.after = after


class PermanentFailure(Exception):
    """The platform refused for good (no such channel, no permission, DMs closed)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Sender(Protocol):
    """What each platform adapter provides to deliver outbox rows."""

    platform: Platform
    global_per_second: float  # requests per second across all channels
    channel_interval: float  # seconds between two posts in one channel

    async def deliver(self, message: Message) -> Delivered:
        """Post the message and say where it landed, or raise RetryLater or
        PermanentFailure."""
        ...


async def enqueue(
    db: Database,
    conn: AsyncConnection,
    *,
    community: Community,
    key: str,
    target: Target,
    reply: Reply,
    now: datetime,
    not_before: datetime | None = None,
) -> bool:
    """Queue a message in the caller's transaction, to go out now or from `not_before`.
    False when the key was already queued."""
    result = await conn.execute(
        db.insert_ignoring_conflicts(
            outbox,
            {
                "community_id": community.id,
                "platform": community.ref.platform.value,
                "key": key[:200],
                "target_kind": target.kind.value,
                "channel_id": target.channel_id,
                "user_ids": ",".join(target.user_ids),
                "follows": target.follows,
                "payload": encode(reply),
                "status": Status.PENDING.value,
                "attempts": 0,
                "next_attempt_at": not_before or now,
                "created_at": now,
            },
        )
    )
    return bool(result.rowcount)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 6
    base_delay: float = 2.0  # seconds; doubles each attempt, with jitter
    max_delay: float = 900.0
    lease: float = 120.0  # seconds a claim is held before another process may take it

    def delay(self, attempts: int, retry_after: float | None) -> float:
        backoff = min(self.max_delay, self.base_delay * 2.0 ** max(0, attempts - 1))
        jittered = backoff * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not security
        return max(jittered, retry_after or 0.0)


class Pacer:
    """Spaces requests: at most `per_second` overall and one per `channel_interval` per
    channel, measured on the monotonic clock; and keeps a channel the platform said is rate
    limited quiet until then, on the logical clock that also schedules retries."""

    MAX_HOLD = 60.0  # seconds; a longer wait is left to the rows' own next attempt

    def __init__(self, clock: Clock, per_second: float, channel_interval: float) -> None:
        self._clock = clock
        self._gap = 1.0 / per_second if per_second > 0 else 0.0
        self._channel_interval = channel_interval
        self._next_global = 0.0
        self._next_channel: dict[str, float] = {}
        self._held: dict[str, datetime] = {}
        self._lock = asyncio.Lock()

    async def wait(self, channel: str) -> None:
        held = self._held.pop(channel, None)
        if held is not None:
            quiet = (held - self._clock.now()).total_seconds()
            if quiet > 0:
                await asyncio.sleep(quiet)
        async with self._lock:
            now = time.monotonic()
            start = max(now, self._next_global, self._next_channel.get(channel, 0.0))
            self._next_global = start + self._gap
            self._next_channel[channel] = start + self._channel_interval
        delay = start - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)

    def hold_channel(self, channel: str, seconds: float) -> None:
        """Keep a channel quiet for a while (the platform told us it is rate limited)."""
        if seconds <= self.MAX_HOLD:
            self._held[channel] = self._clock.now() + timedelta(seconds=seconds)


class Drainer:
    """Delivers one platform's due outbox rows through its sender."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        sender: Sender,
        policy: RetryPolicy | None = None,
        batch: int = 100,
    ) -> None:
        self._db = db
        self._clock = clock
        self._sender = sender
        self._policy = policy or RetryPolicy()
        self._batch = batch
        self._pacer = Pacer(clock, sender.global_per_second, sender.channel_interval)
        self._wake = asyncio.Event()

    def wake(self) -> None:
        """Something was queued: look now instead of at the next poll."""
        self._wake.set()

    async def drain(self) -> int:
        """Deliver everything due now; returns how many rows were handled."""
        handled = 0
        while messages := await self._claim():
            await asyncio.gather(*(self._deliver(m) for m in messages))
            handled += len(messages)
        return handled

    async def run(self, poll_seconds: float = 2.0) -> None:
        """Drain forever, waking on `wake()` or every `poll_seconds`."""
        while True:
            try:
                await self.drain()
            except Exception:
                log.exception("outbox drain failed; trying again shortly")
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=poll_seconds)

    async def _claim(self) -> list[Message]:
        now = self._clock.now()
        lease_until = now + timedelta(seconds=self._policy.lease)
        due = sa.or_(
            sa.and_(outbox.c.status == Status.PENDING.value, outbox.c.next_attempt_at <= now),
            sa.and_(outbox.c.status == Status.SENDING.value, outbox.c.lease_until < now),
        )
        mine = sa.and_(outbox.c.platform == self._sender.platform.value, due)
        # Look before taking the write lock: most polls find nothing, and on SQLite a write
        # transaction would make every command's write wait behind an idle poll.
        async with self._db.read() as conn:
            if await conn.scalar(sa.select(outbox.c.id).where(mine).limit(1)) is None:
                return []
        async with self._db.write() as conn:
            candidates = (
                sa.select(outbox.c.id)
                .where(mine)
                .order_by(outbox.c.id)
                .limit(self._batch)
                .with_for_update(skip_locked=True)
            )
            ids = [row.id for row in await conn.execute(candidates)]
            if not ids:
                return []
            rows = (
                await conn.execute(
                    sa.select(outbox).where(outbox.c.id.in_(ids)).order_by(outbox.c.id)
                )
            ).all()
            await conn.execute(
                outbox.update()
                .where(outbox.c.id.in_(ids))
                .values(
                    status=Status.SENDING.value,
                    lease_until=lease_until,
                    attempts=outbox.c.attempts + 1,
                )
            )
            external = await _external_ids(conn, {r.community_id for r in rows})
            conversations = await _conversations(conn, {r.follows for r in rows if r.follows})
        return [
            _message(row, external[row.community_id], conversations.get(row.follows))
            for row in rows
        ]

    async def _deliver(self, message: Message) -> None:
        channel = message.target.channel_id or ",".join(message.target.user_ids)
        await self._pacer.wait(channel)
        try:
            delivered = await self._sender.deliver(message)
        except RetryLater as retry:
            if retry.after:
                self._pacer.hold_channel(channel, retry.after)
            await self._retry(message, retry.reason, retry.after)
        except PermanentFailure as failure:
            await self._fail(message, failure.reason)
        except Exception as error:
            log.exception("sender crashed on outbox row %s", message.id)
            await self._retry(message, f"unexpected error: {type(error).__name__}", None)
        else:
            await self._mark(
                message.id,
                status=Status.SENT.value,
                platform_message_id=delivered.message_id[:100],
                conversation_id=(delivered.conversation_id or "")[:100] or None,
                sent_at=self._clock.now(),
                lease_until=None,
                last_error=None,
            )

    async def _retry(self, message: Message, reason: str, after: float | None) -> None:
        attempts = message.attempts + 1
        if attempts >= self._policy.max_attempts:
            await self._fail(message, f"gave up after {attempts} attempts: {reason}")
            return
        delay = self._policy.delay(attempts, after)
        log.info("outbox row %s: %s; retrying in %.1f s", message.id, reason, delay)
        await self._mark(
            message.id,
            status=Status.PENDING.value,
            next_attempt_at=self._clock.now() + timedelta(seconds=delay),
            lease_until=None,
            last_error=reason[:500],
        )

    async def _fail(self, message: Message, reason: str) -> None:
        log.warning("outbox row %s failed: %s", message.id, reason)
        await self._mark(
            message.id, status=Status.FAILED.value, lease_until=None, last_error=reason[:500]
        )

    async def _mark(self, message_id: int, **values: Any) -> None:
        async with self._db.write() as conn:
            await conn.execute(
                outbox.update()
                .where(outbox.c.id == message_id, outbox.c.status == Status.SENDING.value)
                .values(**values)
            )


async def _external_ids(conn: AsyncConnection, community_ids: set[int]) -> dict[int, str]:
    rows = await conn.execute(
        sa.select(communities.c.id, communities.c.external_id).where(
            communities.c.id.in_(community_ids)
        )
    )
    return {r.id: r.external_id for r in rows}


async def _conversations(conn: AsyncConnection, keys: set[str]) -> dict[str, str]:
    """The conversations the messages with these keys landed in, where they say."""
    if not keys:
        return {}
    rows = await conn.execute(
        sa.select(outbox.c.key, outbox.c.conversation_id).where(
            outbox.c.key.in_(keys), outbox.c.conversation_id.is_not(None)
        )
    )
    return {r.key: r.conversation_id for r in rows}


def _message(row: sa.Row[Any], community_external_id: str, conversation_id: str | None) -> Message:
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
    )
