"""Accountability: check-ins, streaks, holiday weeks, pauses, milestones, goals, nudge opt-out.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Moment = sa.DateTime(timezone=True)


def _member_id(primary_key: bool = False) -> sa.Column[int]:
    return sa.Column(
        "member_id",
        sa.Integer,
        sa.ForeignKey("members.id", ondelete="CASCADE"),
        nullable=False,
        primary_key=primary_key,
    )


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("nudges", sa.Boolean, nullable=False, server_default=sa.true()))
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer, primary_key=True),
        _member_id(),
        sa.Column("week_start", sa.Date, nullable=False),
        sa.Column("done", sa.String(1000), nullable=False),
        sa.Column("hours", sa.SmallInteger, nullable=False),
        sa.Column("next_steps", sa.String(1000), nullable=False, server_default=""),
        sa.Column("blockers", sa.String(1000), nullable=False, server_default=""),
        sa.Column("milestone_ids", sa.String(1000), nullable=False, server_default=""),
        sa.Column("confidence", sa.SmallInteger, nullable=True),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("updated_at", Moment, nullable=False),
        sa.UniqueConstraint("member_id", "week_start", name="uq_checkins_member_id_week_start"),
    )
    op.create_index("ix_checkins_week_start", "checkins", ["week_start"])
    op.create_table(
        "streaks",
        _member_id(primary_key=True),
        sa.Column("through_week", sa.Date, nullable=False),
        sa.Column("current_weeks", sa.SmallInteger, nullable=False),
        sa.Column("best_weeks", sa.SmallInteger, nullable=False),
        sa.Column("freezes", sa.SmallInteger, nullable=False),
    )
    op.create_table(
        "holiday_weeks",
        sa.Column(
            "community_id",
            sa.Integer,
            sa.ForeignKey("communities.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("week_start", sa.Date, primary_key=True),
        sa.Column("declared_by", sa.String(64), nullable=False),
        sa.Column("declared_at", Moment, nullable=False),
    )
    op.create_table(
        "pauses",
        sa.Column("id", sa.Integer, primary_key=True),
        _member_id(),
        sa.Column("starts_on", sa.Date, nullable=False),
        sa.Column("ends_on", sa.Date, nullable=False),
        sa.Column("created_at", Moment, nullable=False),
    )
    op.create_index("ix_pauses_member_id", "pauses", ["member_id"])
    op.create_table(
        "milestone_completions",
        _member_id(primary_key=True),
        sa.Column("milestone_id", sa.String(64), primary_key=True),
        sa.Column("evidence", sa.String(500), nullable=True),
        sa.Column("completed_at", Moment, nullable=False),
    )
    op.create_table(
        "goals",
        sa.Column("id", sa.Integer, primary_key=True),
        _member_id(),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("text", sa.String(1000), nullable=False),
        sa.Column("due_on", sa.Date, nullable=True),
        sa.Column("created_at", Moment, nullable=False),
        sa.Column("done_at", Moment, nullable=True),
        sa.UniqueConstraint("member_id", "number", name="uq_goals_member_id_number"),
    )
    op.create_index("ix_goals_due_on", "goals", ["due_on"])


def downgrade() -> None:
    op.drop_index("ix_goals_due_on", table_name="goals")
    op.drop_table("goals")
    op.drop_table("milestone_completions")
    op.drop_index("ix_pauses_member_id", table_name="pauses")
    op.drop_table("pauses")
    op.drop_table("holiday_weeks")
    op.drop_table("streaks")
    op.drop_index("ix_checkins_week_start", table_name="checkins")
    op.drop_table("checkins")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("nudges")
