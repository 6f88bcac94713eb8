"""Retention: sent and failed outbox rows are deleted some time after they were done with."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from bot.outbox import store
from bot.storage.database import Database

log = logging.getLogger(__name__)

RETENTION = timedelta(days=30)  # COHORT_OUTBOX_RETENTION_DAYS
PRUNE_EVERY = timedelta(hours=1)  # on the drainer's clock
PRUNE_BATCH = 500  # rows deleted per transaction
PRUNE_BATCHES = 20  # transactions per pruning; a larger backlog goes at the next


class Pruner:
    """Deletes one platform's outbox rows done with more than `retention` ago; its drainer
    asks it about once an hour."""

    def __init__(self, db: Database, platform: str, retention: timedelta = RETENTION) -> None:
        self._db = db
        self._platform = platform
        self._retention = retention
        self._next: datetime | None = None

    async def maybe(self, now: datetime) -> None:
        """Prune when an hour has passed since the last time (or never was), logging a
        failure rather than raising it: delivering matters more."""
        if self._next is not None and now < self._next:
            return
        self._next = now + PRUNE_EVERY
        try:
            await self.prune(now)
        except Exception:
            log.exception("pruning the outbox failed; trying again later")

    async def prune(self, now: datetime) -> int:
        """Delete this platform's rows sent or failed more than the retention period before
        `now`, in bounded batches (each its own short transaction, at most PRUNE_BATCHES of
        them per call; the rest waits for the next call); never a queued or sending row, nor
        one a queued row follows. How many rows were deleted.

        Pruning frees a row's idempotency key, so the same key could be queued again; no job
        does that for a key older than the retention period (at least 28 days): every key
        names the week, the day or the row it is about (a challenge, digest or prompt of a
        week, a reminder of a week or of a goal's due day, a summary of a marked post, a notice
        stamped with its time), and a job decides it only while running an occurrence of that
        week or the next (each occurrence is claimed once, in a row that is never pruned, and
        runs at most `catchup_hours`, at most 7 days, late) or on that day. So a key is decided
        within 21 days of its first decision, and its row was sent or failed after that
        decision (tests/bot/outbox/test_retention.py)."""
        before = now - self._retention
        deleted = 0
        for _ in range(PRUNE_BATCHES):
            async with self._db.write() as tx:
                ids = await store.expired(tx, self._platform, before, PRUNE_BATCH)
                await store.delete_rows(tx, ids)
            deleted += len(ids)
            if len(ids) < PRUNE_BATCH:
                break
        if deleted:
            log.info("outbox: deleted %d rows done with before %s", deleted, before.isoformat())
        return deleted
