"""Queries for the items feeds list: storing what a check brought, forgetting old ones, and
the candidates of a digest."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from bot.digests.model import Listing
from bot.digests.rank import Candidate
from bot.storage.tables import feed_items, feeds
from bot.storage.transaction import Transaction


async def item_counts(tx: Transaction, community_id: int) -> dict[int, int]:
    rows = await tx.execute(
        sa.select(feed_items.c.feed_id, sa.func.count())
        .join(feeds, feeds.c.id == feed_items.c.feed_id)
        .where(feeds.c.community_id == community_id)
        .group_by(feed_items.c.feed_id)
    )
    return {r[0]: int(r[1]) for r in rows}


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
    if not any(c.entries for c in checks):
        return counts
    # What the feeds hold already, in one query by feed (a few parameters, where asking for
    # each (feed, uid) pair took thousands); those still listed are noted as such.
    held = await tx.execute(
        sa.select(feed_items.c.id, feed_items.c.feed_id, feed_items.c.uid).where(
            feed_items.c.feed_id.in_(list(counts))
        )
    )
    ids = {(r.feed_id, r.uid): r.id for r in held}
    listed = {(c.feed_id, e.uid) for c in checks for e in c.entries}
    known = listed & ids.keys()
    if known:
        await tx.execute(
            feed_items.update()
            .where(feed_items.c.id.in_([ids[key] for key in known]))
            .values(last_seen_at=now)
        )
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
    # A row another process inserted first is skipped rather than failing the batch.
    await tx.insert_many(feed_items, fresh)
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
) -> tuple[list[Candidate], list[Candidate]]:
    """Unseen items of the community's feeds first seen after `since` and not dated before
    `dated_after`: the `per_feed` newest of each feed (so a feed publishing hundreds a day,
    like arXiv, does not make the weekly job's transaction long), and apart, the next one of
    each feed that has more: every item left out is no newer than it."""
    sources: dict[int, tuple[str, tuple[str, ...]]] = {
        r.id: (r.title or r.url, tuple(t for t in r.tags.split(",") if t))
        for r in await tx.execute(
            sa.select(feeds.c.id, feeds.c.title, feeds.c.url, feeds.c.tags).where(
                feeds.c.community_id == community_id
            )
        )
    }
    item = feed_items.c
    moment = sa.func.coalesce(item.published_at, item.first_seen_at)
    newest = sa.func.row_number().over(partition_by=item.feed_id, order_by=(moment.desc(), item.id))
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
        .where(
            item.feed_id.in_(list(sources)),
            item.seen.is_(False),
            item.first_seen_at > since,
            sa.or_(item.published_at.is_(None), item.published_at >= dated_after),
        )
        .subquery()
    )
    rows = await tx.execute(sa.select(ranked).where(ranked.c.newest <= per_feed + 1))
    within: list[Candidate] = []
    beyond: list[Candidate] = []
    for r in rows:
        source, tags = sources[r.feed_id]
        candidate = Candidate(
            r.id,
            r.feed_id,
            source,
            tags,
            r.url,
            r.canonical,
            r.title,
            r.title_key,
            r.published_at,
            r.first_seen_at,
        )
        (within if r.newest <= per_feed else beyond).append(candidate)
    return within, beyond
