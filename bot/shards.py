"""Discord shards claimed through the database, so that several processes on PostgreSQL share
them and never run the same one: each shard is a row leased to one process at a time.

A process claims free shards when it starts (up to its share), renews its leases while it
runs, and takes over the shards of a process that died once their lease has run out. A shard
is free when its lease has passed: at once after a clean stop (`release`), a lease after a
crash. A running process leaves a starting one the first chance: it takes over a shard whose
holder died one lease after that lease ran out, and a shard nobody held (never claimed yet, or
released by a clean stop) only after three leases, so the shards stay spread over the
processes that are starting or restarting.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta

import sqlalchemy as sa

from bot.clock import Clock
from bot.storage.database import Database
from bot.storage.tables import shard_leases
from bot.storage.transaction import Transaction

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=20)
UNHELD_LEASES = 3  # a shard nobody holds waits this many leases for a starting process


class ShardCountMismatch(Exception):
    """Processes disagree on DISCORD_SHARD_COUNT: running both would split servers wrongly."""


class ShardLeases:
    """The shards of `count` that this process holds (`held`), claimed with its own owner
    token. Every write checks that token, so a lease another process took over is never
    renewed by this one."""

    def __init__(
        self, db: Database, clock: Clock, count: int, lease: timedelta | None = None
    ) -> None:
        self._db = db
        self._clock = clock
        self.count = count
        self.lease = lease or LEASE
        self.owner = uuid.uuid4().hex
        self.held: set[int] = set()

    async def claim(self, limit: int | None = None, *, starting: bool = True) -> set[int]:
        """Claim free shards, up to `limit` held in all; returns the ones claimed now.
        `starting=False` (a running process looking for orphans) takes a dead holder's shard
        one lease after its lease ran out, and a shard nobody held after three."""
        now = self._clock.now()
        if starting:
            free = shard_leases.c.lease_until <= now
        else:
            free = sa.or_(
                sa.and_(
                    shard_leases.c.owner.is_not(None),
                    shard_leases.c.lease_until <= now - self.lease,
                ),
                shard_leases.c.lease_until <= now - self.lease * UNHELD_LEASES,
            )
        wanted = self.count if limit is None else max(0, limit - len(self.held))
        if wanted == 0:
            return set()
        async with self._db.write() as tx:
            await self._check_count(tx, now)
            await tx.execute(
                tx.insert_ignoring_conflicts(
                    shard_leases,
                    [
                        {"shard_id": i, "shard_count": self.count, "lease_until": now}
                        for i in range(self.count)
                    ],
                )
            )
            candidates = (
                sa.select(shard_leases.c.shard_id)
                .where(shard_leases.c.shard_id < self.count, free)
                .order_by(shard_leases.c.shard_id)
                .limit(wanted)
                .with_for_update(skip_locked=True)
            )
            ids = [row.shard_id for row in await tx.execute(candidates)]
            if ids:
                await tx.execute(
                    shard_leases.update()
                    .where(shard_leases.c.shard_id.in_(ids))
                    .values(
                        owner=self.owner,
                        shard_count=self.count,
                        lease_until=now + self.lease,
                        claimed_at=now,
                    )
                )
        claimed = set(ids)
        self.held |= claimed
        if claimed:
            log.info("claimed Discord shard(s) %s of %d", sorted(claimed), self.count)
        return claimed

    async def renew(self) -> set[int]:
        """Extend the leases still held; returns the shards lost (taken over after this
        process was frozen or cut off past its lease), which it must stop running."""
        if not self.held:
            return set()
        now = self._clock.now()
        async with self._db.write() as tx:
            mine = sa.and_(
                shard_leases.c.shard_id.in_(sorted(self.held)),
                shard_leases.c.owner == self.owner,
                shard_leases.c.lease_until > now,
            )
            kept = {
                r.shard_id for r in await tx.execute(sa.select(shard_leases.c.shard_id).where(mine))
            }
            await tx.execute(shard_leases.update().where(mine).values(lease_until=now + self.lease))
        lost = self.held - kept
        if lost:
            log.error("lost the lease of Discord shard(s) %s", sorted(lost))
        self.held = kept
        return lost

    async def release(self) -> None:
        """Give the shards up at once (a clean stop), for another process to take."""
        if not self.held:
            return
        async with self._db.write() as tx:
            await tx.execute(
                shard_leases.update()
                .where(shard_leases.c.owner == self.owner)
                .values(owner=None, lease_until=self._clock.now())
            )
        log.info("released Discord shard(s) %s", sorted(self.held))
        self.held = set()

    async def holders(self) -> dict[int, str | None]:
        """Every shard and the process holding it now (None: free), for gauges and tests."""
        now = self._clock.now()
        async with self._db.read() as tx:
            rows = await tx.execute(sa.select(shard_leases))
            return {
                r.shard_id: (r.owner if r.owner and r.lease_until > now else None) for r in rows
            }

    async def _check_count(self, tx: Transaction, now: datetime) -> None:
        other = await tx.scalar(
            sa.select(shard_leases.c.shard_count)
            .where(shard_leases.c.lease_until > now, shard_leases.c.shard_count != self.count)
            .limit(1)
        )
        if other is not None:
            raise ShardCountMismatch(
                f"another process runs {other} Discord shards and this one was told "
                f"{self.count}: stop every process before changing DISCORD_SHARD_COUNT"
            )
