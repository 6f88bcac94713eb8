"""The outbox: idempotent queueing, retries that honour Retry-After, leases after a crash."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import sqlalchemy as sa

from bot.app import Cohort
from bot.clock import ManualClock
from bot.identity import Platform
from bot.outbox import Delivered, Drainer, Message, RetryPolicy, Target
from bot.replies import Action, Field, Image, Reply, decode, encode
from bot.storage.tables import outbox
from tests.fakes.sender import RecordingSender, forbidden, server_error, too_many_requests
from tests.support import queue_message

GENERAL = Target.channel("general")


async def _queue(cohort: Cohort, key: str, body: str = "hello", target: Target = GENERAL) -> bool:
    return await queue_message(cohort, key, target, Reply(body=body, private=False))


async def _status(cohort: Cohort, key: str) -> tuple[str, int, str | None]:
    async with cohort.db.read() as conn:
        row = (
            await conn.execute(
                sa.select(outbox.c.status, outbox.c.attempts, outbox.c.last_error).where(
                    outbox.c.key == key
                )
            )
        ).one()
    return row.status, row.attempts, row.last_error


def test_replies_survive_the_trip_through_json() -> None:
    reply = Reply(
        body="**hi** <@U1>",
        title="T",
        fields=(Field("a", "b", inline=False),),
        items=("x",),
        image=Image("card.png", b"\x89PNG\x00\xff", "a card"),
        actions=(Action("Go", "roadmap"),),
        private=False,
    )
    assert decode(encode(reply)) == reply


async def test_the_same_key_is_queued_once(cohort: Cohort) -> None:
    assert await _queue(cohort, "digest:1:2026-W49")
    assert not await _queue(cohort, "digest:1:2026-W49")
    sender = RecordingSender()
    assert await cohort.drainer(sender).drain() == 1
    assert await cohort.drainer(sender).drain() == 0
    assert sender.keys() == {"digest:1:2026-W49": 1}


async def test_a_429_waits_for_retry_after_and_loses_nothing(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _queue(cohort, "k")
    sender = RecordingSender(script=[too_many_requests(after=30)])
    drainer = cohort.drainer(sender)
    await drainer.drain()
    assert sender.delivered == []
    assert await _status(cohort, "k") == ("pending", 0, "429 Too Many Requests")
    clock.advance(timedelta(seconds=29))
    await drainer.drain()
    assert sender.delivered == []  # not before Retry-After
    clock.advance(timedelta(seconds=2))
    await drainer.drain()
    assert sender.keys() == {"k": 1}
    assert (await _status(cohort, "k"))[0] == "sent"


async def test_rate_limits_cost_no_attempt_and_no_backoff(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _queue(cohort, "k")
    sender = RecordingSender(script=[too_many_requests(after=1.5)] * 20)
    drainer = Drainer(cohort.db, clock, sender, RetryPolicy(max_attempts=3))
    for _ in range(20):
        await drainer.drain()
        assert (await _status(cohort, "k"))[:2] == ("pending", 0)
        clock.advance(timedelta(seconds=1.5))  # exactly what the platform asked, every time
    await drainer.drain()
    assert sender.attempts == 21
    assert sender.keys() == {"k": 1}


async def test_a_row_rate_limited_for_over_a_day_counts_its_attempts_and_fails(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _queue(cohort, "k")
    clock.advance(timedelta(days=1, seconds=1))
    sender = RecordingSender(script=[too_many_requests(after=1)] * 5)
    drainer = Drainer(cohort.db, clock, sender, RetryPolicy(max_attempts=3))
    for _ in range(5):
        await drainer.drain()
        clock.advance(timedelta(minutes=5))
    status, attempts, reason = await _status(cohort, "k")
    assert (status, attempts) == ("failed", 3)
    assert reason == "gave up after 3 attempts: 429 Too Many Requests"


async def test_server_errors_are_retried_with_backoff_and_never_duplicated(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _queue(cohort, "k")
    sender = RecordingSender(script=[server_error(), server_error()])
    drainer = cohort.drainer(sender)
    for _ in range(3):
        await drainer.drain()
        clock.advance(timedelta(minutes=5))
    await drainer.drain()
    assert sender.attempts == 3
    assert sender.keys() == {"k": 1}


async def test_after_the_last_attempt_the_row_fails_with_its_reason(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _queue(cohort, "k")
    sender = RecordingSender(script=[server_error()] * 3)
    drainer = Drainer(cohort.db, clock, sender, RetryPolicy(max_attempts=3))
    for _ in range(4):
        await drainer.drain()
        clock.advance(timedelta(hours=1))
    status, attempts, reason = await _status(cohort, "k")
    assert (status, attempts) == ("failed", 3)
    assert reason == "gave up after 3 attempts: 503 Service Unavailable"
    assert sender.delivered == []


async def test_a_permanent_refusal_fails_at_once(cohort: Cohort) -> None:
    await _queue(cohort, "k")
    await cohort.drainer(RecordingSender(script=[forbidden()])).drain()
    assert await _status(cohort, "k") == ("failed", 1, "403 Missing Access")


async def test_a_row_queued_before_a_crash_is_delivered_once_after_restart(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _queue(cohort, "k")  # decided and queued; the process dies before delivering
    restarted = Cohort(cohort.settings, clock, cohort.db)
    sender = RecordingSender()
    await restarted.drainer(sender).drain()
    await restarted.drainer(sender).drain()
    assert sender.keys() == {"k": 1}
    assert sender.delivered[0].recovering is False


async def test_a_delivery_cut_short_by_a_crash_is_retried_after_its_lease(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _queue(cohort, "k")

    started = asyncio.Event()

    class Hangs(RecordingSender):
        async def deliver(self, message: Message) -> Delivered:
            started.set()
            await asyncio.Event().wait()  # the platform call never returns...
            raise AssertionError("unreachable")

    dying = asyncio.ensure_future(cohort.drainer(Hangs()).drain())
    await started.wait()
    dying.cancel()  # ...because the process dies while it waits
    await asyncio.gather(dying, return_exceptions=True)
    survivor = RecordingSender()
    drainer = cohort.drainer(survivor)
    await drainer.drain()
    assert survivor.delivered == []  # the lease still holds
    clock.advance(timedelta(seconds=RetryPolicy().lease + 1))
    await drainer.drain()
    assert survivor.keys() == {"k": 1}
    assert survivor.delivered[0].recovering is True


async def test_each_platform_drains_only_its_own_rows(cohort: Cohort) -> None:
    await _queue(cohort, "k")
    slack = RecordingSender(platform=Platform.SLACK)
    assert await cohort.drainer(slack).drain() == 0
    assert slack.delivered == []


async def test_a_message_following_another_is_handed_the_conversation_it_landed_in(
    cohort: Cohort,
) -> None:
    pair = ("ada", "bob")
    await _queue(cohort, "intro", target=Target.group("general", pair))
    await _queue(cohort, "channel-post")
    sender = RecordingSender()
    await cohort.drainer(sender).drain()
    await _queue(cohort, "follow-up", target=Target.group("general", pair, follows="intro"))
    await _queue(cohort, "after-post", target=Target.group("general", pair, "channel-post"))
    await cohort.drainer(sender).drain()
    handed = {m.key: m.conversation_id for m in sender.delivered}
    assert handed["follow-up"] == "c1"  # where the intro landed (RecordingSender's c<n>)
    assert handed["after-post"] is None  # a channel post opens no conversation of its own


async def test_an_idle_drain_does_not_wait_for_another_writer(cohort: Cohort) -> None:
    await _queue(cohort, "later")
    async with cohort.db.write() as conn:
        await conn.execute(
            outbox.update().values(next_attempt_at=cohort.clock.now() + timedelta(hours=1))
        )
    async with cohort.db.write() as busy:
        # Another writer holds the database (on SQLite, its write lock) for a while: a drain
        # with nothing due returns at once instead of queuing behind it.
        await busy.execute(outbox.update().values(last_error="held"))
        handled = await asyncio.wait_for(cohort.drainer(RecordingSender()).drain(), timeout=5)
    assert handled == 0
