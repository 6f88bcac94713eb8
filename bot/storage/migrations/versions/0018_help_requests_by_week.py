"""Blockers routed to helpers, by community and check-in week: the weekly report and `stats`
count a span of weeks by status, which without it read every request the community ever
routed (77 ms of CPU for the report's two weeks over a year of 1,500 a week; 5 ms with it).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-05
"""

from __future__ import annotations

from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_help_requests_week", "help_requests", ["community_id", "week_start", "status"]
    )


def downgrade() -> None:
    op.drop_index("ix_help_requests_week", table_name="help_requests")
