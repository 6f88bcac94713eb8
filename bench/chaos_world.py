"""The world of the chaos bench: deployments seeded with communities whose weekly posts fall
due within minutes, the loopback platforms they post to, and the tally of what arrived."""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from adapters.discord.sender import reference
from adapters.slack.sender import marker
from bot.app import Cohort
from bot.clock import ManualClock
from bot.communities.model import Purpose, Schedule
from bot.identity import Caller, CommunityRef, MemberRef, Platform
from bot.members.service import ProfileChange
from bot.outbox import Status
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import outbox, outbox_orphans
from tests.fakes.discord_fake import FakeDiscord
from tests.fakes.slack_fake import FakeSlack

# A Monday morning: every community's four weekly posts are due in the minutes after START
# (the spread), all in ISO week 2026-W50.
START = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
MEMBERS = 6  # per community, all taking part in matchups: three intros a week
MAX_PARTS = 6  # parts a Discord post may be split into


@dataclass
class Platforms:
    """One deployment's loopback Discord and Slack (each deployment has its own, so that
    outbox keys, which hold community ids, are unique on each)."""

    discord: FakeDiscord = field(default_factory=FakeDiscord)
    slack: FakeSlack = field(default_factory=FakeSlack)

    async def start(self, nonce_window: float) -> None:
        await self.discord.start()
        await self.slack.start()
        self.discord.nonce_window = nonce_window

    async def close(self) -> None:
        await self.discord.close()
        await self.slack.close()


@dataclass
class Deployment:
    """A database, the `cohort run` processes on it, and the platforms they post to."""

    name: str
    url: str
    processes: int
    platforms: Platforms = field(default_factory=Platforms)
    communities: dict[Platform, list[int]] = field(default_factory=dict)


_ids = itertools.count(1_300_000_000_000_000_000)


async def seed(deployment: Deployment, per_platform: int, spread: int) -> None:
    """Communities on Discord and Slack, each with its four channels, its four weekly posts
    due at different minutes of the spread, and members who all take part in matchups."""
    settings = Settings(database_url=deployment.url, parse_workers=0, _env_file=None)
    db = Database.connect(deployment.url)
    cohort = Cohort(settings, ManualClock(START - timedelta(hours=1)), db)
    await cohort.start()
    minutes = itertools.cycle(range(1, spread + 1))
    try:
        for platform in (Platform.DISCORD, Platform.SLACK):
            made = deployment.communities.setdefault(platform, [])
            for _ in range(per_platform):
                made.append(await _community(cohort, deployment, platform, minutes))
    finally:
        await cohort.close()


async def _community(
    cohort: Cohort, deployment: Deployment, platform: Platform, minutes: itertools.cycle[int]
) -> int:
    number = next(_ids)
    if platform is Platform.DISCORD:
        ref = CommunityRef(platform, str(number))
        channels = {purpose: str(next(_ids)) for purpose in Purpose}
        for channel in channels.values():
            deployment.platforms.discord.messages[int(channel)] = []
        users = [str(next(_ids)) for _ in range(MEMBERS)]
    else:
        ref = CommunityRef(platform, f"T{number}")
        channels = {purpose: f"C{number}{purpose.value[:3].upper()}" for purpose in Purpose}
        users = [f"U{next(_ids)}" for _ in range(MEMBERS)]
    community = await cohort.communities.resolve(ref, cohort.clock.now())
    community = await cohort.communities.configure(community, timezone="UTC", channels=channels)
    for purpose in Purpose:
        due = START + timedelta(minutes=next(minutes))
        community = await cohort.communities.configure(
            community, schedules=[Schedule(purpose, due.weekday(), due.strftime("%H:%M"))]
        )
    for user in users:
        caller = Caller(MemberRef(ref, user), display_name=user)
        await cohort.members.join(community.id, caller, "UTC", ProfileChange(), cohort.clock.now())
        await cohort.matchups.join(community, user, None, None, cohort.clock.now())
    return community.id


def last_due(spread: int) -> datetime:
    return START + timedelta(minutes=spread)


def weekly_keys(community_id: int) -> list[str]:
    """The posts every community must get this week, whatever else it gets."""
    return [
        f"challenge:{community_id}:2026-W50",
        f"digest:{community_id}:2026-W50:1",
        f"checkin-prompt:{community_id}:2026-W49",  # the week it asks about
    ]


async def unsettled(deployment: Deployment, now: datetime) -> int:
    """Rows still to deliver that are due by `now`."""
    db = Database.connect(deployment.url)
    try:
        return await count_unsettled(db, now, retries=False)
    finally:
        await db.dispose()


async def count_unsettled(db: Database, now: datetime, *, retries: bool) -> int:
    """Outbox rows not settled yet: being delivered, or queued and due by `now`; with
    `retries`, also queued rows waiting for a retry due later (an attempt was made), which a
    bench that waits for everything to be delivered waits for too."""
    due = outbox.c.next_attempt_at <= now
    waiting = sa.or_(due, outbox.c.attempts > 0) if retries else due
    unsettled = (Status.SENDING.value, Status.PENDING.value)
    async with db.read() as tx:
        count = await tx.scalar(
            sa.select(sa.func.count())
            .select_from(outbox)
            .where(
                # The platforms and statuses named, so the outbox's (platform, status, ...)
                # index finds the few unsettled rows: polled every tenth of a second while
                # the sent rows pile up (178,000 in the full week), an OR of statuses read
                # them all, 23 ms a poll on PostgreSQL, a fifth of a core.
                outbox.c.platform.in_([p.value for p in Platform]),
                outbox.c.status.in_(unsettled),
                sa.or_(outbox.c.status == Status.SENDING.value, waiting),
            )
        )
    return int(count or 0)


@dataclass
class Tally:
    platform: str
    expected: int = 0
    delivered: int = 0
    lost: int = 0
    duplicated: int = 0
    failed_rows: int = 0
    recoveries: int = 0
    orphans: int = 0
    history_lookups: int = 0
    copies_deleted: int = 0  # later copies of a post deleted by a drainer that raced another
    lost_keys: list[str] = field(default_factory=list)
    duplicated_keys: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name in ("expected", "delivered", "lost", "duplicated", "failed_rows"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("recoveries", "orphans", "history_lookups", "copies_deleted"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.lost_keys += other.lost_keys
        self.duplicated_keys += other.duplicated_keys


async def tally(deployment: Deployment, end: datetime) -> dict[Platform, Tally]:
    """Every message each platform should have received from this deployment (each row due
    by `end`, and each community's weekly posts even if no row was ever written) against what
    the platform holds: lost when absent, duplicated when there more than once."""
    db = Database.connect(deployment.url)
    try:
        async with db.read() as conn:
            rows = (await conn.execute(sa.select(outbox))).all()
            orphaned = set(await conn.scalars(sa.select(outbox_orphans.c.outbox_id)))
    finally:
        await db.dispose()
    expected: dict[Platform, set[str]] = {p: set() for p in deployment.communities}
    found: dict[Platform, Tally] = {p: Tally(p.value) for p in deployment.communities}
    for row in rows:
        platform = Platform(row.platform)
        waiting = row.status == Status.PENDING.value and row.attempts == 0
        if not (waiting and row.next_attempt_at > end):
            expected[platform].add(row.key)
        found[platform].failed_rows += row.status == Status.FAILED.value
        found[platform].recoveries += row.recoveries
        found[platform].orphans += row.id in orphaned
    for platform, ids in deployment.communities.items():
        for community_id in ids:
            expected[platform].update(weekly_keys(community_id))
    seen = {
        Platform.DISCORD: _discord_posts(deployment.platforms.discord, expected[Platform.DISCORD]),
        Platform.SLACK: _slack_posts(deployment.platforms.slack, expected[Platform.SLACK]),
    }
    found[Platform.DISCORD].history_lookups = len(
        deployment.platforms.discord.calls_to("GET", r"/channels/\d+/messages")
    )
    found[Platform.SLACK].history_lookups = len(
        deployment.platforms.slack.calls_to("conversations.history")
    )
    found[Platform.DISCORD].copies_deleted = len(deployment.platforms.discord.deleted)
    found[Platform.SLACK].copies_deleted = len(deployment.platforms.slack.deleted)
    for platform, keys in expected.items():
        result = found[platform]
        result.expected = len(keys)
        for key in sorted(keys):
            times = seen[platform][key]
            result.delivered += times >= 1
            if times == 0:
                result.lost += 1
                result.lost_keys.append(key)
            elif times > 1:
                result.duplicated += 1
                result.duplicated_keys.append(key)
    return found


def _discord_posts(fake: FakeDiscord, keys: set[str]) -> Counter[str]:
    """How many times each key's post is in a channel: the most any of its parts is there
    (each part carries its own reference in its embed footer)."""
    part_of = {reference(k, p): k for k in keys for p in range(MAX_PARTS)}
    counts: Counter[tuple[str, str]] = Counter()
    for messages in fake.messages.values():
        for message in messages:
            for embed in message.get("embeds") or []:
                ref = str((embed.get("footer") or {}).get("text", ""))
                if ref in part_of:
                    counts[(part_of[ref], ref)] += 1
    posts: Counter[str] = Counter()
    for (key, _), times in counts.items():
        posts[key] = max(posts[key], times)
    return posts


def _slack_posts(fake: FakeSlack, keys: set[str]) -> Counter[str]:
    """How many times each key's post is in a conversation: by its metadata, or, for a post
    with a picture (the weekly report's chart), by the marker in its file's name."""
    by_marker = {marker(k): k for k in keys}
    posts = Counter(fake.posted_keys())
    for messages in fake.messages.values():
        for message in messages:
            names = {str(f.get("name", ""))[: len(marker(""))] for f in message.get("files") or []}
            posts.update(by_marker[n] for n in names if n in by_marker)
    return posts
