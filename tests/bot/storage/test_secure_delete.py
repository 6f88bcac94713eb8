"""SQLite overwrites deleted rows: a deleted member's words are not left in the file's bytes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.storage.database import Database
from bot.storage.tables import communities, members


def _log_size(path: Path) -> int:
    wal = Path(f"{path}-wal")
    return wal.stat().st_size if wal.exists() else 0


def _bytes(path: Path) -> bytes:
    return path.read_bytes()


async def test_a_deleted_row_leaves_no_bytes_in_the_file_or_its_log(
    db: Database, database_url: str
) -> None:
    if db.dialect != "sqlite":
        pytest.skip("reads the SQLite file's bytes")
    now = datetime(2026, 1, 1, tzinfo=UTC)
    async with db.write() as tx:
        await tx.execute(
            communities.insert().values(id=1, platform="console", external_id="t", created_at=now)
        )
        for user in ("keep", "gone"):
            await tx.execute(
                members.insert().values(
                    community_id=1,
                    user_id=f"{user}-user",
                    display_name=f"Name{user}quillbrand",
                    timezone="UTC",
                    start_date=date(2026, 1, 1),
                    weekly_hours=5,
                    joined_at=now,
                )
            )
    async with db.write() as tx:
        await tx.execute(members.delete().where(members.c.user_id == "gone-user"))
    await db.scrub()
    path = Path(str(make_url(database_url).database))
    assert _log_size(path) == 0  # the log was folded into the file and truncated
    await db.dispose()
    raw = _bytes(path)
    assert b"Namegonequillbrand" not in raw
    assert b"gone-user" not in raw
    assert b"Namekeepquillbrand" in raw
