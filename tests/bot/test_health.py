"""Readiness: the database must answer, and every platform that registered must be connected."""

from __future__ import annotations

from bot.health import Health
from bot.storage.database import Database


async def test_a_database_that_does_not_answer_is_not_ready() -> None:
    unreachable = Database.connect("postgresql+asyncpg://cohort@127.0.0.1:1/nothing-listens")
    try:
        readiness = await Health(unreachable).readiness()
    finally:
        await unreachable.dispose()
    assert (readiness.ready, readiness.checks) == (False, {"database": False})


async def test_a_probe_that_fails_or_hangs_counts_as_not_connected(db: Database) -> None:
    async def broken() -> bool:
        raise ConnectionError("gone")

    health = Health(db)
    health.watch("discord", broken)
    readiness = await health.readiness()
    assert readiness.checks == {"database": True, "discord": False}
    assert not readiness.ready
