"""Readiness of a running Cohort: the database answers and every platform is connected."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import sqlalchemy as sa

from bot.storage.database import Database

log = logging.getLogger(__name__)

Probe = Callable[[], Awaitable[bool]]
CHECK_SECONDS = 2.0  # a check that takes longer counts as failed


@dataclass(frozen=True, slots=True)
class Readiness:
    ready: bool
    checks: dict[str, bool]  # "database", "discord", "slack", ... -> passed


class Health:
    """Platforms register a probe when they start (`watch`) and drop it when they stop, so a
    platform that is configured but not yet connected, or gone, makes the process not ready."""

    def __init__(self, db: Database) -> None:
        self._db = db
        self._probes: dict[str, Probe] = {}

    def watch(self, name: str, probe: Probe) -> None:
        self._probes[name] = probe

    def lost(self, name: str) -> None:
        """A platform that stopped (or has not connected yet): not ready."""
        self._probes[name] = _not_yet

    async def readiness(self) -> Readiness:
        checks = {"database": await self._check("database", self._database)}
        for name, probe in list(self._probes.items()):
            checks[name] = await self._check(name, probe)
        return Readiness(all(checks.values()), checks)

    async def _database(self) -> bool:
        async with self._db.read() as conn:
            return await conn.scalar(sa.select(sa.literal(1))) == 1

    async def _check(self, name: str, probe: Probe) -> bool:
        try:
            async with asyncio.timeout(CHECK_SECONDS):
                return await probe()
        except Exception as error:
            log.debug("readiness check %s failed: %r", name, error)
            return False


async def _not_yet() -> bool:
    return False
