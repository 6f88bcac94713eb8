"""Outbox ownership: the token of the claim that may write a row, how many of its deliveries
a crash cut short, and the answers platforms gave drainers that had lost their row to another
(kept apart, never applied).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("owner", sa.String(32), nullable=True))
        batch.add_column(sa.Column("recoveries", sa.Integer, nullable=False, server_default="0"))
    op.create_table(
        "outbox_orphans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "outbox_id",
            sa.Integer,
            sa.ForeignKey(
                "outbox.id", ondelete="CASCADE", name="fk_outbox_orphans_outbox_id_outbox"
            ),
            nullable=False,
        ),
        sa.Column("owner", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("platform_message_id", sa.String(100), nullable=True),
        sa.Column("conversation_id", sa.String(100), nullable=True),
        sa.Column("detail", sa.String(500), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_outbox_orphans_outbox_id", "outbox_orphans", ["outbox_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_orphans_outbox_id", table_name="outbox_orphans")
    op.drop_table("outbox_orphans")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("recoveries")
        batch.drop_column("owner")
