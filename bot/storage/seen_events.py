"""Platform events already handled, remembered in the database so that every process agrees:
an event redelivered, or delivered to two processes, is handled by whichever records it first."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from bot.storage.database import Database
from bot.storage.tables import seen_events

REMEMBER = timedelta(hours=1)  # Slack retries an event for a few minutes at most
PRUNE_EVERY = timedelta(minutes=5)


class SeenEvents:
    """`first_time` records an event id and says whether this call recorded it. Expired ids
    are deleted now and then (at most every five minutes per process)."""

    def __init__(self, db: Database, platform: str, remember: timedelta = REMEMBER) -> None:
        self._db = db
        self._platform = platform
        self._remember = remember
        self._pruned_at: datetime | None = None

    async def first_time(self, event_id: str, now: datetime) -> bool:
        async with self._db.write() as tx:
            if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY:
                self._pruned_at = now
                await tx.execute(
                    sa.delete(seen_events).where(
                        seen_events.c.platform == self._platform,
                        seen_events.c.expires_at < now,
                    )
                )
            result = await tx.execute(
                tx.insert_ignoring_conflicts(
                    seen_events,
                    {
                        "platform": self._platform,
                        "event_id": event_id[:64],
                        "expires_at": now + self._remember,
                    },
                )
            )
            return bool(result.rowcount)
