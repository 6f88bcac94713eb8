"""The registry: every feature of the core, in the order their services are built (a feature
comes after the features it builds on)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from bot.admin.feature import FEATURE as ADMIN
from bot.challenges.feature import FEATURE as CHALLENGES
from bot.checkins.feature import FEATURE as CHECKINS
from bot.classes.feature import FEATURE as CLASSES
from bot.communities.feature import FEATURE as COMMUNITIES
from bot.deliveries.feature import FEATURE as DELIVERIES
from bot.digests.feature import FEATURE as DIGESTS
from bot.feature import Feature
from bot.goals.feature import FEATURE as GOALS
from bot.help.feature import FEATURE as HELP
from bot.helpers.feature import FEATURE as HELPERS
from bot.holidays.feature import FEATURE as HOLIDAYS
from bot.installations.feature import FEATURE as INSTALLATIONS
from bot.leaderboards.feature import FEATURE as LEADERBOARDS
from bot.matchups.feature import FEATURE as MATCHUPS
from bot.members.feature import FEATURE as MEMBERS
from bot.milestones.feature import FEATURE as MILESTONES
from bot.nudges.feature import FEATURE as NUDGES
from bot.outbox.feature import FEATURE as OUTBOX
from bot.pauses.feature import FEATURE as PAUSES
from bot.privacy.feature import FEATURE as PRIVACY
from bot.progress.feature import FEATURE as PROGRESS
from bot.reports.feature import FEATURE as REPORTS
from bot.retros.feature import FEATURE as RETROS
from bot.roadmap.feature import FEATURE as ROADMAP
from bot.storage.tables import (
    host_values,
    occurrences,
    seen_events,
    shard_leases,
    sweeps_decided,
)

# The order of `help` and of the catalogue follows this list too.
FEATURES: tuple[Feature[Any], ...] = (
    COMMUNITIES,
    OUTBOX,
    INSTALLATIONS,
    HELP,
    MEMBERS,
    ROADMAP,
    PAUSES,
    HOLIDAYS,
    CHECKINS,
    MILESTONES,
    GOALS,
    NUDGES,
    LEADERBOARDS,
    CLASSES,
    RETROS,
    PROGRESS,
    CHALLENGES,
    MATCHUPS,
    HELPERS,
    DIGESTS,
    REPORTS,
    ADMIN,
    DELIVERIES,
    PRIVACY,
)

# Tables no feature owns, and why none holds anything about a member.
INFRASTRUCTURE: dict[sa.Table, str] = {
    occurrences: (
        "the scheduler's claims of each community's occurrences: a job kind, a local wall "
        "time and a status, never about a member"
    ),
    sweeps_decided: (
        "the newest occurrence of each sweep each community was decided for (a job kind and a "
        "time), so processes sharing the database decide it once, never about a member"
    ),
    host_values: (
        "values the host keeps between runs under keys the code chooses (the console's clock "
        "offset), never about a member"
    ),
    shard_leases: (
        "which process holds which Discord shard until when: process tokens and times, never "
        "about a member"
    ),
    seen_events: (
        "ids of platform events already handled (Slack's event ids) and when to forget them, "
        "never about a member"
    ),
}
