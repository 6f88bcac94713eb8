"""An index that holds each member's check-in weeks and hours, so the hours leaderboards and
the stats sum them without reading the wide check-in rows.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_checkins_member_hours", "checkins", ["member_id", "week_start", "hours"])


def downgrade() -> None:
    op.drop_index("ix_checkins_member_hours", table_name="checkins")
