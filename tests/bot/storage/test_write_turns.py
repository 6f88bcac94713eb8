"""Writers of one process take their turns for the write lock the moment it is free, a
member's command before the background's waiting writes and each kind in the order they
asked (on SQLite; PostgreSQL locks rows), so a command never starves behind the scheduler's
back-to-back transactions."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
import sqlalchemy as sa

from bot.interactive import interactive
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


async def _held(db: Database) -> tuple[asyncio.Future[None], asyncio.Event]:
    """A write that holds the turn until the event is set."""
    holding, release = asyncio.Event(), asyncio.Event()

    async def holder() -> None:
        async with db.write():
            holding.set()
            await release.wait()

    first = asyncio.ensure_future(holder())
    await holding.wait()
    return first, release


async def test_a_command_s_write_goes_before_the_background_writes_waiting(db: Database) -> None:
    if db.dialect != "sqlite":
        pytest.skip("PostgreSQL has no write turns: rows, not the file, are locked")
    order: list[str] = []

    async def writer(name: str, command: bool) -> None:
        with interactive() if command else contextlib.nullcontext():
            async with db.write() as tx:
                order.append(name)
                await tx.execute(sa.delete(host_values).where(host_values.c.key == name))

    first, release = await _held(db)
    waiting = [
        asyncio.ensure_future(writer(name, command))
        for name, command in (("job", False), ("outcome", False), ("checkin", True), ("join", True))
    ]
    await asyncio.sleep(0.05)
    release.set()
    await asyncio.wait_for(asyncio.gather(first, *waiting), 10)
    assert order == ["checkin", "join", "job", "outcome"]


async def test_a_writer_that_gives_up_waiting_leaves_the_turns_to_the_others(
    db: Database,
) -> None:
    if db.dialect != "sqlite":
        pytest.skip("PostgreSQL has no write turns")
    order: list[str] = []

    async def writer(name: str) -> None:
        async with db.write():
            order.append(name)

    first, release = await _held(db)
    impatient = asyncio.ensure_future(writer("impatient"))
    patient = asyncio.ensure_future(writer("patient"))
    await asyncio.sleep(0.02)
    impatient.cancel()
    release.set()
    await asyncio.wait_for(asyncio.gather(first, patient), 10)
    assert order == ["patient"]
    async with db.write():  # and the turn is free again
        order.append("after")
    assert order == ["patient", "after"]


async def test_a_writer_cancelled_just_before_a_release_is_still_cancelled() -> None:
    """The writer gave up (its task cancelled), and the writer before released the turn
    before it ran again, passing its cancelled turn over: it must end cancelled, not with
    another error, or a caller that logs errors and goes on (the outbox's pruner) swallows
    the cancellation and never stops (the scale bench's week then hung at its end)."""
    turns = database._Turns()
    await turns.acquire(False)
    waiting = asyncio.ensure_future(turns.acquire(False))
    await asyncio.sleep(0)  # it waits for its turn
    waiting.cancel()
    turns.release()  # before the cancelled writer runs again
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await asyncio.wait_for(turns.acquire(True), 1)  # the turn is free


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
