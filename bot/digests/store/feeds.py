"""Queries for the feeds a community follows: adding, changing, claiming for a refresh."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.digests.model import Feed, FeedChange
from bot.storage.tables import feed_items, feeds
from bot.storage.transaction import Transaction

"""`added_by` of a feed whose organizer was forgotten."""


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


async def count_feeds(tx: Transaction, community_id: int) -> int:
    count = await tx.scalar(
        sa.select(sa.func.count()).select_from(feeds).where(feeds.c.community_id == community_id)
    )
    return int(count or 0)


async def get_feed(tx: Transaction, feed_id: int) -> Feed | None:
    row = (await tx.execute(sa.select(feeds).where(feeds.c.id == feed_id))).one_or_none()
    return None if row is None else _feed(row)


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


async def update_feeds(tx: Transaction, changes: Sequence[tuple[int, FeedChange]]) -> None:
    """Apply many feeds' changes: one statement run for all the rows that change the same
    columns (after a refresh, that is most of them)."""
    groups: dict[tuple[str, ...], list[tuple[int, Mapping[str, object]]]] = {}
    for feed_id, change in changes:
        groups.setdefault(tuple(sorted(change)), []).append((feed_id, change))
    for names, group in groups.items():
        columns: dict[str, list[object]] = {"id": [feed_id for feed_id, _ in group]}
        for name in names:
            columns[name] = [values[name] for _, values in group]
        await tx.update_columns(feeds, "id", columns)


async def restart_feed(tx: Transaction, feed_id: int, tags: Sequence[str]) -> None:
    """Follow a disabled feed again from a clean slate; what it holds now counts as seen."""
    await tx.execute(feed_items.delete().where(feed_items.c.feed_id == feed_id))
    clean_slate = FeedChange(
        enabled=True,
        disabled_reason=None,
        etag=None,
        last_modified=None,
        body_hash=None,
        next_check_at=None,
        claimed_until=None,
        failures=0,
        problem=None,
        baselined=False,
        tags=",".join(tags),
    )
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


async def added_by(tx: Transaction, community_id: int, user_id: str) -> list[Feed]:
    """The feeds a member added to the community, as organizer."""
    rows = await tx.execute(
        sa.select(feeds)
        .where(feeds.c.community_id == community_id, feeds.c.added_by == user_id)
        .order_by(feeds.c.id)
    )
    return [_feed(r) for r in rows]


async def forget_adder(tx: Transaction, community_id: int, user_id: str, marker: str) -> None:
    """The feeds a forgotten member added stay followed, added by `marker` instead."""
    await tx.execute(
        feeds.update()
        .where(feeds.c.community_id == community_id, feeds.c.added_by == user_id)
        .values(added_by=marker)
    )
