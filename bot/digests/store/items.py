"""Queries for the items feeds list: storing what a check brought, forgetting old ones, and
the candidates of a digest."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.digests.model import Listing, Stored
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
) -> dict[int, Stored]:
    """Insert the entries each feed did not have yet and note that the others are still
    listed, for many feeds in a few statements; returns what was found per feed."""
    chunks: list[list[Listing]] = [[]]
    size = 0
    for check in checks:
        if size + len(check.entries) > _UIDS_PER_QUERY and chunks[-1]:
            chunks.append([])
            size = 0
        chunks[-1].append(check)
        size += len(check.entries)
    stored: dict[int, Stored] = {}
    for chunk in chunks:
        stored.update(await _store_chunk(tx, chunk, now))
    return stored


async def _store_chunk(
    tx: Transaction, checks: Sequence[Listing], now: datetime
) -> dict[int, Stored]:
    feed_ids = [c.feed_id for c in checks]
    if not any(c.entries for c in checks):
        return dict.fromkeys(feed_ids, Stored(0, 0, None))
    # What the feeds hold already, in one query by feed (a few parameters, where asking for
    # each (feed, uid) pair took thousands); those still listed are noted as such.
    held = await tx.execute(
        sa.select(feed_items.c.id, feed_items.c.feed_id, feed_items.c.uid).where(
            feed_items.c.feed_id.in_(feed_ids)
        )
    )
    listed = {(c.feed_id, e.uid) for c in checks for e in c.entries}
    ids: dict[tuple[int, str], int] = {}
    counts = dict.fromkeys(feed_ids, 0)
    for item_id, feed_id, uid in held:
        ids[feed_id, uid] = item_id
        counts[feed_id] += 1
    known = listed & ids.keys()
    if known:
        await tx.execute(
            feed_items.update()
            .where(feed_items.c.id.in_([ids[key] for key in known]))
            .values(last_seen_at=now)
        )
    # By feed: the oldest last listing of the items it no longer lists, which are those it
    # holds not listed `now` (read as a few rows, not as every item's date).
    still = Counter(feed_id for feed_id, _ in known)
    dropped = [feed_id for feed_id in feed_ids if counts[feed_id] > still[feed_id]]
    unlisted: dict[int, datetime] = {}
    if dropped:
        oldest = await tx.execute(
            sa.select(feed_items.c.feed_id, sa.func.min(feed_items.c.last_seen_at))
            .where(feed_items.c.feed_id.in_(dropped), feed_items.c.last_seen_at < now)
            .group_by(feed_items.c.feed_id)
        )
        unlisted = dict(oldest.all())
    fresh = [
        (check, entry)
        for check in checks
        for entry in check.entries
        if (check.feed_id, entry.uid) not in known
    ]
    new = dict.fromkeys(feed_ids, 0)
    for check, _ in fresh:
        new[check.feed_id] += 1
    # A row another process inserted first is skipped rather than failing the batch.
    await tx.insert_columns(
        feed_items,
        {
            "feed_id": [check.feed_id for check, _ in fresh],
            "uid": [entry.uid for _, entry in fresh],
            "url": [entry.url for _, entry in fresh],
            "canonical": [entry.canonical for _, entry in fresh],
            "title": [entry.title for _, entry in fresh],
            "title_key": [entry.title_key for _, entry in fresh],
            "published_at": [entry.published_at for _, entry in fresh],
            "first_seen_at": [now] * len(fresh),
            "last_seen_at": [now] * len(fresh),
            "seen": [check.seen for check, _ in fresh],
        },
    )
    return {
        feed_id: Stored(new[feed_id], counts[feed_id] + new[feed_id], unlisted.get(feed_id))
        for feed_id in feed_ids
    }


async def prune_items(
    tx: Transaction,
    stale: Sequence[int],
    crowded: Sequence[int],
    listed_before: datetime,
    keep: int,
) -> None:
    """Forget the items of the `stale` feeds they stopped listing before `listed_before`, and
    those of the `crowded` feeds beyond the `keep` most recently listed of each (a feed that
    changes every GUID each hour must not grow without end)."""
    if stale:
        await tx.execute(
            feed_items.delete().where(
                feed_items.c.feed_id.in_(stale), feed_items.c.last_seen_at < listed_before
            )
        )
    if not crowded:
        return
    over = await tx.execute(
        sa.select(feed_items.c.feed_id)
        .where(feed_items.c.feed_id.in_(crowded))
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

    def admitted(item: sa.FromClause) -> sa.ColumnElement[bool]:
        return sa.and_(
            item.c.seen.is_(False),
            item.c.first_seen_at > since,
            sa.or_(item.c.published_at.is_(None), item.c.published_at >= dated_after),
        )

    def newest_first(item: sa.FromClause) -> list[sa.ColumnElement[Any]]:
        return [sa.func.coalesce(item.c.published_at, item.c.first_seen_at).desc(), item.c.id]

    query = tx.first_of_each(
        sa.select(feeds.c.id).where(feeds.c.community_id == community_id),
        feed_items,
        "feed_id",
        ("id", "url", "canonical", "title", "title_key", "published_at", "first_seen_at"),
        admitted,
        newest_first,
        per_feed + 1,
    )
    by_feed: dict[int, list[Candidate]] = {}
    for feed_id, item_id, *item in await tx.execute(query):  # the columns in Candidate's order
        source, tags = sources[feed_id]
        by_feed.setdefault(feed_id, []).append(Candidate(item_id, feed_id, source, tags, *item))
    within: list[Candidate] = []
    beyond: list[Candidate] = []
    for listed in by_feed.values():
        listed.sort(key=lambda c: (-c.moment.timestamp(), c.item_id))
        within += listed[:per_feed]
        beyond += listed[per_feed:]
    return within, beyond
