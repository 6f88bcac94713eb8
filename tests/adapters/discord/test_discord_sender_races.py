"""Discord: a drainer frozen between its fence and its request, past its lease, while another
drainer takes the row over and posts it, still leaves one copy in the channel: whichever of
the two posts last finds both copies and deletes the later one."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from adapters.discord.sender import DiscordSender
from bot.app import Cohort
from bot.clock import ManualClock
from bot.dispatch import Dispatcher
from bot.outbox import Drainer, RetryPolicy, Status, Target
from bot.replies import Reply
from bot.storage.tables import outbox_orphans
from tests.adapters.discord.conftest import Start
from tests.adapters.discord.test_discord_sender import queue, row
from tests.fakes.discord_fake import CHANNEL_ID, MEMBER_ID, FakeDiscord
from tests.fakes.sender import AfterFence, frozen_after_its_fence

POLICY = RetryPolicy(renew_check=0.01)
INTRO = Reply(title="Your matchup", body="Say hello")


async def _frozen_after_its_fence(
    fake: FakeDiscord, start: Start, probe: Dispatcher, cohort: Cohort, clock: ManualClock
) -> tuple[asyncio.Future[int], asyncio.Event]:
    """A drainer claims the row, passes its fence and freezes before its request leaves;
    its lease runs out meanwhile. Returns its drain, still under way, and what thaws it."""
    fake.nonce_window = 0.0  # the freeze outlasts Discord's memory of the nonce
    sender = DiscordSender(await start(probe))
    return await frozen_after_its_fence(cohort.db, clock, sender, POLICY)


async def _orphans(cohort: Cohort) -> list[str | None]:
    async with cohort.db.read() as tx:
        return list(await tx.scalars(sa.select(outbox_orphans.c.platform_message_id)))


async def test_a_frozen_drainer_that_posts_after_the_new_owner_deletes_its_own_copy(
    fake: FakeDiscord, start: Start, probe: Dispatcher, cohort: Cohort, clock: ManualClock
) -> None:
    await queue(cohort, "match:1", Target.channel(str(CHANNEL_ID)), INTRO)
    stale, thaw = await _frozen_after_its_fence(fake, start, probe, cohort, clock)

    # Another process takes the row over, finds nothing in the channel, and posts.
    await Drainer(cohort.db, clock, DiscordSender(await start(probe)), POLICY).drain()
    [posted] = fake.messages[CHANNEL_ID]
    # The frozen process wakes and its request goes out.
    thaw.set()
    await stale

    assert fake.messages[CHANNEL_ID] == [posted]
    [deleted] = fake.deleted
    assert int(deleted["id"]) > int(posted["id"])
    sent = await row(cohort, "match:1")
    assert (sent.status, sent.platform_message_id) == (Status.SENT, posted["id"])
    assert await _orphans(cohort) == [posted["id"]]  # the stale answer names the copy kept


async def test_a_frozen_drainers_post_landing_before_the_new_owners_keeps_the_first(
    fake: FakeDiscord, start: Start, probe: Dispatcher, cohort: Cohort, clock: ManualClock
) -> None:
    await queue(cohort, "match:2", Target.channel(str(CHANNEL_ID)), INTRO)
    stale, thaw = await _frozen_after_its_fence(fake, start, probe, cohort, clock)

    async def stale_posts_in_between() -> None:
        # The new owner looked (nothing there yet) and passed its fence; the stale post
        # lands now, and its drainer looks once it is out: one copy, its own, kept.
        thaw.set()
        await stale
        assert len(fake.messages[CHANNEL_ID]) == 1

    owner = AfterFence(DiscordSender(await start(probe)), stale_posts_in_between)
    await Drainer(cohort.db, clock, owner, POLICY).drain()

    [kept] = fake.messages[CHANNEL_ID]
    [deleted] = fake.deleted
    assert int(deleted["id"]) > int(kept["id"])
    sent = await row(cohort, "match:2")
    assert (sent.status, sent.platform_message_id) == (Status.SENT, kept["id"])


async def test_a_frozen_drainers_intro_in_a_groups_thread_appears_once(
    fake: FakeDiscord, start: Start, probe: Dispatcher, cohort: Cohort, clock: ManualClock
) -> None:
    group = Target.group(str(CHANNEL_ID), [str(MEMBER_ID)])
    await queue(cohort, "match:3", group, INTRO)
    # The thread is opened and recorded (the first fence); the freeze comes at the second,
    # the intro's own.
    fake.nonce_window = 0.0
    sender = DiscordSender(await start(probe))
    stale, thaw = await frozen_after_its_fence(cohort.db, clock, sender, POLICY, at=2)
    await Drainer(cohort.db, clock, DiscordSender(await start(probe)), POLICY).drain()
    thaw.set()
    await stale

    [thread_id] = fake.threads
    assert len(fake.messages[thread_id]) == 1
    assert len(fake.deleted) == 1
    assert (await row(cohort, "match:3")).status == Status.SENT
