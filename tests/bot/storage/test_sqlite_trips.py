"""SQLite statements take one trip to aiosqlite's thread each, and SQLAlchemy still sees
what a DB-API cursor tells: rows, row counts, new ids, many rows at once, errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from bot.storage.database import Database

metadata = sa.MetaData()
notes = sa.Table(
    "notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("text", sa.String(20), nullable=False, unique=True),
)


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[Database]:
    db = Database.connect(f"sqlite+aiosqlite:///{tmp_path / 'trips.db'}")
    async with db.write() as tx:
        await tx.run_sync(metadata.create_all)
    yield db
    await db.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of each function aiosqlite ran on its thread."""
    made: list[str] = []
    run_on_thread: Any = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        made.append(getattr(fn, "__name__", repr(fn)))
        return await run_on_thread(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return made


async def test_a_select_is_one_trip_to_the_thread(sqlite: Database, trips: list[str]) -> None:
    async with sqlite.read() as tx:
        trips.clear()  # the transaction's BEGIN is a statement of its own
        rows = (await tx.execute(sa.select(sa.literal(1).label("one"), sa.literal("x")))).all()
        assert len(trips) == 1  # SQLAlchemy's own adapter makes four: cursor, execute, fetch, close
    assert [tuple(r) for r in rows] == [(1, "x")]


async def test_rows_counts_and_new_ids_come_back(sqlite: Database) -> None:
    async with sqlite.write() as tx:
        inserted = await tx.execute(notes.insert().values(text="first"))
        assert inserted.inserted_primary_key == (1,)
        await tx.execute(notes.insert(), [{"text": "second"}, {"text": "third"}])  # many
        updated = await tx.execute(notes.update().where(notes.c.id > 1).values(text=notes.c.text))
        assert updated.rowcount == 2
    async with sqlite.read() as tx:
        result = await tx.execute(sa.select(notes.c.id, notes.c.text).order_by(notes.c.id))
        assert list(result.keys()) == ["id", "text"]
        assert [tuple(r) for r in result] == [(1, "first"), (2, "second"), (3, "third")]
        assert await tx.scalar(sa.select(notes.c.text).where(notes.c.id == 9)) is None


async def test_an_error_is_sqlalchemys_and_the_transaction_rolls_back(sqlite: Database) -> None:
    async def twice() -> None:
        async with sqlite.write() as tx:
            await tx.execute(notes.insert().values(text="same"))
            await tx.execute(notes.insert().values(text="same"))

    with pytest.raises(IntegrityError):
        await twice()
    async with sqlite.read() as tx:
        assert await tx.scalar(sa.select(sa.func.count()).select_from(notes)) == 0
