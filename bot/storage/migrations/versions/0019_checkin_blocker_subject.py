"""What a check-in's blocker is about, as the member picked it in the check-in form: a
milestone or topic of the pack (`m:<id>` or `t:<id>`), or "" to match it from the words.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("checkins") as batch:
        batch.add_column(
            sa.Column("blocker_subject", sa.String(80), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("checkins") as batch:
        batch.drop_column("blocker_subject")
