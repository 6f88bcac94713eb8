"""Classes and quarterly retros: the matchups class preference, members' retros and the
classes' summaries.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

Moment = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("match_settings") as batch:
        batch.add_column(
            sa.Column("classes", sa.String(16), nullable=False, server_default="within")
        )
    op.create_table(
        "retros",
        sa.Column("id", sa.Integer, nullable=False),
        sa.Column("member_id", sa.Integer, nullable=False),
        sa.Column("quarter", sa.SmallInteger, nullable=False),
        sa.Column("class_month", sa.Date, nullable=False),
        sa.Column("asked_at", Moment, nullable=True),
        sa.Column("answered_at", Moment, nullable=True),
        sa.Column("went_well", sa.String(1000), nullable=False, server_default=""),
        sa.Column("to_change", sa.String(1000), nullable=False, server_default=""),
        sa.Column("goal", sa.String(300), nullable=False, server_default=""),
        sa.Column("goal_number", sa.Integer, nullable=True),
        sa.Column("share", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_retros_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retros")),
        sa.UniqueConstraint("member_id", "quarter", name=op.f("uq_retros_member_id_quarter")),
    )
    op.create_table(
        "retro_summaries",
        sa.Column("community_id", sa.Integer, nullable=False),
        sa.Column("class_month", sa.Date, nullable=False),
        sa.Column("quarter", sa.SmallInteger, nullable=False),
        sa.Column("answers", sa.Integer, nullable=False),
        sa.Column("posted", sa.Boolean, nullable=False),
        sa.Column("decided_at", Moment, nullable=False),
        sa.ForeignKeyConstraint(
            ["community_id"],
            ["communities.id"],
            name=op.f("fk_retro_summaries_community_id_communities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "community_id", "class_month", "quarter", name=op.f("pk_retro_summaries")
        ),
    )


def downgrade() -> None:
    op.drop_table("retro_summaries")
    op.drop_table("retros")
    with op.batch_alter_table("match_settings") as batch:
        batch.drop_column("classes")
