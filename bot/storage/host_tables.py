"""The host's own bookkeeping tables, which no feature owns: scheduler claims and sweeps
decided, values kept between runs, Discord shard leases and platform events already handled."""

from __future__ import annotations

import sqlalchemy as sa

from bot.storage.columns import UtcDateTime, metadata, references

occurrences = sa.Table(
    "occurrences",
    metadata,
    references("community_id", "communities", primary_key=True),
    sa.Column("kind", sa.String(32), primary_key=True),
    sa.Column("local_key", sa.String(16), primary_key=True),  # YYYY-MM-DDTHH:MM, local wall time
    sa.Column("due_at", UtcDateTime, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # ran | late | skipped
    sa.Column("claimed_at", UtcDateTime, nullable=False),
)

# The newest occurrence of each sweep each community was decided for, whether or not it had
# something to write (a sweep claims an occurrence only where it writes): with several
# processes on PostgreSQL, the one that decided it first; the others pass over what is here.
sweeps_decided = sa.Table(
    "sweeps_decided",
    metadata,
    references("community_id", "communities", primary_key=True),
    sa.Column("kind", sa.String(32), primary_key=True),
    sa.Column("due_at", UtcDateTime, nullable=False),
)

host_values = sa.Table(
    "host_values",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
)

# Discord shards claimed by `cohort run` processes on PostgreSQL (bot/shards.py): one row per
# shard, owned by one process at a time until its lease runs out.
shard_leases = sa.Table(
    "shard_leases",
    metadata,
    sa.Column("shard_id", sa.Integer, primary_key=True),
    sa.Column("shard_count", sa.Integer, nullable=False),
    sa.Column("owner", sa.String(32), nullable=True),  # the process holding it, if any
    sa.Column("lease_until", UtcDateTime, nullable=False),  # free once this has passed
    sa.Column("claimed_at", UtcDateTime, nullable=True),
)

# Platform events already handled (Slack's event ids), shared by every process so that a
# redelivered event, or one reaching two processes, is handled once; pruned once expired.
seen_events = sa.Table(
    "seen_events",
    metadata,
    sa.Column("platform", sa.String(16), primary_key=True),
    sa.Column("event_id", sa.String(64), primary_key=True),
    sa.Column("expires_at", UtcDateTime, nullable=False),
    sa.Index("ix_seen_events_expires_at", "expires_at"),
)
