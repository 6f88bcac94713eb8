"""Discord shard leases: processes split the shards, never share one, take over the shards of
a process that died, and refuse to mix shard counts."""

from __future__ import annotations

import asyncio

import pytest

from bot.clock import ManualClock
from bot.shards import LEASE, ShardCountMismatch, ShardLeases
from bot.storage.database import Database


async def test_two_processes_split_the_shards_up_to_their_share(
    db: Database, clock: ManualClock
) -> None:
    first, second = ShardLeases(db, clock, 4), ShardLeases(db, clock, 4)
    assert await first.claim(limit=2) == {0, 1}
    assert await second.claim(limit=2) == {2, 3}
    assert await ShardLeases(db, clock, 4).claim() == set()  # a third finds none free
    holders = await first.holders()
    assert holders == {0: first.owner, 1: first.owner, 2: second.owner, 3: second.owner}


async def test_the_shards_of_a_process_that_died_are_taken_over_after_its_lease(
    db: Database, clock: ManualClock
) -> None:
    dead, survivor = ShardLeases(db, clock, 2), ShardLeases(db, clock, 2)
    await dead.claim(limit=1)
    await survivor.claim(limit=1)
    for _ in range(3):  # 1.5 leases: the dead one's ran out, the survivor renews its own
        clock.advance(LEASE / 2)
        assert await survivor.renew() == set()
    assert await survivor.claim(starting=False) == set()  # a starting process goes first
    clock.advance(LEASE / 2)
    assert await survivor.renew() == set()
    assert await survivor.claim(starting=False) == {0}  # free for a whole lease: taken
    assert survivor.held == {0, 1}
    # The frozen process wakes up: its lease is gone, and it must stop running shard 0.
    assert await dead.renew() == {0}
    assert dead.held == set()


async def test_a_starting_process_takes_a_released_shard_at_once(
    db: Database, clock: ManualClock
) -> None:
    leaving, staying = ShardLeases(db, clock, 2), ShardLeases(db, clock, 2)
    await leaving.claim(limit=1)
    await staying.claim(limit=1)
    await leaving.release()
    assert await staying.claim(starting=False) == set()
    replacement = ShardLeases(db, clock, 2)
    assert await replacement.claim(limit=1) == {0}


async def test_a_shard_nobody_holds_waits_three_leases_for_a_starting_process(
    db: Database, clock: ManualClock
) -> None:
    alone = ShardLeases(db, clock, 2)
    assert await alone.claim(limit=1) == {0}
    for _ in range(5):  # 2.5 leases: the second shard is left for a process to start
        clock.advance(LEASE / 2)
        assert await alone.renew() == set()
        assert await alone.claim(starting=False) == set()
    clock.advance(LEASE / 2)
    assert await alone.renew() == set()
    assert await alone.claim(starting=False) == {1}  # nobody came: served anyway


async def test_a_renewed_lease_is_never_taken_over(db: Database, clock: ManualClock) -> None:
    holder, other = ShardLeases(db, clock, 1), ShardLeases(db, clock, 1)
    await holder.claim()
    for _ in range(10):
        clock.advance(LEASE / 2)
        assert await holder.renew() == set()
        assert await other.claim() == set()
        assert await other.claim(starting=False) == set()


async def test_processes_told_different_shard_counts_refuse_to_mix(
    db: Database, clock: ManualClock
) -> None:
    await ShardLeases(db, clock, 2).claim(limit=1)
    with pytest.raises(ShardCountMismatch, match="DISCORD_SHARD_COUNT"):
        await ShardLeases(db, clock, 3).claim()


async def test_processes_claiming_at_once_never_share_a_shard(
    db: Database, clock: ManualClock
) -> None:
    processes = [ShardLeases(db, clock, 16) for _ in range(6)]
    claimed = await asyncio.gather(*(p.claim(limit=4) for p in processes))
    every = [shard for shards in claimed for shard in shards]
    assert len(every) == len(set(every)) == 16
