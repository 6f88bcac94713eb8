"""Table definitions (SQLAlchemy Core). Migrations in `migrations/versions` create them."""

from __future__ import annotations

import sqlalchemy as sa

from bot.storage.columns import UtcDateTime, references
from bot.storage.columns import metadata as metadata  # imported from here by migrations, tests
from bot.storage.helper_tables import help_offers as help_offers
from bot.storage.helper_tables import help_requests as help_requests
from bot.storage.helper_tables import helper_blocks as helper_blocks
from bot.storage.helper_tables import helpers as helpers
from bot.storage.host_tables import host_values as host_values
from bot.storage.host_tables import occurrences as occurrences
from bot.storage.host_tables import seen_events as seen_events
from bot.storage.host_tables import shard_leases as shard_leases
from bot.storage.host_tables import sweeps_decided as sweeps_decided
from bot.storage.install_tables import installations as installations
from bot.storage.install_tables import oauth_states as oauth_states
from bot.storage.match_tables import match_blocks as match_blocks
from bot.storage.match_tables import match_group_members as match_group_members
from bot.storage.match_tables import match_groups as match_groups
from bot.storage.match_tables import match_members as match_members
from bot.storage.match_tables import match_rounds as match_rounds
from bot.storage.match_tables import match_settings as match_settings
from bot.storage.retro_tables import retro_summaries as retro_summaries
from bot.storage.retro_tables import retros as retros

communities = sa.Table(
    "communities",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("external_id", sa.String(64), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False, server_default="UTC"),
    sa.Column("content_dir", sa.String(500), nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("challenge_track", sa.String(8), nullable=False, server_default="auto"),
    # Set while the platform took Cohort out of the community (Slack app uninstalled, tokens
    # revoked): the outbox holds the community's rows until it is installed again.
    sa.Column("paused_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("platform", "external_id"),
)

community_channels = sa.Table(
    "community_channels",
    metadata,
    references("community_id", "communities", primary_key=True),
    sa.Column("purpose", sa.String(16), primary_key=True),
    sa.Column("channel_id", sa.String(64), nullable=False),
)

schedules = sa.Table(
    "schedules",
    metadata,
    references("community_id", "communities", primary_key=True),
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("weekday", sa.SmallInteger, nullable=False),  # 0 = Monday
    sa.Column("local_time", sa.String(5), nullable=False),  # HH:MM in the community's zone
    sa.Column("cron", sa.String(100), nullable=True),  # overrides weekday and time when set
    sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
)

organizers = sa.Table(
    "organizers",
    metadata,
    references("community_id", "communities", primary_key=True),
    sa.Column("user_id", sa.String(64), primary_key=True),
    sa.Column("added_by", sa.String(64), nullable=False),
    sa.Column("added_at", UtcDateTime, nullable=False),
)

members = sa.Table(
    "members",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    references("community_id", "communities", nullable=False),
    sa.Column("user_id", sa.String(64), nullable=False),
    sa.Column("display_name", sa.String(100), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("start_date", sa.Date, nullable=False),
    sa.Column("weekly_hours", sa.SmallInteger, nullable=False),
    sa.Column("focus", sa.String(200), nullable=False, server_default=""),
    sa.Column("public", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("joined_at", UtcDateTime, nullable=False),
    sa.Column("left_at", UtcDateTime, nullable=True),
    sa.Column("nudges", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.UniqueConstraint("community_id", "user_id"),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    references("community_id", "communities", nullable=False),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("key", sa.String(200), nullable=False, unique=True),
    sa.Column("target_kind", sa.String(16), nullable=False),
    sa.Column("channel_id", sa.String(64), nullable=True),
    sa.Column("user_ids", sa.String(700), nullable=False, server_default=""),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("status", sa.String(16), nullable=False, server_default="pending"),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("next_attempt_at", UtcDateTime, nullable=False),
    sa.Column("lease_until", UtcDateTime, nullable=True),
    sa.Column("last_error", sa.String(500), nullable=True),
    sa.Column("platform_message_id", sa.String(100), nullable=True),
    sa.Column("follows", sa.String(200), nullable=True),  # key of the message it continues
    sa.Column("conversation_id", sa.String(100), nullable=True),  # where it landed, if not plain
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("sent_at", UtcDateTime, nullable=True),
    sa.Column("owner", sa.String(32), nullable=True),  # the claim that may write the row
    sa.Column("recoveries", sa.Integer, nullable=False, server_default="0"),  # cut short
    sa.Index("ix_outbox_due", "platform", "status", "next_attempt_at"),
)

# What a platform answered a drainer that no longer owned the row (its lease was taken over):
# kept for the operator and for the row's next delivery, never written over the owner's result.
outbox_orphans = sa.Table(
    "outbox_orphans",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    references("outbox_id", "outbox", nullable=False, index=True),
    sa.Column("owner", sa.String(32), nullable=False),
    sa.Column("outcome", sa.String(16), nullable=False),  # sent, retry or failed
    sa.Column("platform_message_id", sa.String(100), nullable=True),
    sa.Column("conversation_id", sa.String(100), nullable=True),
    sa.Column("detail", sa.String(500), nullable=True),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
)

challenge_posts = sa.Table(
    "challenge_posts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    references("community_id", "communities", nullable=False),
    sa.Column("challenge_id", sa.String(64), nullable=False),
    sa.Column("posted_at", UtcDateTime, nullable=False),
    sa.Column("deadline_at", UtcDateTime, nullable=False),
    sa.Column("summarized", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Index("ix_challenge_posts_community", "community_id", "posted_at"),
)

submissions = sa.Table(
    "submissions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    references("post_id", "challenge_posts", nullable=False),
    references("member_id", "members", nullable=False),
    sa.Column("link", sa.String(500), nullable=False),
    sa.Column("note", sa.String(1000), nullable=False, server_default=""),
    sa.Column("submitted_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("post_id", "member_id"),
)

reviews = sa.Table(
    "reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    references("submission_id", "submissions", nullable=False),
    references("reviewer_id", "members", nullable=False),
    sa.Column("score", sa.SmallInteger, nullable=False),
    sa.Column("comment", sa.String(1000), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("submission_id", "reviewer_id"),
)

kudos = sa.Table(
    "kudos",
    metadata,
    references("submission_id", "submissions", primary_key=True),
    references("member_id", "members", primary_key=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
)

# Accountability (migration 0004). Member-owned tables reference members.id with ON DELETE
# CASCADE; forget-me still erases them explicitly, through each feature's MemberData.

checkins = sa.Table(
    "checkins",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    references("member_id", "members", nullable=False),
    sa.Column("week_start", sa.Date, nullable=False),  # the Monday of the member-local ISO week
    sa.Column("done", sa.String(1000), nullable=False),
    sa.Column("hours", sa.SmallInteger, nullable=False),
    sa.Column("next_steps", sa.String(1000), nullable=False, server_default=""),
    sa.Column("blockers", sa.String(1000), nullable=False, server_default=""),
    # What the blocker is about, as the member picked it in the form: `m:<milestone id>` or
    # `t:<topic id>` of the pack; "" lets the helpers feature match it from the words.
    sa.Column("blocker_subject", sa.String(80), nullable=False, server_default=""),
    sa.Column("milestone_ids", sa.String(1000), nullable=False, server_default=""),
    sa.Column("confidence", sa.SmallInteger, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("member_id", "week_start"),
    sa.Index("ix_checkins_week_start", "week_start"),
    # Leaderboards and stats sum hours per member: this index answers them without reading
    # the wide rows (2.4x faster for 510,000 check-ins in SQLite).
    sa.Index("ix_checkins_member_hours", "member_id", "week_start", "hours"),
)

# Each member's kept totals (see bot/checkins/store.py): the streak as judged through a week,
# and their check-ins counted and summed, so boards and stats rank members in SQL.
streaks = sa.Table(
    "streaks",
    metadata,
    references("member_id", "members", primary_key=True),
    sa.Column("through_week", sa.Date, nullable=False),  # the streak is judged through this week
    sa.Column("current_weeks", sa.SmallInteger, nullable=False),
    sa.Column("best_weeks", sa.SmallInteger, nullable=False),
    sa.Column("freezes", sa.SmallInteger, nullable=False),
    sa.Column("checkins", sa.Integer, nullable=False, server_default="0"),
    sa.Column("hours", sa.Integer, nullable=False, server_default="0"),
    sa.Column("last_week", sa.Date, nullable=False),  # the member's newest check-in week
)

# How many check-ins each community has for each week, kept beside every check-in written or
# erased, so the stats count a week without reading its check-ins (members who left are
# subtracted when read).
checkin_weeks = sa.Table(
    "checkin_weeks",
    metadata,
    references("community_id", "communities", primary_key=True),
    sa.Column("week_start", sa.Date, primary_key=True),
    sa.Column("checkins", sa.Integer, nullable=False),
)

# A week a member missed that a freeze earned by helping kept (migration 0017): streaks treat it
# as they treat a holiday or a pause.
streak_spares = sa.Table(
    "streak_spares",
    metadata,
    references("member_id", "members", primary_key=True),
    sa.Column("week_start", sa.Date, primary_key=True),
    sa.Column("spared_at", UtcDateTime, nullable=False),
)

holiday_weeks = sa.Table(
    "holiday_weeks",
    metadata,
    references("community_id", "communities", primary_key=True),
    sa.Column("week_start", sa.Date, primary_key=True),
    sa.Column("declared_by", sa.String(64), nullable=False),
    sa.Column("declared_at", UtcDateTime, nullable=False),
)

pauses = sa.Table(
    "pauses",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    references("member_id", "members", nullable=False),
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("ends_on", sa.Date, nullable=False),  # the day the member is back (exclusive)
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Index("ix_pauses_member_id", "member_id"),
)

milestone_completions = sa.Table(
    "milestone_completions",
    metadata,
    references("member_id", "members", primary_key=True),
    sa.Column("milestone_id", sa.String(64), primary_key=True),
    sa.Column("evidence", sa.String(500), nullable=True),
    sa.Column("completed_at", UtcDateTime, nullable=False),
)

goals = sa.Table(
    "goals",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    references("member_id", "members", nullable=False),
    sa.Column("number", sa.Integer, nullable=False),  # shown to the member: goal 1, 2, ...
    sa.Column("text", sa.String(1000), nullable=False),
    sa.Column("due_on", sa.Date, nullable=True),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("done_at", UtcDateTime, nullable=True),
    sa.UniqueConstraint("member_id", "number"),
    sa.Index("ix_goals_due_on", "due_on"),
)

feeds = sa.Table(
    "feeds",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    references("community_id", "communities", nullable=False),
    sa.Column("url", sa.String(500), nullable=False),
    sa.Column("title", sa.String(200), nullable=False, server_default=""),
    sa.Column("tags", sa.String(300), nullable=False, server_default=""),  # topic ids, a,b,c
    sa.Column("default_id", sa.String(64), nullable=True),  # the content pack's feed, when built in
    sa.Column("added_by", sa.String(64), nullable=False),
    sa.Column("added_at", UtcDateTime, nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("disabled_reason", sa.String(300), nullable=True),
    sa.Column("etag", sa.String(300), nullable=True),
    sa.Column("last_modified", sa.String(100), nullable=True),
    sa.Column("body_hash", sa.String(64), nullable=True),  # sha256 of the last body parsed
    sa.Column("fetch_ms", sa.Integer, nullable=True),  # how long the last check took
    sa.Column("checked_at", UtcDateTime, nullable=True),
    sa.Column("succeeded_at", UtcDateTime, nullable=True),
    sa.Column("next_check_at", UtcDateTime, nullable=True),  # null: due now
    sa.Column("claimed_until", UtcDateTime, nullable=True),  # a refresh is fetching it
    sa.Column("failures", sa.Integer, nullable=False, server_default="0"),  # in a row
    sa.Column("problem", sa.String(300), nullable=True),  # the last failure or warning
    sa.Column("baselined", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("community_id", "url"),
    sa.Index("ix_feeds_due", "enabled", "next_check_at"),
)

feed_items = sa.Table(
    "feed_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    references("feed_id", "feeds", nullable=False),
    sa.Column("uid", sa.String(64), nullable=False),  # sha256 of the entry's guid or link
    sa.Column("url", sa.String(1000), nullable=False),
    sa.Column("canonical", sa.String(64), nullable=False),  # sha256 of the canonical URL
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("title_key", sa.String(300), nullable=False),
    sa.Column("published_at", UtcDateTime, nullable=True),
    sa.Column("first_seen_at", UtcDateTime, nullable=False),
    sa.Column("last_seen_at", UtcDateTime, nullable=False),
    sa.Column("seen", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("feed_id", "uid"),
    sa.Index("ix_feed_items_fresh", "feed_id", "first_seen_at"),
)

digests = sa.Table(
    "digests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    references("community_id", "communities", nullable=False),
    sa.Column("week", sa.String(10), nullable=False),  # ISO week in the community's zone
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("readings", sa.String(500), nullable=False, server_default=""),  # reading ids
    sa.Column("parts", sa.SmallInteger, nullable=False),
    sa.UniqueConstraint("community_id", "week"),
)

digest_entries = sa.Table(
    "digest_entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    references("digest_id", "digests", nullable=False),
    sa.Column("position", sa.SmallInteger, nullable=False),
    sa.Column("topic", sa.String(64), nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("url", sa.String(1000), nullable=False),
    sa.Column("source", sa.String(200), nullable=False),
    sa.Column("canonical", sa.String(64), nullable=False),
    sa.Column("title_key", sa.String(300), nullable=False),
    sa.Index("ix_digest_entries_digest", "digest_id"),
)

digest_settings = sa.Table(
    "digest_settings",
    metadata,
    references("community_id", "communities", primary_key=True),
    sa.Column("focus", sa.String(300), nullable=False, server_default=""),  # topic ids
)

# Peer matchups (migration 0006). Member-owned rows reference members.id with ON DELETE
# CASCADE. A block names the blocked person by platform user id, not by member row: their own
# export must not reveal who blocked them, and forgetting or rejoining must not lift a block.
