"""The installations feature's tables: workspace installs through OAuth, and OAuth states."""

from __future__ import annotations

import sqlalchemy as sa

from bot.storage.columns import UtcDateTime, metadata

# What a platform's OAuth install gave Cohort for one workspace (Slack: the bot token, its
# refresh token and scopes), one row per workspace, opaque to the core (adapters/slack).
installations = sa.Table(
    "installations",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("workspace", sa.String(64), primary_key=True),  # team id, or enterprise id
    sa.Column("installer_user_id", sa.String(64), nullable=True),  # null once forgotten
    sa.Column("data", sa.Text, nullable=False),  # the platform's record, tokens included
    sa.Column("installed_at", UtcDateTime, nullable=False),
)

# The `state` of OAuth installs under way, each usable once before it expires.
oauth_states = sa.Table(
    "oauth_states",
    metadata,
    sa.Column("state", sa.String(64), primary_key=True),
    sa.Column("expires_at", UtcDateTime, nullable=False),
)
