"""One open transaction, the only thing stores are handed: its connection and its SQL dialect."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Concatenate, ParamSpec, TypeVar, TypeVarTuple, overload

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import CursorResult
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.selectable import TypedReturnsRows
from sqlalchemy.util.typing import TupleAny

from bot.storage.columns import UtcDateTime

P = ParamSpec("P")
T = TypeVar("T")
Ts = TypeVarTuple("Ts")

Parameters = Mapping[str, Any] | Sequence[Mapping[str, Any]]

_MATCHING = "matching_key"  # the bound name of the key an UPDATE run for many rows matches


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

    async def try_lock(self, name: str) -> bool:
        """Hold the lock called `name` until this transaction ends, if no other transaction
        holds it; False at once if one does. On PostgreSQL a transaction-level advisory lock
        (released by commit, rollback, or the session ending with its process); on SQLite,
        where a write transaction already excludes every other, always True."""
        (held,) = await self.try_locks([name])
        return held

    async def try_locks(self, names: Sequence[str]) -> list[bool]:
        """`try_lock` for each name, in one round trip: whether each was got."""
        if self.dialect != "postgresql" or not names:
            return [True] * len(names)
        keys = (
            int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), signed=True)
            for name in names
        )
        locks = await self.execute(sa.select(*(sa.func.pg_try_advisory_xact_lock(k) for k in keys)))
        return [bool(held) for held in locks.one()]

    def insert(self, table: sa.Table) -> postgresql.Insert | sqlite.Insert:
        """This dialect's INSERT, which knows ON CONFLICT."""
        if self.dialect == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)

    async def insert_many(self, table: sa.Table, rows: Sequence[Mapping[str, Any]]) -> None:
        """Insert rows that all name the same columns, silently skipping those that violate a
        unique constraint: :meth:`insert_columns` with the rows' values gathered by column."""
        if rows:
            await self.insert_columns(
                table, {name: [row[name] for row in rows] for name in rows[0]}
            )

    async def insert_columns(self, table: sa.Table, columns: Mapping[str, Sequence[Any]]) -> None:
        """Insert the rows whose values `columns` holds, a list per column name (all of one
        length), silently skipping those that violate a unique constraint, in one statement the
        driver runs for every row.

        The statement is compiled once and the values are converted by their columns' types
        here, a column at a time: SQLAlchemy's own executemany builds and converts each row's
        parameters on their own, which cost a refresh of 5,000 items more than the database's
        work did. A column whose rows all hold the same object (the round's timestamp) is
        converted once; a column of UTC datetimes on SQLite is written as the text SQLAlchemy
        writes, without its two layers of processing per value."""
        statement = self.insert(table).on_conflict_do_nothing()
        await self._each_row(statement, table, list(columns), columns)

    async def update_columns(
        self, table: sa.Table, key: str, columns: Mapping[str, Sequence[Any]]
    ) -> None:
        """Set, in the row whose `key` column holds `columns[key][i]`, every other column
        named to its i-th value: one statement the driver runs for every row, its values
        converted a column at a time, as :meth:`insert_columns` does."""
        statement = table.update().where(table.c[key] == sa.bindparam(_MATCHING))
        updated = {name: values for name, values in columns.items() if name != key}
        await self._each_row(
            statement, table, list(updated), {**updated, _MATCHING: columns[key]}, key
        )

    async def _each_row(
        self,
        statement: sa.Insert | sa.Update,
        table: sa.Table,
        column_keys: list[str],
        columns: Mapping[str, Sequence[Any]],
        key: str = "",
    ) -> None:
        """Run `statement`, compiled once, for every row of `columns` (a list per bound
        name), with values converted as the table's columns would (`key`'s for the bound
        name _MATCHING)."""
        count = len(next(iter(columns.values()), ()))
        if not count:
            return
        dialect = self._connection.dialect
        compiled = statement.compile(dialect=dialect, column_keys=column_keys, for_executemany=True)
        if compiled.positiontup is None:
            raise TypeError(f"{dialect.name}'s driver takes named parameters; only positional")
        values: list[Sequence[Any]] = []
        for name in compiled.positiontup:
            column = columns[name]
            if len(column) != count:
                raise ValueError(f"column {name} has {len(column)} values, not {count}")
            convert = _converter(table.c[key if name == _MATCHING else name].type, dialect)
            if convert is None:
                values.append(column)
            elif all(value is column[0] for value in column):
                values.append(convert([column[0]]) * count)
            else:
                values.append(convert(column))
        parameters = list(zip(*values, strict=True))
        await self._connection.exec_driver_sql(compiled.string, parameters)

    def first_of_each(
        self,
        groups: sa.Select[int],
        table: sa.Table,
        group_column: str,
        columns: Sequence[str],
        where: Callable[[sa.FromClause], sa.ColumnElement[bool]],
        order_by: Callable[[sa.FromClause], Sequence[sa.ColumnElement[Any]]],
        limit: int,
    ) -> sa.Select[*TupleAny]:
        """The `columns` of the first `limit` rows of `table` (by `order_by`, among those
        `where` admits) for each id `groups` selects, as rows of (group id, *columns). Each
        group's rows are read on their own, where ranking every row of every group with a
        window function read and sorted them all: choosing a digest's 1,200 candidates among
        the 5,100 unseen items of 200 feeds cost 28 ms of CPU that way on SQLite, 15 ms this
        way. A lateral join on PostgreSQL; on SQLite, which has none, a correlated list of
        ids."""
        group = groups.subquery()
        inner = table.alias()
        first = (
            sa.select(inner.c.id)
            .where(inner.c[group_column] == group.c[0], where(inner))
            .order_by(*order_by(inner))
            .limit(limit)
        )
        if self.dialect == "postgresql":
            each = first.with_only_columns(*(inner.c[name] for name in columns)).lateral()
            return sa.select(group.c[0], *each.c).select_from(group.join(each, sa.true()))
        return sa.select(group.c[0], *(table.c[name] for name in columns)).select_from(
            group.join(table, table.c.id.in_(first))
        )

    def insert_ignoring_conflicts(
        self, table: sa.Table, values: Parameters | None = None
    ) -> sa.Insert:
        """An INSERT that silently skips rows violating a unique constraint. Without `values`,
        the rows are given to `execute`: one compiled statement whatever their number."""
        insert = self.insert(table)
        return (insert if values is None else insert.values(values)).on_conflict_do_nothing()

    def upsert(self, table: sa.Table, values: Mapping[str, Any], key: Sequence[str]) -> sa.Insert:
        """An INSERT that updates the non-key columns when the key already exists."""
        updates = {k: v for k, v in values.items() if k not in key}
        return (
            self.insert(table)
            .values(values)
            .on_conflict_do_update(index_elements=list(key), set_=updates)
        )


_SQLITE_DATETIME = (
    "%(year)04d-%(month)02d-%(day)02d %(hour)02d:%(minute)02d:%(second)02d.%(microsecond)06d"
)


def _converter(
    column_type: sa.types.TypeEngine[Any], dialect: sa.Dialect
) -> Callable[[Sequence[Any]], list[Any]] | None:
    """What converts a column of values for the driver, as the column's type would one by one;
    None when the driver takes them as they are."""
    impl = column_type.dialect_impl(dialect)
    # A type decorator's own dialect impl is the decorator; the type it stores as is its `impl`.
    stored_as = getattr(impl, "impl", None)
    if (
        isinstance(column_type, UtcDateTime)
        and isinstance(stored_as, sqlite.DATETIME)
        and getattr(stored_as, "_storage_format", None) == _SQLITE_DATETIME
    ):
        return utc_texts
    process = impl.bind_processor(dialect)
    if process is None:
        return None
    return lambda column: [process(value) for value in column]


def utc_texts(column: Sequence[datetime | None]) -> list[str | None]:
    """The texts UtcDateTime stores on SQLite for aware datetimes (UTC, to the microsecond, as
    SQLAlchemy's SQLite DATETIME writes them): ValueError for a naive one, as the type raises."""
    texts: list[str | None] = []
    for value in column:
        if value is None:
            texts.append(None)
            continue
        if value.tzinfo is not UTC:
            if value.utcoffset() is None:
                raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
            value = value.astimezone(UTC)
        texts.append(value.isoformat(" ", "microseconds")[:26])
    return texts
