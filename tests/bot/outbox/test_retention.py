"""Retention: sent and failed rows are deleted once the retention period is over, in bounded
batches, never a queued or sending row nor one a queued row follows; and no job queues a
pruned post's key again."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pydantic
import pytest
import sqlalchemy as sa

from bot.app import Cohort
from bot.clock import ManualClock
from bot.identity import Platform
from bot.outbox import Drainer, Target, retention
from bot.outbox.retention import Pruner
from bot.replies import Reply
from bot.settings import Settings
from bot.storage.database import Database
from bot.storage.tables import outbox
from tests.fakes.sender import RecordingSender, forbidden
from tests.support import caller, queue_message, reply

DAYS_30 = timedelta(days=30)


async def _keys(cohort: Cohort) -> set[str]:
    async with cohort.db.read() as tx:
        return set(await tx.scalars(sa.select(outbox.c.key)))


async def _queue(cohort: Cohort, key: str, target: Target | None = None) -> None:
    assert await queue_message(cohort, key, target or Target.channel("general"), Reply(body=key))


async def test_rows_done_with_before_the_retention_period_are_deleted_and_no_others(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _queue(cohort, "sent-long-ago")
    await _queue(cohort, "failed-long-ago")
    await _queue(cohort, "intro", Target.group("general", ["ada", "bob"]))
    await Drainer(cohort.db, clock, RecordingSender(script=[None, forbidden(), None])).drain()
    # The intro's "did you meet?", queued with it and due long after: the intro stays for it.
    follow_up = Target.group("general", ["ada", "bob"], follows="intro")
    await queue_message(cohort, "met", follow_up, Reply(body="met?"))
    await _queue(cohort, "sending-long")  # claimed long ago, its delivery still under way
    async with cohort.db.write() as tx:
        await tx.execute(
            outbox.update()
            .where(outbox.c.key == "met")
            .values(next_attempt_at=clock.now() + 2 * DAYS_30)
        )
        await tx.execute(
            outbox.update().where(outbox.c.key == "sending-long").values(status="sending")
        )
    clock.advance(DAYS_30 + timedelta(minutes=1))
    await _queue(cohort, "sent-lately")
    await Drainer(cohort.db, clock, RecordingSender()).drain()
    await _queue(cohort, "pending")

    assert await Pruner(cohort.db, Platform.DISCORD.value, DAYS_30).prune(clock.now()) == 0
    deleted = await Pruner(cohort.db, Platform.CONSOLE.value, DAYS_30).prune(clock.now())

    assert deleted == 2
    assert await _keys(cohort) == {"intro", "met", "sending-long", "sent-lately", "pending"}


async def test_pruning_goes_in_bounded_batches_and_at_most_hourly(
    cohort: Cohort, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(retention, "PRUNE_BATCH", 2)
    monkeypatch.setattr(retention, "PRUNE_BATCHES", 2)
    for n in range(5):
        await _queue(cohort, f"k{n}")
    await Drainer(cohort.db, clock, RecordingSender()).drain()
    clock.advance(2 * DAYS_30)
    pruner = Pruner(cohort.db, Platform.CONSOLE.value, DAYS_30)

    await pruner.maybe(clock.now())
    assert len(await _keys(cohort)) == 1  # two batches of two; the rest waits
    clock.advance(timedelta(minutes=59))
    await pruner.maybe(clock.now())
    assert len(await _keys(cohort)) == 1
    clock.advance(timedelta(minutes=1))
    await pruner.maybe(clock.now())
    assert await _keys(cohort) == set()


def test_the_retention_period_is_at_least_four_weeks() -> None:
    assert Settings(_env_file=None).outbox_retention_days == 30  # type: ignore[call-arg]
    with pytest.raises(pydantic.ValidationError):
        Settings(outbox_retention_days=27, _env_file=None)  # type: ignore[call-arg]
    assert Settings(outbox_retention_days=28, _env_file=None).outbox_retention_days == 28  # type: ignore[call-arg]


async def test_no_job_queues_a_pruned_posts_key_again(cohort: Cohort, clock: ManualClock) -> None:
    """Five weeks of every scheduled job, the shortest retention pruning each hour, the longest
    catch-up, a challenge posted ahead of its week by an organizer (the scheduled post then
    finds its key taken), and the bot down for almost a week (its missed posts go out late):
    each post is delivered once, although the first week's rows were pruned on the way."""
    scheduler = cohort.scheduler
    scheduler._catchup = timedelta(hours=168)  # COHORT_CATCHUP_HOURS at its bound
    organizer = caller("org", admin=True)
    reply(
        await cohort.dispatcher.run_line(
            organizer,
            "setup timezone:UTC challenges:#c digest:#d checkins:#k matchups:#m",
        )
    )
    days = {"challenges": "mon", "digest": "tue", "matchups": "wed", "checkins": "fri"}
    for post, day in days.items():
        line = f"setup post:{post} day:{day} time:09:00"
        reply(await cohort.dispatcher.run_line(organizer, line))
    for user in ("ada", "bob", "cy", "dee"):
        reply(await cohort.dispatcher.run_line(caller(user), "join timezone:UTC"))
        await cohort.dispatcher.run_line(caller(user), "match join")
    sender = RecordingSender()
    drainer = Drainer(cohort.db, clock, sender)
    pruner = Pruner(cohort.db, Platform.CONSOLE.value, timedelta(days=28))

    async def deliver() -> None:
        await drainer.drain()
        await pruner.maybe(clock.now())

    start = clock.now()
    reply(await cohort.dispatcher.run_line(organizer, "challenge post-now"))
    await scheduler.step_until(clock.set, start + timedelta(weeks=1), deliver)
    clock.advance(timedelta(days=6, hours=20))  # down; back within the catch-up window
    await scheduler.step_until(clock.set, start + timedelta(weeks=5), deliver)

    delivered = sender.keys()
    assert [k for k, times in delivered.items() if times > 1] == []
    weekly = Counter(k.split(":")[0] for k in delivered)
    assert weekly["challenge"] >= 4
    assert weekly["checkin-prompt"] >= 4
    first = min(k for k in delivered if k.startswith("challenge:"))
    assert first not in await _keys(cohort)  # pruned


async def _one_pass(drainer: Drainer) -> None:
    """Let a running drainer go round its loop (deliver, then prune) once or twice."""
    running = asyncio.ensure_future(drainer.run(poll_seconds=0.01))
    await asyncio.sleep(0.2)
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)


async def test_the_retention_setting_decides_what_a_running_cores_drainer_prunes(
    settings: Settings, clock: ManualClock, db: Database
) -> None:
    core = Cohort(settings.model_copy(update={"outbox_retention_days": 40}), clock, db)
    await core.start()
    await _queue(core, "sent-35-days-ago")
    drainer = core.drainer(RecordingSender())
    await _one_pass(drainer)
    clock.advance(timedelta(days=35))
    await _one_pass(drainer)  # past the default 30 days, inside the 40 configured
    assert await _keys(core) == {"sent-35-days-ago"}
    clock.advance(timedelta(days=6))
    running = asyncio.ensure_future(drainer.run(poll_seconds=0.01))
    try:
        # However slowly a busy machine runs the loop, it prunes the row within seconds.
        for _ in range(500):
            if not await _keys(core):
                break
            await asyncio.sleep(0.02)
    finally:
        running.cancel()
        await asyncio.gather(running, return_exceptions=True)
    assert await _keys(core) == set()
