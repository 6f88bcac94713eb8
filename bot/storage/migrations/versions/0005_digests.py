"""Reading digests: each community's feeds and their health, fetched items, posted digests with
their entries, and the digest settings.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

Moment = sa.DateTime(timezone=True)


def _community_id(primary_key: bool = False) -> sa.Column[int]:
    return sa.Column(
        "community_id",
        sa.Integer,
        sa.ForeignKey("communities.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


def upgrade() -> None:
    op.create_table(
        "feeds",
        sa.Column("id", sa.Integer, primary_key=True),
        _community_id(),
        sa.Column("url", sa.String(500), nullable=False),
        sa.Column("title", sa.String(200), nullable=False, server_default=""),
        sa.Column("tags", sa.String(300), nullable=False, server_default=""),
        sa.Column("default_id", sa.String(64), nullable=True),
        sa.Column("added_by", sa.String(64), nullable=False),
        sa.Column("added_at", Moment, nullable=False),
        sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("disabled_reason", sa.String(300), nullable=True),
        sa.Column("etag", sa.String(300), nullable=True),
        sa.Column("last_modified", sa.String(100), nullable=True),
        sa.Column("checked_at", Moment, nullable=True),
        sa.Column("succeeded_at", Moment, nullable=True),
        sa.Column("next_check_at", Moment, nullable=True),
        sa.Column("claimed_until", Moment, nullable=True),
        sa.Column("failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("problem", sa.String(300), nullable=True),
        sa.Column("baselined", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("community_id", "url", name="uq_feeds_community_id_url"),
    )
    op.create_index("ix_feeds_due", "feeds", ["enabled", "next_check_at"])
    op.create_table(
        "feed_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "feed_id", sa.Integer, sa.ForeignKey("feeds.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("uid", sa.String(64), nullable=False),
        sa.Column("url", sa.String(1000), nullable=False),
        sa.Column("canonical", sa.String(64), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("title_key", sa.String(300), nullable=False),
        sa.Column("published_at", Moment, nullable=True),
        sa.Column("first_seen_at", Moment, nullable=False),
        sa.Column("last_seen_at", Moment, nullable=False),
        sa.Column("seen", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.UniqueConstraint("feed_id", "uid", name="uq_feed_items_feed_id_uid"),
    )
    op.create_index("ix_feed_items_fresh", "feed_items", ["feed_id", "first_seen_at"])
    op.create_table(
        "digests",
        sa.Column("id", sa.Integer, primary_key=True),
        _community_id(),
        sa.Column("week", sa.String(10), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("readings", sa.String(500), nullable=False, server_default=""),
        sa.Column("parts", sa.SmallInteger, nullable=False),
        sa.UniqueConstraint("community_id", "week", name="uq_digests_community_id_week"),
    )
    op.create_table(
        "digest_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "digest_id",
            sa.Integer,
            sa.ForeignKey("digests.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.SmallInteger, nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("url", sa.String(1000), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("canonical", sa.String(64), nullable=False),
        sa.Column("title_key", sa.String(300), nullable=False),
    )
    op.create_index("ix_digest_entries_digest", "digest_entries", ["digest_id"])
    op.create_table(
        "digest_settings",
        _community_id(primary_key=True),
        sa.Column("focus", sa.String(300), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("digest_settings")
    op.drop_index("ix_digest_entries_digest", table_name="digest_entries")
    op.drop_table("digest_entries")
    op.drop_table("digests")
    op.drop_index("ix_feed_items_fresh", table_name="feed_items")
    op.drop_table("feed_items")
    op.drop_index("ix_feeds_due", table_name="feeds")
    op.drop_table("feeds")
