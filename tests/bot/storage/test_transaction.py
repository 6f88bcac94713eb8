"""Transaction.insert_many and insert_columns: rows stored exactly as an ordinary INSERT
stores them, conflicts skipped, on every database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.dialects import sqlite

from bot.storage.columns import UtcDateTime
from bot.storage.database import Database
from bot.storage.tables import communities, feeds
from bot.storage.transaction import _converter, utc_texts

NOW = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)
_RAW = "SELECT url, added_at, enabled, checked_at FROM feeds"  # as the driver gives them back


async def _community(db: Database) -> int:
    return await _community_named(db, "t")


async def _community_named(db: Database, name: str) -> int:
    async with db.write() as tx:
        result = await tx.execute(
            communities.insert()
            .values(platform="console", external_id=name, created_at=NOW)
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


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.datetimes(
                min_value=datetime(1, 1, 2),  # noqa: DTZ001 - bounds; the zone comes below
                max_value=datetime(9999, 12, 30),  # noqa: DTZ001
                timezones=st.sampled_from(
                    [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(-timedelta(hours=8))]
                ),
            ),
        ),
        max_size=5,
    )
)
def test_utc_texts_are_what_the_column_type_writes_on_sqlite(
    values: list[datetime | None],
) -> None:
    dialect = sqlite.dialect()
    process = UtcDateTime().dialect_impl(dialect).bind_processor(dialect)
    assert process is not None
    assert utc_texts(values) == [process(value) for value in values]


def test_utc_datetime_columns_on_sqlite_are_converted_by_utc_texts() -> None:
    assert _converter(UtcDateTime(), sqlite.dialect()) is utc_texts


def test_utc_texts_refuse_naive_datetimes_as_the_column_type_does() -> None:
    with pytest.raises(ValueError, match="naive"):
        utc_texts([NOW, NOW.replace(tzinfo=None)])


async def test_insert_columns_stores_what_insert_many_stores_for_the_same_rows(
    db: Database,
) -> None:
    community_id = await _community(db)
    elsewhere = timezone(timedelta(hours=-3))
    rows = [
        _feed(community_id, n, (NOW - timedelta(minutes=n, microseconds=n)).astimezone(elsewhere))
        for n in range(1, 5)
    ]
    copies = [{**row, "url": f"https://copy.org/{n}"} for n, row in enumerate(rows, 1)]
    async with db.write() as tx:
        await tx.insert_many(feeds, rows)
        await tx.insert_columns(feeds, {name: [row[name] for row in copies] for name in copies[0]})
        await tx.insert_columns(feeds, {"url": []})
        with pytest.raises(ValueError, match="values"):
            await tx.insert_columns(feeds, {"community_id": [community_id], "url": ["a", "b"]})
    async with db.read() as tx:
        stored = {
            r[0]: tuple(r[1:])
            for r in await tx.run_sync(lambda conn: conn.exec_driver_sql(_RAW).all())
        }
    for n in range(1, 5):
        assert stored[f"https://example.org/{n}"] == stored[f"https://copy.org/{n}"]


async def test_first_of_each_reads_each_groups_first_rows_in_order_among_those_admitted(
    db: Database,
) -> None:
    one, two = await _community(db), await _community_named(db, "two")
    empty = await _community_named(db, "empty")
    rows = [
        _feed(community, n, NOW, checked_at=NOW + timedelta(minutes=n % 4))
        for community in (one, two)
        for n in range(10 * community, 10 * community + 9)
    ]
    async with db.write() as tx:
        await tx.insert_many(feeds, rows)
    async with db.read() as tx:
        query = tx.first_of_each(
            sa.select(communities.c.id),
            feeds,
            "community_id",
            ("url", "checked_at"),
            lambda feed: feed.c.enabled.is_(True),
            lambda feed: [feed.c.checked_at.desc(), feed.c.id],
            3,
        )
        found = sorted((group, url) for group, url, _ in await tx.execute(query))
    expected = []
    for community in (one, two, empty):
        admitted = [row for row in rows if row["community_id"] == community and row["enabled"]]
        admitted.sort(key=lambda row: -row["checked_at"].timestamp())  # stable: id order kept
        expected += [(community, str(row["url"])) for row in admitted[:3]]
    assert found == sorted(expected)
    assert len(found) == 6


async def test_update_columns_stores_what_an_ordinary_update_stores_in_the_rows_named(
    db: Database,
) -> None:
    community_id = await _community(db)
    async with db.write() as tx:
        await tx.insert_many(feeds, [_feed(community_id, n, NOW) for n in range(1, 8)])
        ids = {
            int(url.rsplit("/", 1)[1]): feed_id
            for url, feed_id in await tx.execute(sa.select(feeds.c.url, feeds.c.id))
        }
    elsewhere = timezone(timedelta(hours=-3))
    changes = {  # for feeds 1 to 3 by update_columns, for 4 to 6 by ordinary UPDATEs
        n: {
            "checked_at": None if n == 3 else (NOW + timedelta(seconds=n)).astimezone(elsewhere),
            "enabled": n == 1,
            "title": f"changed {n}",
        }
        for n in (1, 2, 3)
    }
    async with db.write() as tx:
        await tx.update_columns(
            feeds,
            "id",
            {
                "id": [ids[n] for n in changes] + [10_000],  # no such row: nothing to update
                **{name: [c[name] for c in changes.values()] + [None] for name in changes[1]},
            },
        )
        for n, change in changes.items():
            await tx.execute(feeds.update().where(feeds.c.id == ids[n + 3]).values(change))
        await tx.update_columns(feeds, "id", {"id": []})
        with pytest.raises(ValueError, match="values"):
            await tx.update_columns(feeds, "id", {"id": [1, 2], "title": ["one"]})
    raw = "SELECT id, title, enabled, checked_at, url FROM feeds"
    async with db.read() as tx:
        stored = {
            r[0]: tuple(r[1:]) for r in await tx.run_sync(lambda c: c.exec_driver_sql(raw).all())
        }
    for n in changes:  # the very values an UPDATE writes
        assert stored[ids[n]][:3] == stored[ids[n + 3]][:3]
        assert stored[ids[n]][0] == f"changed {n}"
    assert stored[ids[7]][0] == ""  # a row not named is left as it was
