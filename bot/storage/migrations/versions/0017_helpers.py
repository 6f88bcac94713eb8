"""Helpers: members who offered to help, blocks between members, blockers routed to helpers,
and the weeks a freeze earned by helping kept a streak.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

Moment = sa.DateTime(timezone=True)


def _ref(name: str, table: str, *, primary_key: bool = False) -> sa.Column[int]:
    return sa.Column(
        name,
        sa.Integer,
        sa.ForeignKey(f"{table}.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


def upgrade() -> None:
    op.create_table(
        "streak_spares",
        _ref("member_id", "members", primary_key=True),
        sa.Column("week_start", sa.Date, nullable=False, primary_key=True),
        sa.Column("spared_at", Moment, nullable=False),
    )
    op.create_table(
        "helpers",
        _ref("member_id", "members", primary_key=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("weekly_limit", sa.SmallInteger, nullable=False),
        sa.Column("topics", sa.String(300), nullable=False, server_default=""),
        sa.Column("phases", sa.String(50), nullable=False, server_default=""),
        sa.Column("since", Moment, nullable=False),
    )
    op.create_table(
        "helper_blocks",
        _ref("member_id", "members", primary_key=True),
        _ref("other_id", "members", primary_key=True),
        sa.Column("created_at", Moment, nullable=False),
    )
    op.create_table(
        "help_requests",
        sa.Column("id", sa.Integer, primary_key=True),
        _ref("community_id", "communities"),
        _ref("member_id", "members"),
        sa.Column("week_start", sa.Date, nullable=False),
        sa.Column("text", sa.String(1000), nullable=False),
        sa.Column("subject", sa.String(80), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("asked_at", Moment, nullable=True),
        sa.Column("followed_up_at", Moment, nullable=True),
        sa.Column("answered_at", Moment, nullable=True),
        sa.UniqueConstraint("member_id", "week_start"),
    )
    op.create_index("ix_help_requests_community_id", "help_requests", ["community_id", "status"])
    op.create_table(
        "help_offers",
        _ref("request_id", "help_requests", primary_key=True),
        _ref("helper_id", "members", primary_key=True),
        sa.Column("rank", sa.SmallInteger, nullable=False),
        sa.Column("asked_at", Moment, nullable=True),
        sa.Column("declined_at", Moment, nullable=True),
    )
    op.create_index("ix_help_offers_helper_id", "help_offers", ["helper_id"])


def downgrade() -> None:
    op.drop_index("ix_help_offers_helper_id", table_name="help_offers")
    op.drop_table("help_offers")
    op.drop_index("ix_help_requests_community_id", table_name="help_requests")
    op.drop_table("help_requests")
    op.drop_table("helper_blocks")
    op.drop_table("helpers")
    op.drop_table("streak_spares")
