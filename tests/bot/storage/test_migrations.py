"""Migrations build exactly the schema the code declares, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from bot.storage import migrate
from bot.storage.database import Database
from bot.storage.tables import metadata


def _differences(connection: sa.Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": False}
    )
    return list(compare_metadata(context, metadata))


async def test_the_migrated_schema_matches_the_table_definitions(db: Database) -> None:
    async with db.read() as conn:
        differences = await conn.run_sync(_differences)
    assert differences == []


async def test_upgrading_an_up_to_date_database_changes_nothing(db: Database) -> None:
    await migrate.upgrade(db)
    assert await migrate.current_revision(db) == migrate.head_revision()
