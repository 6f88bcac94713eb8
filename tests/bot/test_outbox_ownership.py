"""Outbox ownership: a claim's owner token guards every later write of its rows, a lease is
renewed while a delivery is in flight, and a stale drainer's answer is kept, not applied."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from bot.app import Cohort
from bot.clock import ManualClock
from bot.identity import Platform
from bot.outbox import Delivered, Drainer, Message, RetryLater, RetryPolicy, Target
from bot.replies import Reply
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import outbox, outbox_orphans
from tests.support import queue_message

POLICY = RetryPolicy(renew_check=0.01)


@dataclass
class Gated:
    """A sender whose deliveries wait until the test opens their gate, each then answering
    with its own message id (or raising what it was given)."""

    name: str
    platform: Platform = Platform.CONSOLE
    global_per_second: float = 0.0
    channel_interval: float = 0.0
    started: asyncio.Event = field(default_factory=asyncio.Event)
    gate: asyncio.Event = field(default_factory=asyncio.Event)
    outcome: Exception | None = None
    delivered: list[str] = field(default_factory=list)

    async def deliver(self, message: Message) -> Delivered:
        self.started.set()
        await self.gate.wait()
        if self.outcome is not None:
            raise self.outcome
        self.delivered.append(message.key)
        return Delivered(f"{self.name}-{message.key}")


async def _started(sender: Gated) -> None:
    """Wait for the sender's delivery to begin; a drainer that never gets there fails the
    test instead of hanging the suite."""
    await asyncio.wait_for(sender.started.wait(), timeout=30)


async def _queue(cohort: Cohort, key: str) -> None:
    await queue_message(cohort, key, Target.channel("general"), Reply(body="hello", private=False))


async def _row(cohort: Cohort, key: str) -> Any:
    async with cohort.db.read() as conn:
        return (await conn.execute(sa.select(outbox).where(outbox.c.key == key))).one()


async def _until(check: Callable[[], Awaitable[bool]]) -> None:
    for _ in range(500):
        if await check():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("never happened")


async def test_a_delivery_slower_than_the_lease_is_renewed_and_delivered_once(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _queue(cohort, "slow")
    slow, second = Gated("slow"), Gated("second")
    first = asyncio.ensure_future(Drainer(cohort.db, clock, slow, POLICY).drain())
    await _started(slow)
    claimed = (await _row(cohort, "slow")).lease_until

    # The platform takes three leases' time to answer; the second drainer keeps polling.
    for _ in range(6):
        clock.advance(timedelta(seconds=POLICY.lease / 2))
        # Renewed at this step: the lease reaches past half a lease from now.
        renewed = clock.now() + timedelta(seconds=POLICY.lease / 2)
        await _until(functools.partial(_lease_after, cohort, "slow", renewed))
        assert await Drainer(cohort.db, clock, second, POLICY).drain() == 0
    slow.gate.set()
    await first

    sent = await _row(cohort, "slow")
    assert claimed is not None
    assert sent.lease_until is None
    assert (sent.status, sent.platform_message_id, sent.attempts) == ("sent", "slow-slow", 1)
    assert second.delivered == []
    assert slow.delivered == ["slow"]


async def _lease_after(cohort: Cohort, key: str, moment: Any) -> bool:
    lease = (await _row(cohort, key)).lease_until
    return lease is not None and lease > moment


async def _taken_over(cohort: Cohort, clock: ManualClock, stale: Gated) -> asyncio.Future[int]:
    """A drainer claims `k` and stalls (its process frozen, so it cannot renew) until another
    drainer takes the row over; returns the stale drainer's drain, still under way."""
    await _queue(cohort, "k")
    running = asyncio.ensure_future(Drainer(cohort.db, clock, stale, POLICY).drain())
    await _started(stale)
    clock.advance(timedelta(seconds=POLICY.lease * 3))
    return running


async def test_a_drainer_whose_lease_was_taken_over_writes_nothing(
    cohort: Cohort, clock: ManualClock
) -> None:
    stale, new = Gated("stale"), Gated("new")
    running = await _taken_over(cohort, clock, stale)
    taking_over = asyncio.ensure_future(Drainer(cohort.db, clock, new, POLICY).drain())
    await _started(new)
    held = await _row(cohort, "k")

    stale.gate.set()  # the stale drainer's platform call answers first...
    await running
    await asyncio.sleep(POLICY.renew_check * 5)  # ...and its renewals, if any, would run
    assert await _row(cohort, "k") == held  # still the new owner's, untouched

    new.gate.set()
    await taking_over
    row = await _row(cohort, "k")
    assert (row.status, row.platform_message_id) == ("sent", "new-k")


async def test_a_stale_drainers_answer_is_kept_apart_and_logged(
    cohort: Cohort, clock: ManualClock, caplog: Any
) -> None:
    stale, new = Gated("stale"), Gated("new")
    running = await _taken_over(cohort, clock, stale)
    taking_over = asyncio.ensure_future(Drainer(cohort.db, clock, new, POLICY).drain())
    await _started(new)
    stale.gate.set()
    await running

    async with cohort.db.read() as conn:
        kept = (await conn.execute(sa.select(outbox_orphans))).one()
    row = await _row(cohort, "k")
    assert (kept.outbox_id, kept.outcome, kept.platform_message_id) == (row.id, "sent", "stale-k")
    assert "stale-k" in caplog.text
    new.gate.set()
    await taking_over


async def test_a_stale_drainers_failure_does_not_requeue_the_new_owners_row(
    cohort: Cohort, clock: ManualClock
) -> None:
    stale, new = Gated("stale", outcome=RetryLater("503")), Gated("new")
    running = await _taken_over(cohort, clock, stale)
    taking_over = asyncio.ensure_future(Drainer(cohort.db, clock, new, POLICY).drain())
    await _started(new)
    held = await _row(cohort, "k")
    stale.gate.set()
    await running
    assert await _row(cohort, "k") == held
    new.gate.set()
    await taking_over
    assert (await _row(cohort, "k")).status == "sent"


async def test_a_row_a_stale_drainer_saw_land_is_not_sent_again(
    cohort: Cohort, clock: ManualClock
) -> None:
    stale, new = Gated("stale"), Gated("new", outcome=RetryLater("503"))
    running = await _taken_over(cohort, clock, stale)
    taking_over = asyncio.ensure_future(Drainer(cohort.db, clock, new, POLICY).drain())
    await _started(new)
    stale.gate.set()  # it had landed: the stale drainer's answer is kept apart...
    await running
    new.gate.set()  # ...while the new owner's attempt fails and goes back to the queue
    await taking_over
    clock.advance(timedelta(hours=1))

    third = Gated("third")
    third.gate.set()
    await Drainer(cohort.db, clock, third, POLICY).drain()
    row = await _row(cohort, "k")
    assert (row.status, row.platform_message_id) == ("sent", "stale-k")
    assert third.delivered == []


async def test_a_platform_call_that_never_answers_is_given_up_and_retried(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _queue(cohort, "k")
    hung = Gated("hung")  # its gate never opens
    policy = RetryPolicy(delivery_timeout=0.05, renew_check=0.01)
    await Drainer(cohort.db, clock, hung, policy).drain()
    row = await _row(cohort, "k")
    assert (row.status, row.last_error) == ("pending", "no answer in 0.05 s")


async def _cut_short(cohort: Cohort, clock: ManualClock, times: int, policy: RetryPolicy) -> None:
    """`times` deliveries of `k` in a row die with their process mid-call."""
    for _ in range(times):
        dying_sender = Gated("dying")
        dying = asyncio.ensure_future(Drainer(cohort.db, clock, dying_sender, policy).drain())
        await _started(dying_sender)
        dying.cancel()
        await asyncio.gather(dying, return_exceptions=True)
        clock.advance(timedelta(seconds=policy.lease + 1))


async def test_crashes_mid_delivery_do_not_use_up_the_retry_budget(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _queue(cohort, "k")
    await _cut_short(cohort, clock, POLICY.max_attempts + 2, POLICY)
    survivor = Gated("survivor")
    survivor.gate.set()
    await Drainer(cohort.db, clock, survivor, POLICY).drain()
    row = await _row(cohort, "k")
    assert (row.status, row.attempts, row.recoveries) == ("sent", 1, POLICY.max_attempts + 2)


async def test_a_row_that_brings_its_process_down_every_time_fails_in_the_end(
    cohort: Cohort, clock: ManualClock
) -> None:
    policy = RetryPolicy(renew_check=0.01, max_recoveries=3)
    await _queue(cohort, "k")
    await _cut_short(cohort, clock, 4, policy)
    never = Gated("never")
    await Drainer(cohort.db, clock, never, policy).drain()
    row = await _row(cohort, "k")
    assert (row.status, row.last_error) == (
        "failed",
        "its delivery was cut short 3 times (the process stopped)",
    )
    assert not never.started.is_set()


@dataclass
class Fenced(Gated):
    """Like a platform sender: after waiting (pacing, or its process frozen), it checks the
    row is still its own right before the call that posts."""

    async def deliver(self, message: Message) -> Delivered:
        self.started.set()
        await self.gate.wait()
        await message.fence()
        self.delivered.append(message.key)
        return Delivered(f"{self.name}-{message.key}")


async def test_a_drainer_frozen_past_its_lease_does_not_post_what_was_taken_over(
    cohort: Cohort, clock: ManualClock
) -> None:
    stale, new = Fenced("stale"), Fenced("new")
    new.gate.set()
    running = await _taken_over(cohort, clock, stale)
    await Drainer(cohort.db, clock, new, POLICY).drain()
    stale.gate.set()  # the frozen process goes on where it stopped, just before posting
    await running

    assert (stale.delivered, new.delivered) == ([], ["k"])
    row = await _row(cohort, "k")
    assert (row.status, row.platform_message_id) == ("sent", "new-k")


async def test_a_fresh_lease_lets_a_delivery_through_without_asking_the_database(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _queue(cohort, "k")
    sender = Fenced("only")
    sender.gate.set()
    await Drainer(cohort.db, clock, sender, POLICY).drain()
    assert sender.delivered == ["k"]


async def test_the_lease_setting_is_how_long_a_dead_cores_rows_wait_for_another_drainer(
    settings: Settings, clock: ManualClock, db: Database
) -> None:
    assert Settings(_env_file=None).outbox_lease_seconds == 30  # type: ignore[call-arg]
    core = Cohort(settings.model_copy(update={"outbox_lease_seconds": 45}), clock, db)
    await core.start()
    await _queue(core, "stranded")
    dying = Gated("dying")
    running = asyncio.ensure_future(core.drainer(dying).drain())
    await _started(dying)
    assert (await _row(core, "stranded")).lease_until == clock.now() + timedelta(seconds=45)
    running.cancel()  # its process dies mid-delivery: nothing renews the lease any more
    await asyncio.gather(running, return_exceptions=True)

    survivor = Gated("survivor")
    survivor.gate.set()
    clock.advance(timedelta(seconds=44))
    assert await Drainer(core.db, clock, survivor, POLICY).drain() == 0
    clock.advance(timedelta(seconds=2))
    assert await Drainer(core.db, clock, survivor, POLICY).drain() == 1
    row = await _row(core, "stranded")
    assert (row.status, row.platform_message_id, row.recoveries) == ("sent", "survivor-stranded", 1)
