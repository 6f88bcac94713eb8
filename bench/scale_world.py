"""The world of the scale bench: communities and members with eight weeks of history, made
with bulk inserts, and the local feeds their digests read."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bot.checkins.streaks import Calendar, fold
from bot.communities.model import Purpose
from bot.identity import Platform
from bot.storage import migrate
from bot.storage.database import Database
from bot.storage.tables import (
    checkin_weeks,
    checkins,
    communities,
    community_channels,
    feeds,
    match_members,
    members,
    schedules,
    streaks,
)
from bot.weeks import WEEK
from tests.fakes.feed_server import FeedServer, Post, rss20

START = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)  # a Monday: the simulated week is 2026-W50
END = START + timedelta(days=7)
HISTORY_WEEKS = 8
CHUNK = 5000
FEED_DOCUMENTS = 40  # distinct documents the feed server serves, each at many addresses
ITEMS = 20  # per feed document
ZONES = (  # weighted like the matchups bench: Europe, the Americas and India heaviest
    *("Europe/London",) * 8,
    *("Europe/Berlin",) * 10,
    *("Africa/Lagos",) * 3,
    *("Asia/Kolkata",) * 10,
    *("Asia/Singapore",) * 2,
    *("Asia/Tokyo",) * 2,
    *("Australia/Sydney",) * 2,
    *("America/Sao_Paulo",) * 4,
    *("America/New_York",) * 9,
    *("America/Chicago",) * 4,
    *("America/Los_Angeles",) * 6,
)
TIMES = ("08:00", "09:00", "10:00", "12:00", "17:00", "18:00", "19:00")  # on the hour
CHECKED_THIS_WEEK = 0.6  # members who check in during the simulated week (the rest are nudged)
MATCHING = 0.4  # members who take part in matchups


@dataclass
class World:
    """What was generated: each community's platform reference and its members' user ids
    (a sample, for the commands run during the week), and the row counts."""

    refs: list[tuple[Platform, str]] = field(default_factory=list)
    users: list[tuple[int, str]] = field(default_factory=list)  # (community index, user id)
    rows: dict[str, int] = field(default_factory=dict)
    feed_paths: list[str] = field(default_factory=list)
    autovacuum: str | None = None  # PostgreSQL's setting, read after generating

    def platforms(self) -> list[Platform]:
        return sorted({platform for platform, _ in self.refs})


def _platform(index: int) -> Platform:
    return Platform.DISCORD if index % 2 == 0 else Platform.SLACK


async def _insert(db: Database, table: sa.Table, rows: Sequence[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        async with db.write() as tx:
            await tx.execute(table.insert(), list(rows[start : start + CHUNK]))


def generate_apart(url: str, count: int, member_count: int, seed: int, feed_url: str) -> World:
    """Migrate the database at `url` and `generate` its world, meant to run in a process of
    its own: the millions of rows built on the way would leave the bench's process holding
    memory its idle figure then counted as the bot's."""

    async def make() -> World:
        db = Database.connect(url)
        try:
            await migrate.upgrade(db)
            world = await generate(db, count, member_count, seed, feed_url)
            if db.dialect == "postgresql":
                # Eight weeks of history inserted in a minute: a deployment's autovacuum
                # would have gathered its statistics as it grew, and without them the
                # planner guesses (the members table read as 26,000 rows, not 250,000).
                async with db.write() as tx:
                    await tx.execute(sa.text("ANALYZE"))
                    world.autovacuum = await tx.scalar(sa.text("SHOW autovacuum"))
            return world
        finally:
            await db.dispose()

    return asyncio.run(make())


async def generate(
    db: Database, count: int, member_count: int, seed: int, feed_url: str, sample: int = 2000
) -> World:
    """`count` communities alternating Discord and Slack, each with its five channels, its
    weekly schedules at its own local times, one local feed, and about `member_count / count`
    members (between half and one and a half times that) with eight weeks of check-ins,
    their streaks, matchup participation, and check-ins for part of the simulated week."""
    rng = random.Random(seed)
    world = World()
    community_rows = []
    for n in range(count):
        platform = _platform(n)
        external = f"{900_000_000_000 + n}" if platform is Platform.DISCORD else f"T{n:08d}"
        world.refs.append((platform, external))
        community_rows.append(
            {
                "platform": platform.value,
                "external_id": external,
                "timezone": rng.choice(ZONES),
                # Nothing from before the simulated week runs late at its first tick.
                "created_at": START,
                "challenge_track": "auto",
            }
        )
    await _insert(db, communities, community_rows)
    async with db.read() as tx:
        ids = list(await tx.scalars(sa.select(communities.c.id).order_by(communities.c.id)))
    channel_rows, schedule_rows, feed_rows = [], [], []
    for n, community_id in enumerate(ids):
        for purpose in Purpose:
            channel = f"{community_id}-{purpose.value}"
            channel_rows.append(
                {"community_id": community_id, "purpose": purpose.value, "channel_id": channel}
            )
            schedule_rows.append(
                {
                    "community_id": community_id,
                    "kind": purpose.value,
                    "weekday": rng.randrange(7),
                    "local_time": rng.choice(TIMES),
                    "enabled": True,
                }
            )
        path = f"/feeds/{n % FEED_DOCUMENTS}/{community_id}.xml"
        world.feed_paths.append(path)
        feed_rows.append(
            {
                "community_id": community_id,
                "url": feed_url + path,
                "title": f"Feed {n % FEED_DOCUMENTS}",
                "tags": "",
                "added_by": "organizer",
                "added_at": START - HISTORY_WEEKS * WEEK,
            }
        )
    await _insert(db, community_channels, channel_rows)
    await _insert(db, schedules, schedule_rows)
    await _insert(db, feeds, feed_rows)
    world.rows = {"communities": count, "feeds": len(feed_rows)}
    await _members(db, ids, member_count, rng, world, sample)
    return world


async def _members(
    db: Database, ids: list[int], total: int, rng: random.Random, world: World, sample: int
) -> None:
    first = START.date() - HISTORY_WEEKS * WEEK
    joined = datetime.combine(first, datetime.min.time(), tzinfo=UTC)
    sizes = [rng.uniform(0.5, 1.5) for _ in ids]
    scale = total / sum(sizes)
    counts = [round(s * scale) for s in sizes]
    counts[-1] += total - sum(counts)
    member_rows = []
    for n, (community_id, size) in enumerate(zip(ids, counts, strict=True)):
        for i in range(max(0, size)):
            member_rows.append(
                {
                    "community_id": community_id,
                    "user_id": f"u{community_id}x{i}",
                    "display_name": f"member {i}",
                    "timezone": rng.choice(ZONES),
                    "start_date": first,
                    "weekly_hours": rng.choice((3, 5, 8, 10)),
                    "focus": "",
                    "public": rng.random() > 0.1,
                    "joined_at": joined,
                }
            )
            world.users.append((n, f"u{community_id}x{i}"))
    if len(world.users) > sample:
        world.users = rng.sample(world.users, sample)
    await _insert(db, members, member_rows)
    del member_rows
    async with db.read() as tx:
        member_ids = list(await tx.scalars(sa.select(members.c.id).order_by(members.c.id)))
    weeks = [first + n * WEEK for n in range(HISTORY_WEEKS)]
    this_week = START.date()
    made = {"members": len(member_ids), "check-ins": 0}
    for start in range(0, len(member_ids), CHUNK):
        checkin_rows: list[dict[str, Any]] = []
        streak_rows, match_rows = [], []
        for member_id in member_ids[start : start + CHUNK]:
            done = {w for w in weeks if rng.random() < 0.85}
            if rng.random() < CHECKED_THIS_WEEK:
                done.add(this_week)
            mine = [_checkin(member_id, week, rng) for week in sorted(done)]
            checkin_rows += mine
            if done:
                newest = max(done)
                streak = fold(done, Calendar(), this_week).streak
                streak_rows.append(
                    {
                        "member_id": member_id,
                        "through_week": newest,
                        "current_weeks": streak.current,
                        "best_weeks": streak.best,
                        "freezes": streak.freezes,
                        "checkins": len(mine),
                        "hours": sum(row["hours"] for row in mine),
                        "last_week": newest,
                    }
                )
            if rng.random() < MATCHING:
                match_rows.append({"member_id": member_id, "status": "active", "joined_at": joined})
        made["check-ins"] += len(checkin_rows)
        await _insert(db, checkins, checkin_rows)
        await _insert(db, streaks, streak_rows)
        await _insert(db, match_members, match_rows)
    # Each community's check-ins per week, kept beside the rows as check-ins are written.
    per_week = (
        sa.select(members.c.community_id, checkins.c.week_start, sa.func.count())
        .join(members, members.c.id == checkins.c.member_id)
        .group_by(members.c.community_id, checkins.c.week_start)
    )
    async with db.write() as tx:
        await tx.execute(
            checkin_weeks.insert().from_select(["community_id", "week_start", "checkins"], per_week)
        )
    world.rows.update(made)


def _checkin(member_id: int, week: date, rng: random.Random) -> dict[str, Any]:
    # Dated the Friday of its week: before each zone's Sunday reminder.
    moment = datetime.combine(week, datetime.min.time(), tzinfo=UTC) + timedelta(days=4)
    return {
        "member_id": member_id,
        "week_start": week,
        "done": "Worked through the week's milestone and wrote notes.",
        "hours": rng.randint(2, 12),
        "next_steps": "Keep going.",
        "blockers": "",
        "milestone_ids": "",
        "confidence": rng.randint(2, 5),
        "created_at": moment,
        "updated_at": moment,
    }


def serve_feeds(server: FeedServer, world: World) -> None:
    """Serve each generated feed address one of FEED_DOCUMENTS RSS documents, published over
    the eight weeks before the simulated week."""
    documents = [_document(n) for n in range(FEED_DOCUMENTS)]
    for path in world.feed_paths:
        server.serve(path, documents[int(path.split("/")[2])])


def _document(n: int) -> bytes:
    rng = random.Random(n)
    posts = [
        Post(
            f"Study note {n}-{i}: {rng.choice(('agents', 'evals', 'retrieval', 'tuning'))}",
            f"https://news{n}.example.org/{i}",
            guid=f"{n}-{i}",
            published=START - timedelta(hours=rng.uniform(1, 24 * 7 * HISTORY_WEEKS)),
        )
        for i in range(ITEMS)
    ]
    return rss20(posts, title=f"Feed {n}")
