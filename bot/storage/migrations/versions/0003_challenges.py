"""Weekly challenges: each community's track, what was posted, submissions, reviews, kudos.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("communities") as batch:
        batch.add_column(
            sa.Column("challenge_track", sa.String(8), nullable=False, server_default="all")
        )
    op.create_table(
        "challenge_posts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "community_id",
            sa.Integer,
            sa.ForeignKey("communities.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("challenge_id", sa.String(64), nullable=False),
        sa.Column("posted_at", Moment, nullable=False),
        sa.Column("deadline_at", Moment, nullable=False),
        sa.Column("summarized", sa.Boolean, nullable=False, server_default=sa.false()),
    )
    op.create_index(
        "ix_challenge_posts_community", "challenge_posts", ["community_id", "posted_at"]
    )
    op.create_table(
        "submissions",
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
        sa.Column("submitted_at", Moment, nullable=False),
        sa.Column("updated_at", Moment, nullable=False),
        sa.UniqueConstraint("post_id", "member_id", name="uq_submissions_post_id_member_id"),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "submission_id",
            sa.Integer,
            sa.ForeignKey("submissions.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column(
            "reviewer_id",
            sa.Integer,
            sa.ForeignKey("members.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("score", sa.SmallInteger, nullable=False),
        sa.Column("comment", sa.String(1000), nullable=False),
        sa.Column("created_at", Moment, nullable=False),
        sa.UniqueConstraint(
            "submission_id", "reviewer_id", name="uq_reviews_submission_id_reviewer_id"
        ),
    )
    op.create_table(
        "kudos",
        sa.Column(
            "submission_id",
            sa.Integer,
            sa.ForeignKey("submissions.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column(
            "member_id",
            sa.Integer,
            sa.ForeignKey("members.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("created_at", Moment, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("kudos")
    op.drop_table("reviews")
    op.drop_table("submissions")
    op.drop_index("ix_challenge_posts_community", table_name="challenge_posts")
    op.drop_table("challenge_posts")
    with op.batch_alter_table("communities") as batch:
        batch.drop_column("challenge_track")
