"""The helpers feature's tables (migration 0017): members who offered to help, the blocks
between members, each blocker routed to helpers and the helpers offered for it."""

from __future__ import annotations

import sqlalchemy as sa

from bot.storage.columns import UtcDateTime, metadata, references

helpers = sa.Table(
    "helpers",
    metadata,
    references("member_id", "members", primary_key=True),
    sa.Column("active", sa.Boolean, nullable=False),
    sa.Column("weekly_limit", sa.SmallInteger, nullable=False),
    sa.Column("topics", sa.String(300), nullable=False, server_default=""),  # comma-separated
    sa.Column("phases", sa.String(50), nullable=False, server_default=""),  # comma-separated
    sa.Column("since", UtcDateTime, nullable=False),
)

helper_blocks = sa.Table(
    "helper_blocks",
    metadata,
    references("member_id", "members", primary_key=True),
    references("other_id", "members", primary_key=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

help_requests = sa.Table(
    "help_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    references("community_id", "communities", nullable=False),
    references("member_id", "members", nullable=False),
    sa.Column("week_start", sa.Date, nullable=False),  # the check-in week that named it
    sa.Column("text", sa.String(1000), nullable=False),
    sa.Column("subject", sa.String(80), nullable=False),  # m:<milestone id> or t:<topic id>
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("asked_at", UtcDateTime, nullable=True),
    sa.Column("followed_up_at", UtcDateTime, nullable=True),
    sa.Column("answered_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("member_id", "week_start"),
    sa.Index("ix_help_requests_community_id", "community_id", "status"),
    # The weekly report and `stats` count a span of check-in weeks by status.
    sa.Index("ix_help_requests_week", "community_id", "week_start", "status"),
)

help_offers = sa.Table(
    "help_offers",
    metadata,
    references("request_id", "help_requests", primary_key=True),
    references("helper_id", "members", primary_key=True),
    sa.Column("rank", sa.SmallInteger, nullable=False),
    sa.Column("asked_at", UtcDateTime, nullable=True),
    sa.Column("declined_at", UtcDateTime, nullable=True),
    sa.Index("ix_help_offers_helper_id", "helper_id"),
)
