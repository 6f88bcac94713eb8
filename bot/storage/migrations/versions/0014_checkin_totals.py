"""Kept check-in totals: each member's check-in count, hours and newest check-in week beside
their streak, and each community's count of check-ins per week, filled in from the check-ins
already written.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("streaks") as batch:
        batch.add_column(sa.Column("checkins", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("hours", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_week", sa.Date, nullable=True))
    # The streak columns were already kept; the new ones are counted from the rows.
    op.execute(
        """
        UPDATE streaks SET
            checkins = (SELECT count(*) FROM checkins c WHERE c.member_id = streaks.member_id),
            hours = (
                SELECT coalesce(sum(c.hours), 0) FROM checkins c
                WHERE c.member_id = streaks.member_id
            ),
            last_week = coalesce(
                (SELECT max(c.week_start) FROM checkins c WHERE c.member_id = streaks.member_id),
                through_week
            )
        """
    )
    with op.batch_alter_table("streaks") as batch:
        batch.alter_column("last_week", existing_type=sa.Date, nullable=False)
    op.create_table(
        "checkin_weeks",
        sa.Column(
            "community_id",
            sa.Integer,
            sa.ForeignKey("communities.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("week_start", sa.Date, primary_key=True),
        sa.Column("checkins", sa.Integer, nullable=False),
    )
    op.execute(
        """
        INSERT INTO checkin_weeks (community_id, week_start, checkins)
        SELECT m.community_id, c.week_start, count(*)
        FROM checkins c JOIN members m ON m.id = c.member_id
        GROUP BY m.community_id, c.week_start
        """
    )


def downgrade() -> None:
    op.drop_table("checkin_weeks")
    with op.batch_alter_table("streaks") as batch:
        batch.drop_column("last_week")
        batch.drop_column("hours")
        batch.drop_column("checkins")
