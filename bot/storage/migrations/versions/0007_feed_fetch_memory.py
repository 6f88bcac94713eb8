"""Feeds remember a hash of the last body they parsed, so an unchanged document from a server
that sends no validators is not parsed again, and how long their last check took, so a refresh
starts the slow ones first.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.add_column(sa.Column("body_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("fetch_ms", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("feeds") as batch:
        batch.drop_column("fetch_ms")
        batch.drop_column("body_hash")
