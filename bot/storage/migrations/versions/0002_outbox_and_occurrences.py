"""Outbox for everything Cohort posts by itself; claimed schedule occurrences; cron schedules.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("schedules") as batch:
        batch.add_column(sa.Column("cron", sa.String(100), nullable=True))
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "community_id",
            sa.Integer,
            sa.ForeignKey("communities.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("key", sa.String(200), nullable=False),
        sa.Column("target_kind", sa.String(16), nullable=False),
        sa.Column("channel_id", sa.String(64), nullable=True),
        sa.Column("user_ids", sa.String(700), nullable=False, server_default=""),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", Moment, nullable=False),
        sa.Column("lease_until", Moment, nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("platform_message_id", sa.String(100), nullable=True),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("sent_at", Moment, nullable=True),
        sa.UniqueConstraint("key", name="uq_outbox_key"),
    )
    op.create_index("ix_outbox_due", "outbox", ["platform", "status", "next_attempt_at"])
    op.create_table(
        "occurrences",
        sa.Column(
            "community_id",
            sa.Integer,
            sa.ForeignKey("communities.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(32), primary_key=True),
        sa.Column("local_key", sa.String(16), primary_key=True),
        sa.Column("due_at", Moment, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("claimed_at", Moment, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("occurrences")
    op.drop_index("ix_outbox_due", table_name="outbox")
    op.drop_table("outbox")
    with op.batch_alter_table("schedules") as batch:
        batch.drop_column("cron")
