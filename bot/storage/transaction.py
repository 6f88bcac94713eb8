"""One open transaction, the only thing stores are handed: its connection and its SQL dialect."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Concatenate, ParamSpec, TypeVar, TypeVarTuple, overload

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.selectable import TypedReturnsRows
from sqlalchemy.util.typing import TupleAny

P = ParamSpec("P")
T = TypeVar("T")
Ts = TypeVarTuple("Ts")

Parameters = Mapping[str, Any] | Sequence[Mapping[str, Any]]


class Transaction:
    """A unit of work opened by `Database.read()` or `Database.write()`. Every difference
    between SQLite and PostgreSQL that a store needs lives here, so no store asks which
    database it runs on."""

    __slots__ = ("_connection", "dialect")

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self.dialect: str = connection.dialect.name

    @overload
    async def execute(
        self, statement: TypedReturnsRows[*Ts], parameters: Parameters | None = None
    ) -> CursorResult[*Ts]: ...

    @overload
    async def execute(
        self, statement: Executable, parameters: Parameters | None = None
    ) -> CursorResult[*TupleAny]: ...

    async def execute(
        self, statement: Executable, parameters: Parameters | None = None
    ) -> CursorResult[*TupleAny]:
        return await self._connection.execute(statement, parameters)

    @overload
    async def scalar(self, statement: TypedReturnsRows[T]) -> T | None: ...

    @overload
    async def scalar(self, statement: Executable) -> Any: ...

    async def scalar(self, statement: Executable) -> Any:
        return await self._connection.scalar(statement)

    @overload
    async def scalars(self, statement: TypedReturnsRows[T]) -> sa.ScalarResult[T]: ...

    @overload
    async def scalars(self, statement: Executable) -> sa.ScalarResult[Any]: ...

    async def scalars(self, statement: Executable) -> sa.ScalarResult[Any]:
        return await self._connection.scalars(statement)

    async def run_sync(
        self, work: Callable[Concatenate[sa.Connection, P], T], *args: P.args, **kwargs: P.kwargs
    ) -> T:
        """Run synchronous SQLAlchemy work (Alembic, schema comparison) on this connection."""
        return await self._connection.run_sync(work, *args, **kwargs)

    def insert(self, table: sa.Table) -> postgresql.Insert | sqlite.Insert:
        """This dialect's INSERT, which knows ON CONFLICT."""
        if self.dialect == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    async def insert_many(self, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert rows that all name the same columns, silently skipping those that violate a
        unique constraint, in one statement the driver runs for every row.

        The statement is compiled once and the values are converted by their columns' types
        here, a column at a time: SQLAlchemy's own executemany builds and converts each row's
        parameters on their own, which cost a refresh of 5,000 items more than the database's
        work did. A column whose rows all hold the same object (the round's timestamp) is
        converted once."""
        if not rows:
            return
        names = list(rows[0])
        dialect = self._connection.dialect
        compiled = (
            self.insert(table)
            .on_conflict_do_nothing()
            .compile(dialect=dialect, column_keys=names, for_executemany=True)
        )
        if compiled.positiontup is None:
            raise TypeError(f"{dialect.name}'s driver takes named parameters; only positional")
        values: list[list[Any]] = []
        for name in compiled.positiontup:
            column = [row[name] for row in rows]
            process = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
            if process is None:
                values.append(column)
            elif all(value is column[0] for value in column):
                values.append([process(column[0])] * len(column))
            else:
                values.append([process(value) for value in column])
        parameters = list(zip(*values, strict=True))
        await self._connection.exec_driver_sql(compiled.string, parameters)

    def insert_ignoring_conflicts(self, table: sa.Table, values: Parameters) -> sa.Insert:
        """An INSERT that silently skips rows violating a unique constraint."""
        return self.insert(table).values(values).on_conflict_do_nothing()

    def upsert(self, table: sa.Table, values: Mapping[str, Any], key: Sequence[str]) -> sa.Insert:
        """An INSERT that updates the non-key columns when the key already exists."""
        updates = {k: v for k, v in values.items() if k not in key}
        return (
            self.insert(table)
            .values(values)
            .on_conflict_do_update(index_elements=list(key), set_=updates)
        )
