"""The matchups' tables: settings, who takes part, blocks, rounds and their groups (kept apart
from tables.py, which holds the rest of the schema)."""

from __future__ import annotations

import sqlalchemy as sa

from bot.storage.columns import UtcDateTime, metadata, references

match_settings = sa.Table(
    "match_settings",
    metadata,
    references("community_id", "communities", primary_key=True),
    sa.Column("cadence", sa.String(16), nullable=False, server_default="weekly"),
    sa.Column("size", sa.SmallInteger, nullable=False, server_default="2"),
    sa.Column("mode", sa.String(16), nullable=False, server_default="peers"),
    # within | across: whether pairs of the same class (start month) are preferred or avoided
    sa.Column("classes", sa.String(16), nullable=False, server_default="within"),
)

match_members = sa.Table(
    "match_members",
    metadata,
    references("member_id", "members", primary_key=True),
    sa.Column("status", sa.String(16), nullable=False),  # active | left | idle
    sa.Column("interests", sa.String(300), nullable=False, server_default=""),  # comma-separated
    sa.Column("share_blockers", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("skip_next", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("ignored", sa.SmallInteger, nullable=False, server_default="0"),  # rounds in a row
    sa.Column("joined_at", UtcDateTime, nullable=False),
)

match_blocks = sa.Table(
    "match_blocks",
    metadata,
    references("member_id", "members", primary_key=True),
    sa.Column("blocked_user_id", sa.String(64), primary_key=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

match_rounds = sa.Table(
    "match_rounds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    references("community_id", "communities", nullable=False),
    sa.Column("week", sa.String(10), nullable=False),  # ISO week in the community's zone
    sa.Column("week_start", sa.Date, nullable=False),  # its Monday
    sa.Column("size", sa.SmallInteger, nullable=False),
    sa.Column("mode", sa.String(16), nullable=False),
    sa.Column("pool", sa.Integer, nullable=False),  # members considered
    sa.Column("repeats", sa.Integer, nullable=False),
    sa.Column("repeats_avoided", sa.Integer, nullable=False),
    sa.Column("settled", sa.Boolean, nullable=False, server_default=sa.false()),  # ignores counted
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("community_id", "week"),
)

match_groups = sa.Table(
    "match_groups",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    references("round_id", "match_rounds", nullable=False),
    sa.Column("number", sa.Integer, nullable=False),  # 1, 2, ... within the round
    sa.Column("score", sa.Integer, nullable=False),
    sa.UniqueConstraint("round_id", "number"),
)

match_group_members = sa.Table(
    "match_group_members",
    metadata,
    references("group_id", "match_groups", primary_key=True),
    references("member_id", "members", primary_key=True),
    sa.Column("odd", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("met", sa.Boolean, nullable=True),  # the answer to "did you meet?"; null: none
    sa.Column("answered_at", UtcDateTime, nullable=True),
    sa.Index("ix_match_group_members_member", "member_id"),
)
