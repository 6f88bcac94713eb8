"""Outbox rows may continue an earlier row's conversation (a matchup's follow-up in the
intro's Discord thread): the key they follow, and the conversation each row landed in.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("follows", sa.String(200), nullable=True))
        batch.add_column(sa.Column("conversation_id", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("conversation_id")
        batch.drop_column("follows")
