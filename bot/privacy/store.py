"""Finding a member's data in every table that belongs to them.

A table belongs to members when it has a foreign key to members.id; each such table is found
from the table definitions, so a feature added later is exported and forgotten without being
listed here. Those foreign keys cascade on delete, so deleting the member row removes every
row of theirs. Messages queued or sent to the member (direct messages, and group
conversations such as matchup intros) are outbox rows, found by their target.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from bot.outbox import TargetKind
from bot.storage.tables import members, metadata, outbox
from bot.storage.transaction import Transaction

Record = dict[str, Any]


@functools.cache
def member_tables() -> tuple[tuple[sa.Table, tuple[sa.Column[Any], ...]], ...]:
    """Every table with a foreign key to members.id, with the columns that hold it."""
    found = []
    for table in metadata.sorted_tables:
        columns = tuple(fk.parent for fk in table.foreign_keys if fk.column is members.c.id)
        if columns:
            found.append((table, columns))
    return tuple(found)


def _owned(columns: tuple[sa.Column[Any], ...], member_id: int) -> sa.ColumnElement[bool]:
    return sa.or_(*(column == member_id for column in columns))


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _record(row: sa.RowMapping) -> Record:
    return {str(key): _plain(value) for key, value in row.items()}


def _addressed_to(community_id: int, user_id: str) -> sa.ColumnElement[bool]:
    """Outbox rows whose recipients include the member: `user_ids` is a comma-separated
    list, so the member's id is looked for between commas."""
    recipients = sa.literal(",") + outbox.c.user_ids + sa.literal(",")
    return sa.and_(
        outbox.c.community_id == community_id,
        outbox.c.target_kind.in_((TargetKind.DIRECT.value, TargetKind.GROUP.value)),
        recipients.contains(f",{user_id},", autoescape=True),
    )


async def member_row(tx: Transaction, member_id: int) -> Record:
    result = await tx.execute(sa.select(members).where(members.c.id == member_id))
    return _record(result.mappings().one())


async def rows(tx: Transaction, member_id: int) -> dict[str, list[Record]]:
    """Every row of the member's, by table name."""
    found: dict[str, list[Record]] = {}
    for table, columns in member_tables():
        result = await tx.execute(sa.select(table).where(_owned(columns, member_id)))
        found[table.name] = [_record(r) for r in result.mappings()]
    return found


async def counts(tx: Transaction, member_id: int) -> dict[str, int]:
    """How many rows of the member's each table holds, for the tables that hold any."""
    found: dict[str, int] = {}
    for table, columns in member_tables():
        count = await tx.scalar(
            sa.select(sa.func.count()).select_from(table).where(_owned(columns, member_id))
        )
        if count:
            found[table.name] = int(count)
    return found


async def messages_to_you(tx: Transaction, community_id: int, user_id: str) -> list[Record]:
    result = await tx.execute(
        sa.select(
            outbox.c.key,
            outbox.c.status,
            outbox.c.payload,
            outbox.c.created_at,
            outbox.c.sent_at,
        ).where(_addressed_to(community_id, user_id))
    )
    return [_record(r) for r in result.mappings()]


async def delete(tx: Transaction, community_id: int, member_id: int, user_id: str) -> None:
    """Delete the member and, through the cascades, everything of theirs."""
    await tx.execute(outbox.delete().where(_addressed_to(community_id, user_id)))
    await tx.execute(members.delete().where(members.c.id == member_id))
