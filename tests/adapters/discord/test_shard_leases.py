"""Discord shards claimed through the database by `serve` (PostgreSQL): two processes split
them and never run the same one, and one takes over the other's shard when it stops."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from adapters.discord.app import serve, shard_leases
from bot.app import Cohort
from bot.clock import ManualClock
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import shard_leases as leases_table
from tests.fakes.discord_fake import FakeDiscord

LEASE = timedelta(seconds=1)  # the keeper looks every quarter of a lease


def live_shards(fake: FakeDiscord) -> list[tuple[int, int]]:
    return sorted(c.shard for c in fake._connections)


async def renewed(cohort: Cohort, clock: ManualClock) -> None:
    """Wait until the first process renewed its lease at the clock's current time."""
    async with asyncio.timeout(10):
        while True:
            async with cohort.db.read() as conn:
                until = await conn.scalar(
                    sa.select(sa.func.max(leases_table.c.lease_until)).where(
                        leases_table.c.shard_id == 0
                    )
                )
            if until is not None and until >= clock.now() + LEASE * 0.9:
                return
            await asyncio.sleep(0.05)


@pytest.fixture
def leasing(db: Database) -> None:
    if db.dialect != "postgresql":
        pytest.skip("shard leases need PostgreSQL (set COHORT_TEST_POSTGRES_URL)")


@pytest.mark.usefixtures("leasing")
async def test_two_processes_split_the_shards_and_one_takes_over_when_the_other_stops(
    fake: FakeDiscord, cohort: Cohort, discord_settings: Settings, clock: ManualClock
) -> None:
    settings = discord_settings.model_copy(
        update={
            "discord_shard_count": 2,
            "discord_shards_per_process": 1,
            "discord_shard_lease_seconds": LEASE.total_seconds(),
        }
    )
    other = Cohort(settings, clock, cohort.db)  # a second process on the same database
    first = asyncio.create_task(serve(cohort, settings))
    await fake.wait_connected(1)
    second = asyncio.create_task(serve(other, settings))
    await fake.wait_connected(2)
    try:
        assert live_shards(fake) == [(0, 2), (1, 2)]
        assert other.metrics.registry.get_sample_value("cohort_discord_shards_held") == 1
        asked = await fake.interact(fake.slash(["help"]))  # the fake server is on shard 1
        assert len(await fake.answers(asked)) == 1

        second.cancel()  # the process running shard 1 stops; its shard is free at once
        with contextlib.suppress(asyncio.CancelledError):
            await second
        await fake.wait_for(lambda: live_shards(fake) == [(0, 2)], what="shard 1 closed")
        for _ in range(7):  # a released shard waits three leases for a starting process
            await renewed(cohort, clock)
            clock.advance(LEASE / 2)
        await fake.wait_for(
            lambda: live_shards(fake) == [(0, 2), (1, 2)], seconds=10, what="shard 1 taken over"
        )
        assert cohort.metrics.registry.get_sample_value("cohort_discord_shards_held") == 2
        asked = await fake.interact(fake.slash(["help"]))
        assert len(await fake.answers(asked)) == 1
    finally:
        for task in (first, second):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


@pytest.mark.usefixtures("leasing")
async def test_a_process_waits_while_every_shard_is_held(
    fake: FakeDiscord, cohort: Cohort, discord_settings: Settings, clock: ManualClock
) -> None:
    settings = discord_settings.model_copy(
        update={"discord_shard_count": 1, "discord_shard_lease_seconds": LEASE.total_seconds()}
    )
    first = asyncio.create_task(serve(cohort, settings))
    await fake.wait_connected(1)
    other = Cohort(settings, clock, cohort.db)
    second = asyncio.create_task(serve(other, settings))
    try:
        await asyncio.sleep(LEASE.total_seconds())
        assert len(fake.identifies) == 1  # the second one connected nothing
        assert not second.done()
    finally:
        for task in (first, second):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def test_shard_ids_pinned_by_hand_or_sqlite_use_no_leases(
    cohort: Cohort, discord_settings: Settings
) -> None:
    pinned = discord_settings.model_copy(
        update={"discord_shard_count": 2, "discord_shard_ids": "0"}
    )
    assert shard_leases(cohort, pinned) is None
    counted = discord_settings.model_copy(update={"discord_shard_count": 2})
    leases = shard_leases(cohort, counted)
    assert (leases is not None) == (cohort.db.dialect == "postgresql")
