"""Queries for posted digests (what they carried, for repeats and `digest show`) and the
digest settings."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from bot.digests.model import PostedDigest, PostedEntry
from bot.storage.tables import digest_entries, digest_settings, digests
from bot.storage.transaction import Transaction


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
