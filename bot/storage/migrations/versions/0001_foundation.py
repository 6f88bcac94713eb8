"""Foundation: communities, their channels, schedules and organizers, and members.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "communities",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.String(16), nullable=False),
        sa.Column("external_id", sa.String(64), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"),
        sa.Column("content_dir", sa.String(500), nullable=True),
        sa.Column("created_at", Moment, nullable=False),
        sa.UniqueConstraint("platform", "external_id", name="uq_communities_platform_external_id"),
    )
    op.create_table(
        "community_channels",
        sa.Column(
            "community_id",
            sa.Integer,
            sa.ForeignKey("communities.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("purpose", sa.String(16), primary_key=True),
        sa.Column("channel_id", sa.String(64), nullable=False),
    )
    op.create_table(
        "schedules",
        sa.Column(
            "community_id",
            sa.Integer,
            sa.ForeignKey("communities.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("weekday", sa.SmallInteger, nullable=False),
        sa.Column("local_time", sa.String(5), nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
    )
    op.create_table(
        "organizers",
        sa.Column(
            "community_id",
            sa.Integer,
            sa.ForeignKey("communities.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("user_id", sa.String(64), primary_key=True),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("added_at", Moment, nullable=False),
    )
    op.create_table(
        "members",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "community_id",
            sa.Integer,
            sa.ForeignKey("communities.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("weekly_hours", sa.SmallInteger, nullable=False),
        sa.Column("focus", sa.String(200), nullable=False, server_default=""),
        sa.Column("public", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("joined_at", Moment, nullable=False),
        sa.Column("left_at", Moment, nullable=True),
        sa.UniqueConstraint("community_id", "user_id", name="uq_members_community_id_user_id"),
    )


def downgrade() -> None:
    for table in ("members", "organizers", "schedules", "community_channels", "communities"):
        op.drop_table(table)
