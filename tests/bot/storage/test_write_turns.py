"""Writers of one process take their turns for the write lock in the order they asked, the
moment it is free (on SQLite; PostgreSQL locks rows), so a command never starves behind the
scheduler's back-to-back transactions."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa

from bot.storage import database
from bot.storage.database import Database
from bot.storage.host_tables import host_values


async def test_writers_waiting_for_the_lock_get_it_in_the_order_they_asked(db: Database) -> None:
    order: list[str] = []
    holding, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with db.write():
            holding.set()
            await release.wait()
            order.append("holder")

    async def writer(name: str) -> None:
        async with db.write() as tx:
            order.append(name)
            await tx.execute(sa.delete(host_values).where(host_values.c.key == name))

    first = asyncio.ensure_future(holder())
    await holding.wait()
    waiting = [asyncio.ensure_future(writer(name)) for name in ("command", "job", "another")]
    await asyncio.sleep(0.05)  # all three are waiting now (on SQLite)
    if db.dialect == "sqlite":
        assert order == []
    release.set()
    await asyncio.wait_for(asyncio.gather(first, *waiting), 10)
    if db.dialect == "sqlite":
        assert order == ["holder", "command", "job", "another"]
    else:  # rows, not the file, are locked: nobody waited
        assert sorted(order) == ["another", "command", "holder", "job"]


async def test_a_write_nested_in_a_write_fails_after_the_wait_instead_of_hanging(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db.dialect != "sqlite":
        pytest.skip("PostgreSQL has no write turns: a nested write is a second connection")
    monkeypatch.setattr(database, "WRITE_WAIT", 0.2)
    async with db.write():
        with pytest.raises(database.DatabaseBusy, match="nested in a write"):
            await asyncio.wait_for(_nested(db), 5)
    async with db.write() as tx:  # the turn was given back
        await tx.execute(sa.delete(host_values).where(host_values.c.key == "after"))


async def _nested(db: Database) -> None:
    async with db.write():
        pass
