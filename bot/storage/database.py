"""The async engine: SQLite (WAL, busy timeout, foreign keys, BEGIN IMMEDIATE for writes) or
PostgreSQL through asyncpg, behind one small `Database` object."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.interactive import is_interactive
from bot.storage.sqlite_trips import one_trip_dbapi
from bot.storage.transaction import Transaction

log = logging.getLogger(__name__)

_WRITE = "cohort_write"

WRITE_WAIT = 30.0
"""Seconds a write waits for the database: SQLite's busy timeout, and on SQLite also the
wait for this process's own write turn."""


PING_AFTER_IDLE = 10.0
"""Seconds a pooled PostgreSQL connection may sit unused before it is pinged again."""
_RETURNED = "cohort_returned_at"


class DatabaseBusy(Exception):
    """A write waited WRITE_WAIT seconds and the database was still taken."""


class _Turns:
    """This process's SQLite writers, one at a time, handed over the moment the writer before
    is done: the waiting writers of members' commands first (`bot.interactive`), then the
    others, each in order of asking. In bench/scale.py the slowest check-ins spent 149 of
    their 213 ms waiting behind the scheduler's jobs and the outbox's outcomes."""

    def __init__(self) -> None:
        self._busy = False
        self._waiting: tuple[deque[asyncio.Future[None]], deque[asyncio.Future[None]]] = (
            deque(),
            deque(),
        )

    async def acquire(self, first: bool) -> None:
        if not self._busy:
            self._busy = True
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        queue = self._waiting[0 if first else 1]
        queue.append(turn)
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():
                self.release()  # handed the turn just as it gave up: pass it on
            elif turn in queue:  # a release since it gave up already dropped it
                queue.remove(turn)
            raise

    def release(self) -> None:
        for queue in self._waiting:
            while queue:
                turn = queue.popleft()
                if not turn.done():
                    turn.set_result(None)  # still busy: the turn passes straight on
                    return
        self._busy = False


class Database:
    """Opens transactions. `write()` takes SQLite's write lock up front (BEGIN IMMEDIATE) so a
    read-modify-write never fails half-way with 'database is locked'; `read()` does not."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        # Whether other processes may write to this database at the same time, so that work
        # they all schedule must be divided (PostgreSQL; SQLite has one writing process).
        self.shared = self.dialect != "sqlite"
        self._writers: tuple[asyncio.AbstractEventLoop, _Turns] | None = None

    @classmethod
    def connect(cls, url: str, *, echo: bool = False) -> Database:
        parsed = make_url(url)
        if parsed.get_backend_name() == "sqlite":
            database = parsed.database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            engine = create_async_engine(
                url, echo=echo, connect_args={"timeout": WRITE_WAIT}, module=one_trip_dbapi()
            )
            _configure_sqlite(engine)
        else:
            engine = create_async_engine(url, echo=echo)
            _ping_when_idle(engine)
        return cls(engine)

    @asynccontextmanager
    async def write(self) -> AsyncIterator[Transaction]:
        async with self._turn(), self.engine.connect() as conn:
            conn = await conn.execution_options(**{_WRITE: True})
            async with conn.begin():
                yield Transaction(conn)

    @asynccontextmanager
    async def _turn(self) -> AsyncIterator[None]:
        """On SQLite, this process's writers take their turns, interactive ones first. SQLite's
        own busy handler polls with sleeps of up to 100 ms, so a command waiting for the write
        lock kept losing it to the scheduler's back-to-back transactions (a command p99 of
        over a second in bench/scale.py); a queue hands the lock over as soon as it is free.
        Other processes still wait with the busy timeout. PostgreSQL locks rows, not the
        file."""
        if self.dialect != "sqlite":
            yield
            return
        loop = asyncio.get_running_loop()
        if self._writers is None or self._writers[0] is not loop:
            self._writers = (loop, _Turns())
        turn = self._writers[1]
        try:
            # As long as SQLite's own busy timeout: a writer nested in another of this
            # process's writes (a bug) fails as it did before the queue, instead of hanging.
            async with asyncio.timeout(WRITE_WAIT):
                await turn.acquire(is_interactive())
        except TimeoutError:
            raise DatabaseBusy(
                f"no write turn within {WRITE_WAIT:g} s: another write of this process "
                "holds it (a write nested in a write never gets one)"
            ) from None
        try:
            yield
        finally:
            turn.release()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[Transaction]:
        async with self.engine.connect() as conn, conn.begin():
            yield Transaction(conn)

    async def scrub(self) -> None:
        """After a deletion that must leave no trace: on SQLite, copy the write-ahead log into
        the file and truncate it, so older copies of the deleted pages are gone from the log
        too (best effort: a reader still open keeps the log until it finishes). PostgreSQL
        reclaims dead rows with its own vacuum."""
        if self.dialect != "sqlite":
            return
        async with self.engine.connect() as conn:
            await conn.run_sync(_checkpoint)

    async def dispose(self) -> None:
        await self.engine.dispose()


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's BEGIN below be the only transaction control (pysqlite's own
        # implicit BEGIN would defeat BEGIN IMMEDIATE).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(WRITE_WAIT * 1000)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Deleted rows are overwritten with zeros, not left in free pages: forget-me must not
        # leave a member's words readable in the file.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Ping a pooled connection before handing it out only when it sat unused more than
    PING_AFTER_IDLE seconds, and hand out a new one if the ping fails (a restarted server, a
    connection dropped by a firewall). SQLAlchemy's pre-ping asks on every checkout, and on
    asyncpg a ping is three round trips (BEGIN, an empty statement, ROLLBACK): a one-query
    transaction then took six, each resumed by an event loop shared with the scheduler.
    A connection used within the last PING_AFTER_IDLE seconds is trusted: if the server went away
    meanwhile, the one transaction on it fails and the pool drops all its connections."""

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED)
        if returned is None or time.monotonic() - returned <= PING_AFTER_IDLE:
            return  # just opened, or used a moment ago
        try:
            dbapi_connection.ping()
        except Exception as error:
            raise sa.exc.DisconnectionError() from error  # the pool takes a new one


def _checkpoint(conn: sa.Connection) -> None:
    # On the driver's connection, outside any transaction (a checkpoint cannot run in one).
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        cursor.close()
