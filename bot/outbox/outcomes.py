"""Writing what a delivery came to (sent, tried again later, failed), only while the drainer
that claimed the row still owns it; otherwise what the platform answered is kept apart."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from bot.clock import Clock
from bot.metrics import Metrics
from bot.outbox import store
from bot.outbox.model import Delivered, Message, RetryLater, RetryPolicy, Status
from bot.storage.database import Database
from bot.storage.tables import outbox

log = logging.getLogger(__name__)


class Outcomes:
    """The outcome writes of one platform's drainer."""

    def __init__(
        self, db: Database, clock: Clock, policy: RetryPolicy, metrics: Metrics, platform: str
    ) -> None:
        self._db = db
        self._clock = clock
        self._policy = policy
        self._metrics = metrics
        self._platform = platform

    async def sent(self, owner: str, message: Message, delivered: Delivered) -> None:
        now = self._clock.now()
        self._metrics.deliveries.labels(self._platform, "sent").inc()
        if message.created_at is not None:
            waited = max(0.0, (now - message.created_at).total_seconds())
            self._metrics.delivery_seconds.labels(self._platform).observe(waited)
        await self._mark(
            owner,
            message,
            "sent",
            delivered,
            status=Status.SENT.value,
            platform_message_id=delivered.message_id[:100],
            conversation_id=(delivered.conversation_id or "")[:100] or None,
            sent_at=now,
            lease_until=None,
            last_error=None,
        )

    def _young(self, message: Message) -> bool:
        """Whether the row was queued recently enough for a 429 to cost it no attempt."""
        if message.created_at is None:
            return False
        age = self._clock.now() - message.created_at
        return age < timedelta(seconds=self._policy.rate_limited_for)

    async def retry_later(self, owner: str, message: Message, retry: RetryLater) -> None:
        """The platform said to come back (a 429) or failed on its side (5xx, connection)."""
        if retry.rate_limited and retry.after is not None and self._young(message):
            await self._come_back(owner, message, retry.reason, retry.after)
        else:
            await self.retry(owner, message, retry.reason, retry.after)

    async def _come_back(self, owner: str, message: Message, reason: str, after: float) -> None:
        """The platform's rate limit: try again when it said, with the attempt given back."""
        await self._again(owner, message, reason, after, attempts=message.attempts)

    async def retry(self, owner: str, message: Message, reason: str, after: float | None) -> None:
        attempts = message.attempts + 1
        if attempts >= self._policy.max_attempts:
            await self.fail(owner, message, f"gave up after {attempts} attempts: {reason}")
            return
        await self._again(owner, message, reason, self._policy.delay(attempts, after))

    async def _again(
        self, owner: str, message: Message, reason: str, delay: float, **values: Any
    ) -> None:
        """Back to pending, to be tried again in `delay` seconds."""
        self._metrics.deliveries.labels(self._platform, "retry").inc()
        log.info("outbox row %s: %s; retrying in %.1f s", message.id, reason, delay)
        await self._mark(
            owner,
            message,
            "retry",
            None,
            status=Status.PENDING.value,
            next_attempt_at=self._clock.now() + timedelta(seconds=delay),
            lease_until=None,
            last_error=reason[:500],
            **values,
        )

    async def fail(self, owner: str, message: Message, reason: str) -> None:
        log.warning("outbox row %s failed: %s", message.id, reason)
        self._metrics.deliveries.labels(self._platform, "failed").inc()
        await self._mark(
            owner,
            message,
            "failed",
            None,
            status=Status.FAILED.value,
            lease_until=None,
            last_error=reason[:500],
        )

    async def _mark(
        self,
        owner: str,
        message: Message,
        outcome: str,
        delivered: Delivered | None,
        **values: Any,
    ) -> None:
        """Write the outcome of a delivery, only while this drainer still owns the row;
        otherwise keep what the platform answered apart, for the operator and the owner."""
        async with self._db.write() as tx:
            result = await tx.execute(
                outbox.update().where(store.owned(message.id, owner)).values(owner=None, **values)
            )
            if result.rowcount:
                return
            detail = values.get("last_error")
            await store.keep_orphan(
                tx,
                message.id,
                owner,
                outcome,
                delivered.message_id if delivered else None,
                delivered.conversation_id if delivered else None,
                detail,
                self._clock,
            )
        log.warning(
            "outbox row %s (%s) was taken over by another drainer before this one finished; "
            "kept its answer apart: %s %s",
            message.id,
            message.key,
            outcome,
            delivered.message_id if delivered else detail,
        )
