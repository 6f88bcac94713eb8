"""Which due rows a claim takes first: the channels with the most posts waiting, each
channel's oldest first, so a long queue never trails alone at the end of a batch."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from bot.app import Cohort
from bot.clock import ManualClock
from bot.identity import Platform
from bot.outbox import Drainer, RetryPolicy, Target, store
from bot.replies import Reply
from bot.storage.tables import outbox
from bot.storage.transaction import Transaction
from tests.fakes.sender import RecordingSender
from tests.support import queue_message


async def _queue(cohort: Cohort, key: str, target: Target) -> None:
    await queue_message(cohort, key, target, Reply(body=key, private=False))


async def _claimed_keys(cohort: Cohort, limit: int) -> list[str]:
    async with cohort.db.write() as tx:
        ids = await store.lock_due(tx, Platform.CONSOLE.value, cohort.clock.now(), limit)
    async with cohort.db.read() as tx:
        rows = await tx.execute(sa.select(outbox.c.id, outbox.c.key))
        keys = {row.id: row.key for row in rows}
    return [keys[i] for i in ids]


async def test_the_channel_with_the_most_posts_waiting_is_claimed_first(cohort: Cohort) -> None:
    for name in ("x", "y", "z"):
        await _queue(cohort, f"single:{name}", Target.channel(name))
    for n in range(4):
        await _queue(cohort, f"busy:{n}", Target.channel("matchups"))
    await _queue(cohort, "dm:ada:0", Target.direct("ada"))
    await _queue(cohort, "dm:ada:1", Target.direct("ada"))
    assert await _claimed_keys(cohort, 9) == [
        "busy:0",
        "busy:1",
        "busy:2",  # one behind it, as behind dm:ada:0, and queued before it
        "dm:ada:0",
        "single:x",  # the last of each queue, oldest first
        "single:y",
        "single:z",
        "busy:3",
        "dm:ada:1",
    ]


async def test_a_claim_of_a_few_takes_the_heads_of_the_longest_queues(cohort: Cohort) -> None:
    await _queue(cohort, "single:x", Target.channel("x"))
    for n in range(3):
        await _queue(cohort, f"busy:{n}", Target.channel("matchups"))
    assert await _claimed_keys(cohort, 2) == ["busy:0", "busy:1"]


async def test_a_claim_locks_the_listed_rows_still_due_in_the_order_listed(
    cohort: Cohort,
) -> None:
    for name in ("a", "b", "c"):
        await _queue(cohort, name, Target.channel(name))
    now = cohort.clock.now()
    async with cohort.db.read() as tx:
        listed = await store.ranked_due(tx, Platform.CONSOLE.value, now, 3)
    async with cohort.db.write() as tx:
        taken = await store.lock_listed(tx, listed[1:2], Platform.CONSOLE.value, now)
        await store.take(tx, taken, "other", now + timedelta(minutes=1))
    async with cohort.db.write() as tx:
        assert await store.lock_listed(tx, listed[::-1], Platform.CONSOLE.value, now) == [
            listed[2],
            listed[0],
        ]


async def test_a_drainer_whose_listed_rows_were_claimed_meanwhile_claims_the_others(
    cohort: Cohort, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(4):
        await _queue(cohort, f"k{n}", Target.channel(f"c{n}"))
    ranked_due = store.ranked_due

    async def claimed_by_another_drainer_after_listing(
        tx: Transaction, platform: str, now: datetime, limit: int
    ) -> list[int]:
        listed = await ranked_due(tx, platform, now, limit)
        if len(listed) == 4:  # the first claim: another process takes the first two meanwhile
            async with cohort.db.write() as other:
                await store.take(other, listed[:2], "other", now + timedelta(minutes=1))
        return listed[:2]

    monkeypatch.setattr(store, "ranked_due", claimed_by_another_drainer_after_listing)
    sender = RecordingSender()
    await Drainer(cohort.db, clock, sender, RetryPolicy()).drain()
    assert sorted(sender.keys()) == ["k2", "k3"]
