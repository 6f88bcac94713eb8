"""Shared fixtures: a migrated database per test (SQLite always, PostgreSQL too when
COHORT_TEST_POSTGRES_URL is set), a fixed clock, and a core wired to both."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot.app import Cohort
from bot.clock import ManualClock
from bot.digests.feature import digests_feature, with_digests
from bot.features import FEATURES
from bot.settings import Settings
from bot.storage import migrate
from bot.storage.database import Database
from bot.storage.tables import metadata
from tests.fakes.feed_server import offline_fetcher

# The suite starts Cohort as a process a hundred times: let each reuse compiled bytecode (kept
# outside the checkout) instead of compiling every module again, even where the environment
# says not to write any (PYTHONDONTWRITEBYTECODE, as in the Docker image).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
os.environ.setdefault(
    "PYTHONPYCACHEPREFIX", os.path.join(tempfile.gettempdir(), f"cohort-tests-{os.getuid()}")
)
sys.dont_write_bytecode = False
sys.pycache_prefix = os.environ["PYTHONPYCACHEPREFIX"]

POSTGRES_URL = os.environ.get("COHORT_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]

# A Sunday afternoon in UTC: far from any DST switch, mid ISO week 48 of 2026.
START = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file made once; each test copies it instead of migrating again."""
    import asyncio

    path = tmp_path_factory.mktemp("template") / "cohort.db"
    db = Database.connect(f"sqlite+aiosqlite:///{path}")

    async def build() -> None:
        await migrate.upgrade(db)
        await db.dispose()  # the last connection closing folds the WAL into the file

    asyncio.run(build())
    return path


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str | None]:
    """A fresh PostgreSQL database for this test run, migrated once, dropped at the end."""
    if not POSTGRES_URL:
        yield None
        return
    import asyncio

    name = f"cohort_test_{uuid.uuid4().hex[:10]}"
    admin_url = make_url(POSTGRES_URL)
    url = admin_url.set(database=name).render_as_string(hide_password=False)

    async def admin(sql: str) -> None:
        db = Database.connect(admin_url.render_as_string(hide_password=False))
        async with db.engine.connect() as conn:
            conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.exec_driver_sql(sql)
        await db.dispose()

    async def build() -> None:
        await admin(f'CREATE DATABASE "{name}"')
        db = Database.connect(url)
        await migrate.upgrade(db)
        await db.dispose()

    asyncio.run(build())
    yield url
    asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    sqlite_template: Path,
    postgres_database: str | None,
) -> str:
    if request.param == "sqlite":
        path = tmp_path / "cohort.db"
        shutil.copy(sqlite_template, path)
        return f"sqlite+aiosqlite:///{path}"
    assert postgres_database is not None
    return postgres_database


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database.connect(database_url)
    if database.dialect == "postgresql":
        await _empty(database)
    yield database
    await database.dispose()


# Empties the tables a test wrote to and sets every used id counter back to 1, in one round
# trip. TRUNCATE of every table took about 90 ms a test; most tests touch a few tables.
_EMPTY = """
DO $$
DECLARE
  name text;
  found boolean;
BEGIN
  FOREACH name IN ARRAY string_to_array('{tables}', ',') LOOP
    EXECUTE format('SELECT EXISTS (SELECT FROM %I)', name) INTO found;
    IF found THEN EXECUTE format('DELETE FROM %I', name); END IF;
  END LOOP;
  FOR name IN SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences
      WHERE schemaname = current_schema() AND last_value IS NOT NULL LOOP
    PERFORM setval(name, 1, false);
  END LOOP;
END $$
"""


async def _empty(database: Database) -> None:
    # Children before parents, so no foreign key is ever left pointing at a deleted row.
    names = ",".join(t.name for t in reversed(metadata.sorted_tables))
    async with database.engine.begin() as conn:
        await conn.exec_driver_sql(_EMPTY.format(tables=names))


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(START)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    # Feeds are parsed in threads here: tests/bot/digests/test_workers.py covers the processes.
    return Settings(database_url=database_url, parse_workers=0, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
async def cohort(settings: Settings, clock: ManualClock, db: Database) -> Cohort:
    # Tests never reach the internet: host names other than localhost do not resolve.
    offline = digests_feature(fetcher=lambda shared: offline_fetcher(shared.clock))
    core = Cohort(settings, clock, db, with_digests(FEATURES, offline))
    await core.start()
    return core
