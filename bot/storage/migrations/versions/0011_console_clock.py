"""A small key/value table for what the host keeps between runs: first, the console's clock
offset, so a restarted `cohort console` does not go back in time.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "host_values",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_host_values")),
    )


def downgrade() -> None:
    op.drop_table("host_values")
