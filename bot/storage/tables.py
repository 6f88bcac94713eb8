"""Table definitions (SQLAlchemy Core). Migrations in `migrations/versions` create them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always gives back aware UTC datetimes, on SQLite too."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


communities = sa.Table(
    "communities",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("external_id", sa.String(64), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"),
    sa.Column("content_dir", sa.String(500), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("challenge_track", sa.String(8), nullable=False, server_default="all"),
    sa.UniqueConstraint("platform", "external_id"),
)

community_channels = sa.Table(
    "community_channels",
    metadata,
    sa.Column(
        "community_id",
        sa.Integer,
        sa.ForeignKey("communities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("purpose", sa.String(16), primary_key=True),
    sa.Column("channel_id", sa.String(64), nullable=False),
)

schedules = sa.Table(
    "schedules",
    metadata,
    sa.Column(
        "community_id",
        sa.Integer,
        sa.ForeignKey("communities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("weekday", sa.SmallInteger, nullable=False),  # 0 = Monday
    sa.Column("local_time", sa.String(5), nullable=False),  # HH:MM in the community's zone
    sa.Column("cron", sa.String(100), nullable=True),  # overrides weekday and time when set
    sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
)

organizers = sa.Table(
    "organizers",
    metadata,
    sa.Column(
        "community_id",
        sa.Integer,
        sa.ForeignKey("communities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("added_by", sa.String(64), nullable=False),
    sa.Column("added_at", UtcDateTime, nullable=False),
)

members = sa.Table(
    "members",
    metadata,
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
    sa.Column("joined_at", UtcDateTime, nullable=False),
    sa.Column("left_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("community_id", "user_id"),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "community_id",
        sa.Integer,
        sa.ForeignKey("communities.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("key", sa.String(200), nullable=False, unique=True),
    sa.Column("target_kind", sa.String(16), nullable=False),
    sa.Column("channel_id", sa.String(64), nullable=True),
    sa.Column("user_ids", sa.String(700), nullable=False, server_default=""),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", UtcDateTime, nullable=False),
    sa.Column("lease_until", UtcDateTime, nullable=True),
    sa.Column("last_error", sa.String(500), nullable=True),
    sa.Column("platform_message_id", sa.String(100), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("sent_at", UtcDateTime, nullable=True),
    sa.Index("ix_outbox_due", "platform", "status", "next_attempt_at"),
)

occurrences = sa.Table(
    "occurrences",
    metadata,
    sa.Column(
        "community_id",
        sa.Integer,
        sa.ForeignKey("communities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("kind", sa.String(32), primary_key=True),
    sa.Column("local_key", sa.String(16), primary_key=True),  # YYYY-MM-DDTHH:MM, local wall time
    sa.Column("due_at", UtcDateTime, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # ran | late | skipped
    sa.Column("claimed_at", UtcDateTime, nullable=False),
)

challenge_posts = sa.Table(
    "challenge_posts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "community_id",
        sa.Integer,
        sa.ForeignKey("communities.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column("challenge_id", sa.String(64), nullable=False),
    sa.Column("posted_at", UtcDateTime, nullable=False),
    sa.Column("deadline_at", UtcDateTime, nullable=False),
    sa.Column("summarized", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_challenge_posts_community", "community_id", "posted_at"),
)

submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "post_id",
        sa.Integer,
        sa.ForeignKey("challenge_posts.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "member_id", sa.Integer, sa.ForeignKey("members.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("link", sa.String(500), nullable=False),
    sa.Column("note", sa.String(1000), nullable=False, server_default=""),
    sa.Column("submitted_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("post_id", "member_id"),
)

reviews = sa.Table(
    "reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column(
        "submission_id",
        sa.Integer,
        sa.ForeignKey("submissions.id", ondelete="CASCADE"),
        nullable=False,
    ),
    sa.Column(
        "reviewer_id", sa.Integer, sa.ForeignKey("members.id", ondelete="CASCADE"), nullable=False
    ),
    sa.Column("score", sa.SmallInteger, nullable=False),
    sa.Column("comment", sa.String(1000), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("submission_id", "reviewer_id"),
)

kudos = sa.Table(
    "kudos",
    metadata,
    sa.Column(
        "submission_id",
        sa.Integer,
        sa.ForeignKey("submissions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column(
        "member_id", sa.Integer, sa.ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("created_at", UtcDateTime, nullable=False),
)
