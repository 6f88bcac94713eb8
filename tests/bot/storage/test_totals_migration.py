"""Upgrading a community with check-ins already written fills in every member's kept totals
and the community's kept count of check-ins per week."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command

from bot.storage.database import Database
from bot.storage.migrate import alembic_config, upgrade

ROWS = [
    # (member id, week, hours); member 2 has two check-ins, member 3 none
    (1, "2026-11-16", 4),
    (2, "2026-11-09", 3),
    (2, "2026-11-16", 5),
]


def _to_0013(connection: sa.Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "0013")


async def test_the_migration_counts_each_members_check_ins_hours_and_newest_week(
    tmp_path: Path,
) -> None:
    db = Database.connect(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    async with db.write() as tx:
        await tx.run_sync(_to_0013)
    async with db.write() as tx:
        now = "2026-11-20 12:00:00.000000"
        await tx.execute(
            sa.text(
                "INSERT INTO communities (id, platform, external_id, created_at) "
                "VALUES (1, 'console', 'c', :now)"
            ),
            {"now": now},
        )
        for member_id in (1, 2, 3):
            await tx.execute(
                sa.text(
                    "INSERT INTO members (id, community_id, user_id, display_name, timezone, "
                    "start_date, weekly_hours, joined_at) "
                    "VALUES (:id, 1, :user, :user, 'UTC', '2026-11-01', 5, :now)"
                ),
                {"id": member_id, "user": f"u{member_id}", "now": now},
            )
        for member_id, week, hours in ROWS:
            await tx.execute(
                sa.text(
                    "INSERT INTO checkins (member_id, week_start, done, hours, created_at, "
                    "updated_at) VALUES (:member, :week, 'x', :hours, :now, :now)"
                ),
                {"member": member_id, "week": week, "hours": hours, "now": now},
            )
        for member_id, current in ((1, 1), (2, 2)):
            await tx.execute(
                sa.text(
                    "INSERT INTO streaks (member_id, through_week, current_weeks, best_weeks, "
                    "freezes) VALUES (:member, '2026-11-16', :current, :current, 0)"
                ),
                {"member": member_id, "current": current},
            )
    await upgrade(db)
    async with db.read() as tx:
        rows = (
            await tx.execute(
                sa.text(
                    "SELECT member_id, checkins, hours, last_week, current_weeks FROM streaks "
                    "ORDER BY member_id"
                )
            )
        ).all()
        weeks = (
            await tx.execute(
                sa.text("SELECT community_id, week_start, checkins FROM checkin_weeks ORDER BY 2")
            )
        ).all()
    await db.dispose()
    assert [tuple(r) for r in rows] == [(1, 1, 4, "2026-11-16", 1), (2, 2, 8, "2026-11-16", 2)]
    assert [tuple(r) for r in weeks] == [(1, "2026-11-09", 1), (1, "2026-11-16", 2)]
