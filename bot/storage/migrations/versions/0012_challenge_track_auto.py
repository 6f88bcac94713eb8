"""New communities follow the `auto` challenge track: the phase most of their active members
are in. Existing communities keep the track they have, since a stored `all` may be an
organizer's choice; `challenge track auto` switches one over.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _default(value: str) -> None:
    with op.batch_alter_table("communities") as batch:
        batch.alter_column(
            "challenge_track",
            existing_type=sa.String(8),
            existing_nullable=False,
            server_default=value,
        )


def upgrade() -> None:
    _default("auto")


def downgrade() -> None:
    _default("all")
