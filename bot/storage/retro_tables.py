"""The quarterly retros' tables: each member's retro of each quarter of their journey, and
each class's summary (kept apart from tables.py, which holds the rest of the schema)."""

from __future__ import annotations

import sqlalchemy as sa

from bot.storage.columns import UtcDateTime, metadata, references

retros = sa.Table(
    "retros",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    references("member_id", "members", nullable=False),
    sa.Column("quarter", sa.SmallInteger, nullable=False),  # 1 for the journey's first 13 weeks
    sa.Column("class_month", sa.Date, nullable=False),  # the first day of the start month
    sa.Column("asked_at", UtcDateTime, nullable=True),  # None: written without being asked
    sa.Column("answered_at", UtcDateTime, nullable=True),
    sa.Column("went_well", sa.String(1000), nullable=False, server_default=""),
    sa.Column("to_change", sa.String(1000), nullable=False, server_default=""),
    sa.Column("goal", sa.String(300), nullable=False, server_default=""),
    sa.Column("goal_number", sa.Integer, nullable=True),  # the goal the answer added
    sa.Column("share", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("member_id", "quarter"),
)

retro_summaries = sa.Table(
    "retro_summaries",
    metadata,
    references("community_id", "communities", primary_key=True),
    sa.Column("class_month", sa.Date, primary_key=True),
    sa.Column("quarter", sa.SmallInteger, primary_key=True),
    sa.Column("answers", sa.Integer, nullable=False),
    sa.Column("posted", sa.Boolean, nullable=False),  # False: too few answers to summarise
    sa.Column("decided_at", UtcDateTime, nullable=False),
)
