"""The outbox's values: targets, messages, outcomes, the sender protocol, queueing."""

from __future__ import annotations

import logging
import random
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol

import sqlalchemy as sa

from bot.communities.model import Community
from bot.identity import Platform
from bot.replies import Reply, encode
from bot.storage.tables import outbox
from bot.storage.transaction import Transaction

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


async def _nowhere(conversation_id: str) -> None:
    """Messages made outside a drainer (tests) have nowhere to record a conversation."""


async def _unfenced() -> None:
    """Messages made outside a drainer (tests) are nobody's to lose."""


async def _always_owned() -> bool:
    """Messages made outside a drainer (tests) stay their sender's."""
    return True


@dataclass(frozen=True, slots=True)
class Message:
    """One outbox row as a sender sees it."""

    id: int
    key: str
    community_external_id: str
    target: Target
    reply: Reply
    attempts: int  # attempts made before this one
    recovering: bool  # an earlier attempt may have landed before its process died
    conversation_id: str | None = None  # where the message it follows landed, when known
    opened_conversation: str | None = None  # what an earlier attempt opened for it (a thread)
    landed: Delivered | None = None  # an earlier attempt saw it land (kept as an orphan)
    created_at: datetime | None = None  # when it was queued: it cannot have landed before
    record_opened: Callable[[str], Awaitable[None]] = field(default=_nowhere, compare=False)
    # Awaited right before each platform call that posts: raises Superseded when the row was
    # taken over (this drainer's process was frozen past its lease), so nothing posts twice.
    fence: Callable[[], Awaitable[None]] = field(default=_unfenced, compare=False)
    # The row was taken over from another drainer at least once in its life: that drainer,
    # frozen between its fence and its request, may still post it.
    contested: bool = False
    # Asked after a post landed: whether the row is still this drainer's (free while the
    # lease is fresh). False when this drainer was frozen past its lease after its fence.
    owned: Callable[[], Awaitable[bool]] = field(default=_always_owned, compare=False)

    async def raced(self) -> bool:
        """After a post landed: whether another drainer may have posted it too, so the
        sender must look for copies and keep only the earliest. A fence cannot close the
        instant between its check and the request leaving a frozen process; this can: the
        stale drainer learns it lost the row once its post is out, and the drainer that took
        the row over knows it did, so whichever of the two posts last sees both copies."""
        return self.contested or not await self.owned()


@dataclass(frozen=True, slots=True)
class Delivered:
    """Where a sender put a message: the platform's id for it, and the conversation it opened
    when the target alone does not say which (a Discord thread for a group), so that a
    message following it can land there too."""

    message_id: str
    conversation_id: str | None = None


class RetryLater(Exception):
    """The platform asked us to wait (429: `rate_limited`) or failed on its side (5xx,
    connection)."""

    def __init__(
        self, reason: str, after: float | None = None, *, rate_limited: bool = False
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.after = after
        self.rate_limited = rate_limited


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
    tx: Transaction,
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
    row = _row(community, Post(key, target, reply), now, not_before or now)
    result = await tx.execute(tx.insert_ignoring_conflicts(outbox, row))
    return bool(result.rowcount)


@dataclass(frozen=True, slots=True)
class Post:
    """One message of `enqueue_all`: its key, where it goes and what it says."""

    key: str
    target: Target
    reply: Reply


ENQUEUE_CHUNK = 500
"""Rows handed to one execute of `enqueue_all`: SQLAlchemy splits them into INSERTs under
SQLite's and asyncpg's limit of 32,767 bound values; this bounds what is held at once."""


async def enqueue_all(
    tx: Transaction, *, community: Community, posts: Sequence[Post], now: datetime
) -> int:
    """Queue several messages to go out now in the caller's transaction, one statement per
    ENQUEUE_CHUNK rather than one each (a round of reminders). Keys already queued are
    skipped; returns how many were new."""
    # The rows as parameters of one statement, not as its VALUES: SQLAlchemy compiles it once
    # and batches the rows itself, where VALUES of a new length compiled a new statement each
    # time. RETURNING counts the new rows (PostgreSQL's driver gives no count for a batch).
    insert = tx.insert_ignoring_conflicts(outbox).returning(outbox.c.id)
    new = 0
    for start in range(0, len(posts), ENQUEUE_CHUNK):
        rows = [_row(community, post, now, now) for post in posts[start : start + ENQUEUE_CHUNK]]
        new += len((await tx.execute(insert, rows)).all())
    return new


def _row(community: Community, post: Post, now: datetime, due: datetime) -> dict[str, object]:
    return {
        "community_id": community.id,
        "platform": community.ref.platform.value,
        "key": stored_key(post.key),
        "target_kind": post.target.kind.value,
        "channel_id": post.target.channel_id,
        "user_ids": ",".join(post.target.user_ids),
        "follows": post.target.follows,
        "payload": encode(post.reply),
        "status": Status.PENDING.value,
        "attempts": 0,
        "next_attempt_at": due,
        "created_at": now,
    }


def stored_key(key: str) -> str:
    """The key as the outbox keeps it: cut to the column's length."""
    column = outbox.c.key.type
    length = column.length if isinstance(column, sa.String) else None
    return key[: length or len(key)]


async def queued(tx: Transaction, keys: Collection[str]) -> set[str]:
    """Which of these keys the outbox already holds (a key names its community): a job that
    decides the same posts every hour (reminders) words and queues only the new ones."""
    stored = sorted({stored_key(k) for k in keys})
    held: set[str] = set()
    for start in range(0, len(stored), QUEUED_CHUNK):
        rows = await tx.execute(
            sa.select(outbox.c.key).where(outbox.c.key.in_(stored[start : start + QUEUED_CHUNK]))
        )
        held.update(r.key for r in rows)
    return {k for k in keys if stored_key(k) in held}


QUEUED_CHUNK = 5000
"""Keys per query of `queued`: a community of 40,000 members has as many reminder keys, and
asyncpg takes at most 32,767 bound values per statement."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    # Deliveries started (not counting those a crash cut short). Twelve, with the doubling
    # delays capped at 15 minutes, ride out a platform outage of about 25 to 45 minutes.
    max_attempts: int = 12
    max_recoveries: int = 20  # deliveries cut short by their process stopping, in a row's life
    base_delay: float = 2.0  # seconds; doubles each attempt, with jitter
    max_delay: float = 900.0
    lease: float = 30.0  # seconds a claim is held before another process may take it
    renew_check: float = 1.0  # real seconds between looks at whether a lease needs renewing
    delivery_timeout: float = 300.0  # real seconds one platform call may take, all retries in
    # A 429 is the platform saying when to come back, not a failure: it costs no attempt and
    # no backoff, for this long after the row was queued (then it counts, so a platform that
    # never stops answering 429 cannot keep a row forever).
    rate_limited_for: float = 86_400.0

    def delay(self, attempts: int, retry_after: float | None) -> float:
        backoff = min(self.max_delay, self.base_delay * 2.0 ** max(0, attempts - 1))
        jittered = backoff * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not security
        return max(jittered, retry_after or 0.0)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One outbox row as an organizer sees it."""

    id: int
    key: str
    status: str
    target: str  # the channel, or the members it was addressed to
    attempts: int
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class Requeued:
    """What asking to queue a failed row again did: `done`, or the row's status (None when
    the community has no such row)."""

    done: bool
    status: str | None = None


@dataclass(frozen=True, slots=True)
class Addressed:
    """A direct or group message queued or sent to a member."""

    id: int
    key: str
    kind: TargetKind
    user_ids: tuple[str, ...]
    status: str
    payload: str  # an encoded Reply
    created_at: datetime
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class Payload:
    """A row's encoded Reply, to be redacted."""

    id: int
    payload: str


class Superseded(Exception):
    """This drainer's claim on a row was taken over by another: it must write nothing more."""
