"""Transaction.insert_many: rows stored exactly as an ordinary INSERT stores them, conflicts
skipped, on every database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bot.storage.database import Database
from bot.storage.tables import communities, feeds

NOW = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)
_RAW = "SELECT url, added_at, enabled, checked_at FROM feeds"  # as the driver gives them back


async def _community(db: Database) -> int:
    async with db.write() as tx:
        result = await tx.execute(
            communities.insert()
            .values(platform="console", external_id="t", created_at=NOW)
            .returning(communities.c.id)
        )
        return int(result.scalar_one())


def _feed(community_id: int, n: int, added_at: datetime, **values: object) -> dict[str, object]:
    return {
        "community_id": community_id,
        "url": f"https://example.org/{n}",
        "added_by": "u",
        "added_at": added_at,
        "enabled": n % 2 == 0,
        "checked_at": None if n % 3 else added_at + timedelta(minutes=n),
        **values,
    }


async def test_insert_many_stores_values_as_an_ordinary_insert_does(db: Database) -> None:
    community_id = await _community(db)
    shared = NOW - timedelta(hours=5)
    rows = [_feed(community_id, n, shared) for n in range(1, 7)]
    async with db.write() as tx:
        await tx.insert_many(feeds, rows)
        await tx.execute(
            feeds.insert(),
            [_feed(community_id, n, shared, url=f"https://copy.org/{n}") for n in range(1, 7)],
        )
    async with db.read() as tx:
        stored = {
            r[0]: tuple(r[1:])
            for r in await tx.run_sync(lambda conn: conn.exec_driver_sql(_RAW).all())
        }
    for n in range(1, 7):  # the very values, not only equal once read back through the type
        assert stored[f"https://example.org/{n}"] == stored[f"https://copy.org/{n}"]
    async with db.read() as tx:
        read = (
            await tx.execute(sa.select(feeds).where(feeds.c.url.like("%example%")).order_by("url"))
        ).all()
        later = await tx.scalar(
            sa.select(sa.func.count()).where(feeds.c.checked_at > shared + timedelta(minutes=3))
        )
    assert [(r.added_at, r.enabled, r.checked_at) for r in read] == [
        (r["added_at"], r["enabled"], r["checked_at"]) for r in rows
    ]
    assert later == 2  # both feeds 6: compared in SQL as datetimes, not as texts of two forms


async def test_insert_many_skips_rows_that_violate_a_unique_constraint(db: Database) -> None:
    community_id = await _community(db)
    async with db.write() as tx:
        await tx.insert_many(feeds, [_feed(community_id, 1, NOW, title="first")])
        await tx.insert_many(
            feeds,
            [_feed(community_id, n, NOW, title="second") for n in (1, 2)],
        )
        await tx.insert_many(feeds, [])
    async with db.read() as tx:
        titles = dict((await tx.execute(sa.select(feeds.c.url, feeds.c.title))).all())
    assert titles == {"https://example.org/1": "first", "https://example.org/2": "second"}
