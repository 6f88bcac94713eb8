"""Discord posts appear once even when the nonce no longer helps: after a crash and a restart
later than Discord's nonce window, the sender finds its post in the channel's recent messages;
a private thread for a group is recorded before anything is posted in it."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from adapters.discord.sender import DiscordSender
from bot.app import Cohort
from bot.clock import ManualClock
from bot.dispatch import Dispatcher
from bot.outbox import Delivered, Message, RetryPolicy, Status, Target
from bot.replies import Reply
from tests.adapters.discord.conftest import Start
from tests.adapters.discord.test_discord_sender import MESSAGES, queue, row
from tests.fakes.discord_fake import CHANNEL_ID, DROP, MEMBER_ID, FakeDiscord

WINDOW = 0.2  # seconds the fake remembers a nonce (Discord: a few minutes)
CHANNEL = Target.channel(str(CHANNEL_ID))


async def _restart_after_the_window(
    fake: FakeDiscord, start: Start, probe: Dispatcher, clock: ManualClock
) -> DiscordSender:
    """The process is gone; it comes back after its leases and the fake's nonces expired."""
    await asyncio.sleep(WINDOW * 1.5)
    clock.advance(timedelta(seconds=RetryPolicy().lease + 1))
    return DiscordSender(await start(probe))


async def test_a_post_whose_answer_was_lost_is_found_after_the_nonce_window(
    fake: FakeDiscord, start: Start, probe: Dispatcher, cohort: Cohort, clock: ManualClock
) -> None:
    fake.nonce_window = WINDOW
    fake.fail("POST", MESSAGES, DROP, commit=True)  # stored; the connection dropped
    await queue(cohort, "digest:1", CHANNEL, Reply(title="Digest", body="Readings"))
    await cohort.drainer(DiscordSender(await start(probe))).drain()
    assert (await row(cohort, "digest:1")).status == Status.PENDING

    sender = await _restart_after_the_window(fake, start, probe, clock)
    await cohort.drainer(sender).drain()

    [message] = fake.messages[CHANNEL_ID]
    sent = await row(cohort, "digest:1")
    assert (sent.status, sent.platform_message_id) == (Status.SENT, message["id"])


async def test_a_crash_after_sending_and_a_restart_after_the_nonce_window_post_once(
    fake: FakeDiscord, start: Start, probe: Dispatcher, cohort: Cohort, clock: ManualClock
) -> None:
    fake.nonce_window = WINDOW
    await queue(cohort, "challenge:1", CHANNEL, Reply(title="Challenge", body="Build it"))
    sender = DiscordSender(await start(probe))

    class DiesAfterSending:
        platform = sender.platform
        global_per_second = sender.global_per_second
        channel_interval = sender.channel_interval

        async def deliver(self, message: Message) -> Delivered:
            await sender.deliver(message)
            await asyncio.Event().wait()  # the process is killed before it records the id
            raise AssertionError("unreachable")

    dying = asyncio.ensure_future(cohort.drainer(DiesAfterSending()).drain())
    await fake.wait_for(lambda: bool(fake.messages[CHANNEL_ID]), what="the post")
    dying.cancel()
    await asyncio.gather(dying, return_exceptions=True)

    restarted = await _restart_after_the_window(fake, start, probe, clock)
    await cohort.drainer(restarted).drain()

    assert len(fake.messages[CHANNEL_ID]) == 1
    assert (await row(cohort, "challenge:1")).status == Status.SENT


async def test_a_post_in_many_parts_sends_only_the_parts_that_did_not_land(
    fake: FakeDiscord, start: Start, probe: Dispatcher, cohort: Cohort, clock: ManualClock
) -> None:
    fake.nonce_window = WINDOW
    long = Reply(title="Digest", body="\n\n".join(f"Reading {n} " + "x" * 3000 for n in range(6)))
    fake.fail("POST", MESSAGES, 503, skip=1)  # the first part lands, the second fails
    await queue(cohort, "digest:long", CHANNEL, long)
    await cohort.drainer(DiscordSender(await start(probe))).drain()
    assert len(fake.messages[CHANNEL_ID]) == 1

    sender = await _restart_after_the_window(fake, start, probe, clock)
    await cohort.drainer(sender).drain()

    parts = fake.messages[CHANNEL_ID]
    assert len(parts) == len({p["id"] for p in parts}) >= 2
    footers = [p["embeds"][-1]["footer"]["text"] for p in parts]
    assert len(set(footers)) == len(footers)  # each part once
    assert (await row(cohort, "digest:long")).status == Status.SENT


async def test_a_groups_thread_is_created_once_across_a_restart(
    fake: FakeDiscord, start: Start, probe: Dispatcher, cohort: Cohort, clock: ManualClock
) -> None:
    fake.nonce_window = WINDOW
    fake.fail("POST", MESSAGES, 503)  # the post into the new thread fails
    group = Target.group(str(CHANNEL_ID), [str(MEMBER_ID)])
    await queue(cohort, "matchup:1", group, Reply(title="Your matchup", body="Say hello"))
    await cohort.drainer(DiscordSender(await start(probe))).drain()
    [thread_id] = fake.threads
    assert (await row(cohort, "matchup:1")).conversation_id == str(thread_id)

    sender = await _restart_after_the_window(fake, start, probe, clock)
    await cohort.drainer(sender).drain()

    assert list(fake.threads) == [thread_id]
    assert len(fake.messages[thread_id]) == 1
    assert MEMBER_ID in fake.thread_members[thread_id]
    sent = await row(cohort, "matchup:1")
    assert (sent.status, sent.conversation_id) == (Status.SENT, str(thread_id))


async def test_history_does_not_echo_the_nonce_as_discord_does_not(
    fake: FakeDiscord, start: Start, probe: Dispatcher, cohort: Cohort
) -> None:
    await queue(cohort, "digest:1", CHANNEL, Reply(title="Digest"))
    await cohort.drainer(DiscordSender(await start(probe))).drain()
    client = await start(probe)
    history = await client.http.logs_from(CHANNEL_ID, 10)
    assert [m.get("nonce") for m in history] == [None]
