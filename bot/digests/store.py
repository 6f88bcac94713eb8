"""Queries for feeds, their items, posted digests and the digest settings."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import sqlalchemy as sa

from bot.digests.parse import Entry
from bot.digests.rank import Candidate
from bot.members.model import Member
from bot.storage.tables import (
    digest_entries,
    digest_settings,
    digests,
    feed_items,
    feeds,
    members,
)
from bot.storage.transaction import Transaction


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    community_id: int
    url: str
    title: str
    tags: tuple[str, ...]
    default_id: str | None
    added_at: datetime
    enabled: bool
    disabled_reason: str | None
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    fetch_ms: int | None
    checked_at: datetime | None
    succeeded_at: datetime | None
    next_check_at: datetime | None
    failures: int
    problem: str | None
    baselined: bool

    @property
    def address(self) -> str:
        """The URL as shown: without a user name or password (feeds added before Cohort
        refused such addresses may carry them)."""
        parts = urlsplit(self.url)
        if "@" not in parts.netloc:
            return self.url
        return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))

    @property
    def name(self) -> str:
        return self.title or self.address


def _feed(row: sa.Row[Any]) -> Feed:
    return Feed(
        id=row.id,
        community_id=row.community_id,
        url=row.url,
        title=row.title,
        tags=tuple(t for t in row.tags.split(",") if t),
        default_id=row.default_id,
        added_at=row.added_at,
        enabled=row.enabled,
        disabled_reason=row.disabled_reason,
        etag=row.etag,
        last_modified=row.last_modified,
        body_hash=row.body_hash,
        fetch_ms=row.fetch_ms,
        checked_at=row.checked_at,
        succeeded_at=row.succeeded_at,
        next_check_at=row.next_check_at,
        failures=row.failures,
        problem=row.problem,
        baselined=row.baselined,
    )


async def list_feeds(tx: Transaction, community_id: int) -> list[Feed]:
    rows = await tx.execute(
        sa.select(feeds).where(feeds.c.community_id == community_id).order_by(feeds.c.id)
    )
    return [_feed(r) for r in rows]


async def get_feed(tx: Transaction, feed_id: int) -> Feed | None:
    row = (await tx.execute(sa.select(feeds).where(feeds.c.id == feed_id))).one_or_none()
    return None if row is None else _feed(row)


async def item_counts(tx: Transaction, community_id: int) -> dict[int, int]:
    rows = await tx.execute(
        sa.select(feed_items.c.feed_id, sa.func.count())
        .join(feeds, feeds.c.id == feed_items.c.feed_id)
        .where(feeds.c.community_id == community_id)
        .group_by(feed_items.c.feed_id)
    )
    return {r[0]: int(r[1]) for r in rows}


async def add_feed(
    tx: Transaction,
    *,
    community_id: int,
    url: str,
    title: str,
    tags: Sequence[str],
    default_id: str | None,
    added_by: str,
    now: datetime,
) -> int | None:
    """The new feed's id, or None when the community already follows that URL."""
    result = await tx.execute(
        tx.insert_ignoring_conflicts(
            feeds,
            {
                "community_id": community_id,
                "url": url,
                "title": title[:200],
                "tags": ",".join(tags),
                "default_id": default_id,
                "added_by": added_by[:64],
                "added_at": now,
            },
        ).returning(feeds.c.id)
    )
    new_id: int | None = result.scalar_one_or_none()
    return new_id


async def feed_by_url(tx: Transaction, community_id: int, url: str) -> Feed | None:
    row = (
        await tx.execute(
            sa.select(feeds).where(feeds.c.community_id == community_id, feeds.c.url == url)
        )
    ).one_or_none()
    return None if row is None else _feed(row)


async def update_feeds(tx: Transaction, changes: Sequence[tuple[int, Mapping[str, Any]]]) -> None:
    """Apply many feeds' changes: one statement run for all the rows that change the same
    columns (after a refresh, that is most of them)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for feed_id, values in changes:
        row = {f"new_{name}": value for name, value in values.items()}
        groups.setdefault(tuple(sorted(values)), []).append({"feed": feed_id, **row})
    for columns, rows in groups.items():
        statement = (
            feeds.update()
            .where(feeds.c.id == sa.bindparam("feed"))
            .values({name: sa.bindparam(f"new_{name}") for name in columns})
        )
        await tx.execute(statement, rows)


async def restart_feed(tx: Transaction, feed_id: int, tags: Sequence[str]) -> None:
    """Follow a disabled feed again from a clean slate; what it holds now counts as seen."""
    await tx.execute(feed_items.delete().where(feed_items.c.feed_id == feed_id))
    clean_slate = {
        "enabled": True,
        "disabled_reason": None,
        "etag": None,
        "last_modified": None,
        "body_hash": None,
        "next_check_at": None,
        "claimed_until": None,
        "failures": 0,
        "problem": None,
        "baselined": False,
        "tags": ",".join(tags),
    }
    await update_feeds(tx, [(feed_id, clean_slate)])


async def delete_feeds(tx: Transaction, feed_ids: Sequence[int]) -> None:
    await tx.execute(feeds.delete().where(feeds.c.id.in_(feed_ids)))


def _unclaimed(now: datetime) -> sa.ColumnElement[bool]:
    return sa.or_(feeds.c.claimed_until.is_(None), feeds.c.claimed_until <= now)


async def due_feeds(
    tx: Transaction,
    now: datetime,
    community_id: int | None = None,
    stale_before: datetime | None = None,
) -> list[Feed]:
    """Enabled feeds whose next check has come, in one community or in all. With
    `stale_before`: those last checked before then instead, unless failures put them in a
    pause that has not ended."""
    if stale_before is None:
        when = sa.or_(feeds.c.next_check_at.is_(None), feeds.c.next_check_at <= now)
    else:
        when = sa.and_(
            sa.or_(feeds.c.checked_at.is_(None), feeds.c.checked_at < stale_before),
            sa.or_(feeds.c.failures == 0, feeds.c.next_check_at <= now),
        )
    query = sa.select(feeds).where(feeds.c.enabled.is_(True), when, _unclaimed(now))
    if community_id is not None:
        query = query.where(feeds.c.community_id == community_id)
    return [_feed(r) for r in await tx.execute(query.order_by(feeds.c.id))]


async def claim(
    tx: Transaction, feed_ids: Sequence[int], now: datetime, until: datetime
) -> list[int]:
    """Take the feeds no other refresh holds until `until`, so another process (or a
    preview racing the refresher) does not fetch them at the same time."""
    result = await tx.execute(
        feeds.update()
        .where(feeds.c.id.in_(feed_ids), _unclaimed(now))
        .values(claimed_until=until)
        .returning(feeds.c.id)
    )
    return list(result.scalars())


async def release(tx: Transaction, feed_ids: Collection[int], until: datetime) -> None:
    """Give up claims taken until `until` on feeds that were not checked after all."""
    if feed_ids:
        await tx.execute(
            feeds.update()
            .where(feeds.c.id.in_(list(feed_ids)), feeds.c.claimed_until == until)
            .values(claimed_until=None)
        )


@dataclass(frozen=True, slots=True)
class Listing:
    """What one feed's successful check brought: its entries, and whether they count as
    seen (the first check of a feed)."""

    feed_id: int
    entries: Sequence[Entry]
    seen: bool


_UIDS_PER_QUERY = 4000  # bound parameters stay far below SQLite's and asyncpg's limits


async def store_entries(
    tx: Transaction, checks: Sequence[Listing], now: datetime
) -> dict[int, int]:
    """Insert the entries each feed did not have yet and note that the others are still
    listed, for many feeds in a few statements; returns how many were new per feed."""
    chunks: list[list[Listing]] = [[]]
    size = 0
    for check in checks:
        if size + len(check.entries) > _UIDS_PER_QUERY and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(check)
        size += len(check.entries)
    new: dict[int, int] = {}
    for chunk in chunks:
        new.update(await _store_chunk(tx, chunk, now))
    return new


async def _store_chunk(tx: Transaction, checks: Sequence[Listing], now: datetime) -> dict[int, int]:
    counts = {c.feed_id: 0 for c in checks}
    uids = list({e.uid for c in checks for e in c.entries})
    if not uids:
        return counts
    listed = sa.and_(feed_items.c.feed_id.in_(list(counts)), feed_items.c.uid.in_(uids))
    rows = await tx.execute(sa.select(feed_items.c.feed_id, feed_items.c.uid).where(listed))
    known = {(r.feed_id, r.uid) for r in rows}
    if known:
        # A uid two feeds of the chunk share may mark one of them as still listing it when
        # it does not; that only delays forgetting the item.
        await tx.execute(feed_items.update().where(listed).values(last_seen_at=now))
    fresh: list[dict[str, object]] = []
    for check in checks:
        for entry in check.entries:
            if (check.feed_id, entry.uid) in known:
                continue
            counts[check.feed_id] += 1
            fresh.append(
                {
                    "feed_id": check.feed_id,
                    "uid": entry.uid,
                    "url": entry.url,
                    "canonical": entry.canonical,
                    "title": entry.title,
                    "title_key": entry.title_key,
                    "published_at": entry.published_at,
                    "first_seen_at": now,
                    "last_seen_at": now,
                    "seen": check.seen,
                }
            )
    if fresh:
        # One compiled statement run for every row; a row another process inserted first is
        # skipped rather than failing the batch.
        insert = tx.insert(feed_items)
        await tx.execute(insert.on_conflict_do_nothing(), fresh)
    return counts


async def prune_items(
    tx: Transaction, feed_ids: Sequence[int], listed_before: datetime, keep: int
) -> None:
    """Forget items the feeds stopped listing long ago, and beyond the `keep` most recently
    listed of each feed (a feed that changes every GUID each hour must not grow without end)."""
    if not feed_ids:
        return
    await tx.execute(
        feed_items.delete().where(
            feed_items.c.feed_id.in_(feed_ids), feed_items.c.last_seen_at < listed_before
        )
    )
    over = await tx.execute(
        sa.select(feed_items.c.feed_id)
        .where(feed_items.c.feed_id.in_(feed_ids))
        .group_by(feed_items.c.feed_id)
        .having(sa.func.count() > keep)
    )
    for (feed_id,) in over.all():
        kept = (
            sa.select(feed_items.c.id)
            .where(feed_items.c.feed_id == feed_id)
            .order_by(feed_items.c.last_seen_at.desc(), feed_items.c.id.desc())
            .limit(keep)
        )
        await tx.execute(
            feed_items.delete().where(
                feed_items.c.feed_id == feed_id, feed_items.c.id.not_in(kept.scalar_subquery())
            )
        )


async def candidates(
    tx: Transaction, community_id: int, since: datetime, per_feed: int, dated_after: datetime
) -> list[Candidate]:
    """Unseen items of the community's feeds first seen after `since` and not dated before
    `dated_after`: the `per_feed` newest of each feed, so a feed publishing hundreds a day
    (arXiv) does not make the weekly job's transaction long."""
    moment = sa.func.coalesce(feed_items.c.published_at, feed_items.c.first_seen_at)
    newest = sa.func.row_number().over(
        partition_by=feed_items.c.feed_id, order_by=(moment.desc(), feed_items.c.id)
    )
    item = feed_items.c
    ranked = (
        sa.select(
            item.id,
            item.feed_id,
            item.url,
            item.canonical,
            item.title,
            item.title_key,
            item.published_at,
            item.first_seen_at,
            newest.label("newest"),
        )
        .join(feeds, feeds.c.id == feed_items.c.feed_id)
        .where(
            feeds.c.community_id == community_id,
            feed_items.c.seen.is_(False),
            feed_items.c.first_seen_at > since,
            sa.or_(feed_items.c.published_at.is_(None), feed_items.c.published_at >= dated_after),
        )
        .subquery()
    )
    rows = await tx.execute(
        sa.select(
            ranked, feeds.c.title.label("source"), feeds.c.url.label("feed_url"), feeds.c.tags
        )
        .join(feeds, feeds.c.id == ranked.c.feed_id)
        .where(ranked.c.newest <= per_feed)
    )
    return [
        Candidate(
            item_id=r.id,
            feed_id=r.feed_id,
            source=r.source or r.feed_url,
            feed_tags=tuple(t for t in r.tags.split(",") if t),
            url=r.url,
            canonical=r.canonical,
            title=r.title,
            title_key=r.title_key,
            published_at=r.published_at,
            first_seen_at=r.first_seen_at,
        )
        for r in rows
    ]


@dataclass(frozen=True, slots=True)
class PostedEntry:
    topic: str
    title: str
    url: str
    source: str
    canonical: str
    title_key: str


@dataclass(frozen=True, slots=True)
class PostedDigest:
    week: str
    created_at: datetime
    readings: tuple[str, ...]
    entries: tuple[PostedEntry, ...]


async def shown_since(
    tx: Transaction, community_id: int, since: datetime
) -> tuple[set[str], list[str]]:
    """The canonical URL hashes and title keys of entries posted since `since`."""
    rows = await tx.execute(
        sa.select(digest_entries.c.canonical, digest_entries.c.title_key)
        .join(digests, digests.c.id == digest_entries.c.digest_id)
        .where(digests.c.community_id == community_id, digests.c.created_at >= since)
    )
    pairs = list(rows)
    return {p.canonical for p in pairs}, [p.title_key for p in pairs]


async def featured_readings(tx: Transaction, community_id: int) -> dict[str, datetime]:
    """When each curated reading last appeared in a digest of the community."""
    rows = await tx.execute(
        sa.select(digests.c.readings, digests.c.created_at)
        .where(digests.c.community_id == community_id)
        .order_by(digests.c.created_at)
    )
    return {reading: r.created_at for r in rows for reading in r.readings.split(",") if reading}


async def add_digest(
    tx: Transaction,
    *,
    community_id: int,
    week: str,
    now: datetime,
    readings: Sequence[str],
    parts: int,
    entries: Sequence[PostedEntry],
) -> bool:
    """Record a posted digest and its entries; False when the week already has one."""
    digest_id = (
        await tx.execute(
            tx.insert_ignoring_conflicts(
                digests,
                {
                    "community_id": community_id,
                    "week": week,
                    "created_at": now,
                    "readings": ",".join(readings),
                    "parts": parts,
                },
            ).returning(digests.c.id)
        )
    ).scalar_one_or_none()
    if digest_id is None:
        return False
    if entries:
        await tx.execute(
            digest_entries.insert(),
            [
                {
                    "digest_id": digest_id,
                    "position": position,
                    "topic": e.topic,
                    "title": e.title[:300],
                    "url": e.url[:1000],
                    "source": e.source[:200],
                    "canonical": e.canonical,
                    "title_key": e.title_key[:300],
                }
                for position, e in enumerate(entries)
            ],
        )
    return True


async def latest_digest(tx: Transaction, community_id: int) -> PostedDigest | None:
    row = (
        await tx.execute(
            sa.select(digests)
            .where(digests.c.community_id == community_id)
            .order_by(digests.c.created_at.desc(), digests.c.id.desc())
            .limit(1)
        )
    ).one_or_none()
    if row is None:
        return None
    entries = await tx.execute(
        sa.select(digest_entries)
        .where(digest_entries.c.digest_id == row.id)
        .order_by(digest_entries.c.position)
    )
    return PostedDigest(
        week=row.week,
        created_at=row.created_at,
        readings=tuple(r for r in row.readings.split(",") if r),
        entries=tuple(
            PostedEntry(e.topic, e.title, e.url, e.source, e.canonical, e.title_key)
            for e in entries
        ),
    )


async def focus(tx: Transaction, community_id: int) -> tuple[str, ...]:
    value = await tx.scalar(
        sa.select(digest_settings.c.focus).where(digest_settings.c.community_id == community_id)
    )
    return tuple(t for t in (value or "").split(",") if t)


async def set_focus(tx: Transaction, community_id: int, topics: Sequence[str]) -> None:
    await tx.execute(
        tx.upsert(
            digest_settings,
            {"community_id": community_id, "focus": ",".join(topics)},
            ("community_id",),
        )
    )


async def active_members(tx: Transaction, community_id: int) -> list[Member]:
    rows = await tx.execute(
        sa.select(members).where(
            members.c.community_id == community_id, members.c.left_at.is_(None)
        )
    )
    return [
        Member(
            id=r.id,
            community_id=r.community_id,
            user_id=r.user_id,
            display_name=r.display_name,
            timezone=r.timezone,
            start_date=r.start_date,
            weekly_hours=r.weekly_hours,
            focus=r.focus,
            public=r.public,
            joined_at=r.joined_at,
            left_at=r.left_at,
        )
        for r in rows
    ]
