"""Peer matchups: each community's settings, who takes part, blocks, and every round's groups
with their answers to "did you meet?".

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

Moment = sa.DateTime(timezone=True)


def _member_id() -> sa.Column[int]:
    return sa.Column(
        "member_id",
        sa.Integer,
        sa.ForeignKey("members.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=True,
    )


def upgrade() -> None:
    op.create_table(
        "match_settings",
        sa.Column(
            "community_id",
            sa.Integer,
            sa.ForeignKey("communities.id", ondelete="CASCADE"),
            nullable=False,
            primary_key=True,
        ),
        sa.Column("cadence", sa.String(16), nullable=False, server_default="weekly"),
        sa.Column("size", sa.SmallInteger, nullable=False, server_default="2"),
        sa.Column("mode", sa.String(16), nullable=False, server_default="peers"),
    )
    op.create_table(
        "match_members",
        _member_id(),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("interests", sa.String(300), nullable=False, server_default=""),
        sa.Column("share_blockers", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("skip_next", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("ignored", sa.SmallInteger, nullable=False, server_default="0"),
        sa.Column("joined_at", Moment, nullable=False),
    )
    op.create_table(
        "match_blocks",
        _member_id(),
        sa.Column("blocked_user_id", sa.String(64), nullable=False, primary_key=True),
        sa.Column("created_at", Moment, nullable=False),
    )
    op.create_table(
        "match_rounds",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "community_id",
            sa.Integer,
            sa.ForeignKey("communities.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("week", sa.String(10), nullable=False),
        sa.Column("week_start", sa.Date, nullable=False),
        sa.Column("size", sa.SmallInteger, nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("pool", sa.Integer, nullable=False),
        sa.Column("repeats", sa.Integer, nullable=False),
        sa.Column("repeats_avoided", sa.Integer, nullable=False),
        sa.Column("settled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", Moment, nullable=False),
        sa.UniqueConstraint("community_id", "week", name="uq_match_rounds_community_id_week"),
    )
    op.create_table(
        "match_groups",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "round_id",
            sa.Integer,
            sa.ForeignKey("match_rounds.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("score", sa.Integer, nullable=False),
        sa.UniqueConstraint("round_id", "number", name="uq_match_groups_round_id_number"),
    )
    op.create_table(
        "match_group_members",
        sa.Column(
            "group_id",
            sa.Integer,
            sa.ForeignKey("match_groups.id", ondelete="CASCADE"),
            nullable=False,
            primary_key=True,
        ),
        _member_id(),
        sa.Column("odd", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("met", sa.Boolean, nullable=True),
        sa.Column("answered_at", Moment, nullable=True),
    )
    op.create_index("ix_match_group_members_member", "match_group_members", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_match_group_members_member", table_name="match_group_members")
    op.drop_table("match_group_members")
    op.drop_table("match_groups")
    op.drop_table("match_rounds")
    op.drop_table("match_blocks")
    op.drop_table("match_members")
    op.drop_table("match_settings")
