"""Pooled PostgreSQL connections: pinged only after sitting unused, replaced when the server
dropped them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from bot.storage import database
from bot.storage.database import Database


async def _backend(db: Database) -> int:
    async with db.read() as tx:
        return int(await tx.scalar(sa.select(sa.func.pg_backend_pid())))


async def _drop_from_the_server(admin: Database, pid: int) -> None:
    async with admin.read() as tx:
        assert await tx.scalar(sa.select(sa.func.pg_terminate_backend(pid)))


@pytest.fixture
async def pooled(db: Database, database_url: str) -> Database:
    if db.dialect != "postgresql":
        pytest.skip("SQLite has no server to drop a connection")
    return Database.connect(database_url)


async def test_a_connection_idle_too_long_is_pinged_and_replaced_if_the_server_dropped_it(
    db: Database, pooled: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    try:
        dropped = await _backend(pooled)
        await _drop_from_the_server(db, dropped)
        monkeypatch.setattr(database, "PING_AFTER_IDLE", 0.0)
        assert await _backend(pooled) != dropped  # answered, on a new connection
    finally:
        await pooled.dispose()


async def test_a_connection_used_a_moment_ago_is_trusted_without_a_ping(
    db: Database, pooled: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "PING_AFTER_IDLE", 3600.0)
    try:
        dropped = await _backend(pooled)
        await _drop_from_the_server(db, dropped)
        with pytest.raises(DBAPIError):  # no ping: the one transaction on it fails
            await _backend(pooled)
        assert await _backend(pooled) != dropped  # and the pool has moved on
    finally:
        await pooled.dispose()
