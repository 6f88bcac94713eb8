"""Delivering due outbox rows: claims with an owner token and a renewed lease."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock
from bot.metrics import Metrics
from bot.outbox import store
from bot.outbox.model import (
    Message,
    PermanentFailure,
    RetryLater,
    RetryPolicy,
    Sender,
    Status,
    Superseded,
)
from bot.outbox.outcomes import Outcomes
from bot.outbox.pacer import Pacer
from bot.outbox.retention import RETENTION, Pruner
from bot.storage.database import Database
from bot.storage.tables import outbox
from bot.storage.transaction import Transaction

log = logging.getLogger(__name__)


class Drainer:
    """Delivers one platform's due outbox rows through its sender.

    Every claim carries an owner token, and every later write of a claimed row (renewing its
    lease, recording where it landed or why it failed) presents it: a drainer that lost its
    row to another (its lease ran out while its process was frozen) writes nothing, and what
    the platform answered it is logged and kept in `outbox_orphans` instead."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        sender: Sender,
        policy: RetryPolicy | None = None,
        batch: int | None = None,
        metrics: Metrics | None = None,
        retention: timedelta = RETENTION,
    ) -> None:
        self._db = db
        self._metrics = metrics or Metrics()
        self._platform = sender.platform.value
        self._clock = clock
        self._sender = sender
        self._policy = policy or RetryPolicy()
        self._batch = batch or batch_size(sender.global_per_second)
        self._pacer = Pacer(clock, sender.global_per_second, sender.channel_interval)
        self._wake = asyncio.Event()
        self._pruner = Pruner(db, sender.platform.value, retention)
        self._outcomes = Outcomes(db, clock, self._policy, self._metrics, self._platform)

    def wake(self) -> None:
        """Something was queued: look now instead of at the next poll."""
        self._wake.set()

    async def drain(self) -> int:
        """Deliver everything due now; returns how many rows were handled.

        Up to CLAIMS_AT_ONCE claims are delivered at the same time: while the rows of one wait
        out their channels' intervals (five posts for one channel take four intervals), the
        next claims' rows use the overall budget in between. Posts five to a channel took
        2.3x the platform's minimum one claim at a time, 1.33x two at a time and 1.05x three
        at a time (`python -m bench.fanout --channels 300 --per-channel 5`)."""
        handled = 0
        delivering: set[asyncio.Future[None]] = set()
        try:
            while True:
                claim = await self._claim() if len(delivering) < CLAIMS_AT_ONCE else None
                if claim is not None:
                    delivering.add(asyncio.ensure_future(self._deliver_claim(*claim)))
                    handled += len(claim[2])
                    continue
                if not delivering:
                    return handled
                done, delivering = await asyncio.wait(
                    delivering, return_when=asyncio.FIRST_COMPLETED
                )
                for finished in done:
                    finished.result()
        except asyncio.CancelledError:
            for task in delivering:
                task.cancel()
            raise
        finally:
            # A failed claim lets the deliveries under way finish; they hold their rows.
            await asyncio.gather(*delivering, return_exceptions=True)

    async def _deliver_claim(self, owner: str, lease: _Lease, messages: list[Message]) -> None:
        in_flight = {m.id for m in messages}
        renewing = asyncio.ensure_future(self._renew(owner, lease, in_flight))
        try:
            await asyncio.gather(*(self._deliver(owner, m, in_flight) for m in messages))
        finally:
            renewing.cancel()
            await asyncio.gather(renewing, return_exceptions=True)

    async def run(self, poll_seconds: float = 2.0) -> None:
        """Drain forever, waking on `wake()` or every `poll_seconds`."""
        while True:
            try:
                await self.drain()
            except Exception:
                log.exception("outbox drain failed; trying again shortly")
            await self._pruner.maybe(self._clock.now())
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=poll_seconds)

    async def _claim(self) -> tuple[str, _Lease, list[Message]] | None:
        """Claim a batch of due rows under a new owner token; None when nothing is due."""
        now = self._clock.now()
        lease_until = now + timedelta(seconds=self._policy.lease)
        platform = self._sender.platform.value
        # Rank before taking the write lock: most polls find nothing, and on SQLite every
        # command's write would wait behind an idle poll, or behind the ranking of a long
        # backlog.
        async with self._db.read() as tx:
            listed = await store.ranked_due(tx, platform, now, self._batch)
            if not listed:
                return None
        owner = uuid.uuid4().hex
        async with self._db.write() as tx:
            # Another process's drainer may have claimed them all meanwhile (PostgreSQL):
            # then rank again under the lock rather than wait for the next poll.
            ids = await store.lock_listed(tx, listed, platform, now) or await store.lock_due(
                tx, platform, now, self._batch
            )
            if not ids:
                return None
            ids = await self._give_up_crashing(tx, ids)
            if not ids:
                return None
            rows = await store.take(tx, ids, owner, lease_until)
            external = await store.external_ids(tx, {r.community_id for r in rows})
            conversations = await store.conversations(tx, {r.follows for r in rows if r.follows})
            landed = await store.orphaned_deliveries(tx, [r.id for r in rows if r.attempts])
        lease = _Lease(lease_until)
        return (
            owner,
            lease,
            [
                store.message(
                    row,
                    external[row.community_id],
                    conversations.get(row.follows),
                    landed.get(row.id),
                    functools.partial(self._opened, row.id, owner),
                    functools.partial(self._fence, row.id, owner, lease),
                    functools.partial(self._owned, row.id, owner, lease),
                )
                for row in rows
            ],
        )

    async def _give_up_crashing(self, tx: Transaction, ids: list[int]) -> list[int]:
        """Fail the rows whose deliveries were cut short too often (a row that brings its
        process down every time), and return the others."""
        limit = self._policy.max_recoveries
        reason = f"its delivery was cut short {limit} times (the process stopped)"
        failed = await store.fail_crashing(tx, ids, limit, reason)
        if failed:
            log.warning("outbox rows %s failed: %s", sorted(failed), reason)
        return [i for i in ids if i not in failed]

    async def _renew(self, owner: str, lease: _Lease, in_flight: set[int]) -> None:
        """Extend the lease of the rows still being delivered, long before it runs out, for
        as long as their delivery takes (pacing, a held channel, a slow platform)."""
        length = timedelta(seconds=self._policy.lease)
        while in_flight:
            await asyncio.sleep(self._policy.renew_check)
            now = self._clock.now()
            if lease.until - now > length / 2 or not in_flight:
                continue
            ids = sorted(in_flight)
            try:
                async with self._db.write() as tx:
                    result = await tx.execute(
                        outbox.update()
                        .where(
                            outbox.c.id.in_(ids),
                            outbox.c.owner == owner,
                            outbox.c.status == Status.SENDING.value,
                            # A lease that ran out is not revived in the background: another
                            # drainer may be taking the row over; the fence asks instead.
                            outbox.c.lease_until > now,
                        )
                        .values(lease_until=now + length)
                    )
            except Exception:
                log.exception("could not renew the outbox lease; trying again")
                continue
            if result.rowcount == len(ids):
                lease.until = now + length
            # Otherwise some rows were taken over (or just finished): `lease.until` stays
            # as it was, so each row's fence asks the database before its next platform call.

    async def _fence(self, message_id: int, owner: str, lease: _Lease) -> None:
        """Called by a sender right before each call that posts: raise Superseded unless the
        row is still this drainer's. Free while the lease is fresh; once it may have run out
        (the process was frozen, the event loop stalled) the database says, and the row's
        lease is renewed on the way."""
        length = timedelta(seconds=self._policy.lease)
        now = self._clock.now()
        if lease.until - now > length / 4:
            return
        async with self._db.write() as tx:
            result = await tx.execute(
                outbox.update()
                .where(store.owned(message_id, owner))
                .values(lease_until=now + length)
            )
        if not result.rowcount:
            raise Superseded(f"outbox row {message_id}")

    async def _owned(self, message_id: int, owner: str, lease: _Lease) -> bool:
        """Asked by a sender after a post landed: whether the row is still this drainer's
        (the fence's question, answered instead of raised)."""
        try:
            await self._fence(message_id, owner, lease)
        except Superseded:
            return False
        return True

    async def _opened(self, message_id: int, owner: str, conversation_id: str) -> None:
        """Record the conversation a delivery opened (a Discord thread) before anything is
        posted in it, so that a later attempt posts there instead of opening another."""
        async with self._db.write() as tx:
            result = await tx.execute(
                outbox.update()
                .where(store.owned(message_id, owner))
                .values(conversation_id=conversation_id[:100])
            )
            if not result.rowcount:
                await store.keep_orphan(
                    tx, message_id, owner, "opened", None, conversation_id, None, self._clock
                )
                raise Superseded(conversation_id)

    async def _deliver(self, owner: str, message: Message, in_flight: set[int]) -> None:
        try:
            if message.landed is not None:
                log.info("outbox row %s had already landed as %s", message.id, message.landed)
                await self._outcomes.sent(owner, message, message.landed)
            else:
                await self._attempt(owner, message)
        except Superseded:
            log.warning("outbox row %s was taken over by another drainer; left to it", message.id)
        finally:
            in_flight.discard(message.id)

    async def _attempt(self, owner: str, message: Message) -> None:
        channel = message.target.channel_id or ",".join(message.target.user_ids)
        await self._pacer.wait(channel)
        try:
            async with asyncio.timeout(self._policy.delivery_timeout):
                delivered = await self._sender.deliver(message)
        except RetryLater as retry:
            if retry.rate_limited:
                self._metrics.rate_limited.labels(self._platform).inc()
            if retry.after:
                self._pacer.hold_channel(channel, retry.after)
            await self._outcomes.retry_later(owner, message, retry)
        except PermanentFailure as failure:
            await self._outcomes.fail(owner, message, failure.reason)
        except TimeoutError:
            reason = f"no answer in {self._policy.delivery_timeout:g} s"
            await self._outcomes.retry(owner, message, reason, None)
        except Superseded:
            raise
        except Exception as error:
            log.exception("sender crashed on outbox row %s", message.id)
            reason = f"unexpected error: {type(error).__name__}"
            await self._outcomes.retry(owner, message, reason, None)
        else:
            await self._outcomes.sent(owner, message, delivered)


@dataclass
class _Lease:
    """How long this drainer's claim is known to hold: until its last successful renewal."""

    until: datetime


BATCH_SECONDS = 10.0  # a claim holds about this much sending at the sender's pace
CLAIMS_AT_ONCE = 3
MAX_BATCH = 100


def batch_size(per_second: float) -> int:
    """How many rows one claim takes: about BATCH_SECONDS of sending at the sender's pace, so
    that several processes share a backlog and a crash strands few rows."""
    if per_second <= 0:
        return MAX_BATCH
    return max(1, min(MAX_BATCH, int(per_second * BATCH_SECONDS)))
