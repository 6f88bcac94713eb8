"""The outbox's Discord sender, driven by the core's drainer, against the loopback fake:
nonces, rate limits, server errors, private threads and DMs."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa

from adapters.discord.sender import ANTI_SPAM_PAUSE, DiscordSender, nonce
from bot.app import Cohort
from bot.clock import ManualClock
from bot.dispatch import Dispatcher
from bot.identity import CommunityRef, Platform
from bot.markdown import escape
from bot.outbox import Status, Target
from bot.replies import Action, Reply
from bot.storage.tables import outbox
from tests.adapters.discord.conftest import Start
from tests.adapters.discord.test_discord_interactions import sent_messages, texts
from tests.fakes.discord_fake import (
    BOT_ID,
    CHANNEL_ID,
    DROP,
    GUILD_ID,
    MEMBER_ID,
    FakeDiscord,
)
from tests.support import queue_message

GRACE = 1_100_000_000_000_000_006
GONE = 1_100_000_000_000_000_007  # left the server since the matchup was decided
MESSAGES = r"/channels/\d+/messages"


@pytest.fixture
async def sender(start: Start, probe: Dispatcher) -> DiscordSender:
    return DiscordSender(await start(probe))


async def queue(cohort: Cohort, key: str, target: Target, reply: Reply) -> None:
    await queue_message(cohort, key, target, reply, CommunityRef(Platform.DISCORD, str(GUILD_ID)))


async def row(cohort: Cohort, key: str) -> Any:
    async with cohort.db.read() as conn:
        return (await conn.execute(sa.select(outbox).where(outbox.c.key == key))).one()


async def test_a_channel_post_has_a_stable_nonce_and_mentions_nobody(
    fake: FakeDiscord, sender: DiscordSender, cohort: Cohort
) -> None:
    hostile = "@everyone @here <@&1100000000000000009> look"
    await queue(
        cohort,
        "challenge:1:2026-W49",
        Target.channel(str(CHANNEL_ID)),
        Reply(title="This week", body=escape(hostile), private=False),
    )
    assert await cohort.drainer(sender).drain() == 1

    [post] = fake.calls_to("POST", MESSAGES)
    assert post.body["nonce"] == nonce("challenge:1:2026-W49", 0)
    assert post.body["enforce_nonce"] is True
    assert post.body["allowed_mentions"] == {"parse": []}
    for text in texts(post.body["embeds"]):
        for raw in ("@everyone", "@here", "<@&"):
            assert raw not in text
    [message] = fake.messages[CHANNEL_ID]
    assert message["mention_everyone"] is False
    assert message["mention_roles"] == []
    sent = await row(cohort, "challenge:1:2026-W49")
    assert sent.status == Status.SENT
    assert sent.platform_message_id == message["id"]


async def test_a_429_with_retry_after_is_waited_out(
    fake: FakeDiscord, sender: DiscordSender, cohort: Cohort
) -> None:
    fake.fail("POST", MESSAGES, 429, retry_after=0.3)
    await queue(cohort, "digest:1", Target.channel(str(CHANNEL_ID)), Reply(body="Digest"))
    await cohort.drainer(sender).drain()

    limited, accepted = fake.calls_to("POST", MESSAGES)
    assert accepted.at - limited.at >= 0.3
    assert len(fake.messages[CHANNEL_ID]) == 1
    assert (await row(cohort, "digest:1")).status == Status.SENT


async def test_a_long_429_goes_back_to_the_outbox_without_asking_again(
    fake: FakeDiscord, sender: DiscordSender, cohort: Cohort, clock: ManualClock
) -> None:
    fake.fail("POST", MESSAGES, 429, retry_after=120)
    await queue(cohort, "digest:1", Target.channel(str(CHANNEL_ID)), Reply(body="Digest"))
    await cohort.drainer(sender).drain()

    waiting = await row(cohort, "digest:1")
    assert waiting.status == Status.PENDING
    assert waiting.next_attempt_at >= clock.now() + timedelta(seconds=120)
    assert len(fake.calls_to("POST", MESSAGES)) == 1  # nothing spent while limited

    clock.advance(timedelta(seconds=121))
    await cohort.drainer(sender).drain()
    assert (await row(cohort, "digest:1")).status == Status.SENT
    assert len(fake.messages[CHANNEL_ID]) == 1


async def test_a_429_from_before_discord_waits_as_long_as_it_says(
    fake: FakeDiscord, sender: DiscordSender, cohort: Cohort, clock: ManualClock
) -> None:
    # Without a Via header the 429 comes from Cloudflare, which discord.py does not retry.
    fake.fail("POST", MESSAGES, 429, retry_after=90, via=False)
    await queue(cohort, "digest:1", Target.channel(str(CHANNEL_ID)), Reply(body="Digest"))
    await cohort.drainer(sender).drain()

    waiting = await row(cohort, "digest:1")
    assert waiting.status == Status.PENDING
    assert waiting.next_attempt_at >= clock.now() + timedelta(seconds=90)
    assert len(fake.calls_to("POST", MESSAGES)) == 1


async def test_a_dropped_connection_goes_back_to_the_outbox(
    fake: FakeDiscord, sender: DiscordSender, cohort: Cohort
) -> None:
    fake.fail("POST", MESSAGES, DROP)
    await queue(cohort, "digest:1", Target.channel(str(CHANNEL_ID)), Reply(body="Digest"))
    await cohort.drainer(sender).drain()

    waiting = await row(cohort, "digest:1")
    assert waiting.status == Status.PENDING
    assert waiting.last_error.startswith("could not reach Discord")


@pytest.mark.parametrize("status", [500, 503])
async def test_a_server_error_after_the_post_landed_does_not_post_it_twice(
    fake: FakeDiscord, sender: DiscordSender, cohort: Cohort, clock: ManualClock, status: int
) -> None:
    # Discord creates the message and then the answer is lost: 500 is retried inside
    # discord.py (the nonce returns the same message), 503 goes back to the outbox, whose
    # next attempt finds the message in the channel and posts nothing.
    fake.fail("POST", MESSAGES, status, commit=True)
    await queue(cohort, "nudge:1", Target.channel(str(CHANNEL_ID)), Reply(body="Nudge"))
    await cohort.drainer(sender).drain()
    clock.advance(timedelta(hours=1))
    await cohort.drainer(sender).drain()

    posts = fake.calls_to("POST", MESSAGES)
    assert len(posts) == (2 if status == 500 else 1)
    assert {p.body["nonce"] for p in posts} == {nonce("nudge:1", 0)}
    assert len(fake.messages[CHANNEL_ID]) == 1
    assert (await row(cohort, "nudge:1")).status == Status.SENT


async def test_a_group_meets_in_a_private_thread(
    fake: FakeDiscord, sender: DiscordSender, cohort: Cohort
) -> None:
    fake.gone_members.add(GONE)
    members = (str(MEMBER_ID), str(GRACE), str(GONE))
    await queue(
        cohort,
        "matchup:1",
        Target.group(str(CHANNEL_ID), members),
        Reply(title="Your matchup this week", body="Say hello!"),
    )
    await cohort.drainer(sender).drain()

    [created] = fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/threads")
    assert created.body["type"] == 12
    assert created.body["invitable"] is False
    assert created.body["name"] == "Your matchup this week"
    [thread_id] = fake.threads
    assert fake.thread_members[thread_id] == {BOT_ID, MEMBER_ID, GRACE}
    [message] = fake.messages[thread_id]
    assert {m["id"] for m in message["mentions"]} == set(members)
    assert message["mention_everyone"] is False
    assert fake.messages[CHANNEL_ID] == []


async def test_a_group_retry_posts_in_the_thread_it_already_made(
    fake: FakeDiscord, sender: DiscordSender, cohort: Cohort, clock: ManualClock
) -> None:
    fake.fail("POST", MESSAGES, 503)
    await queue(
        cohort, "matchup:1", Target.group(str(CHANNEL_ID), [str(MEMBER_ID)]), Reply(title="Matchup")
    )
    await cohort.drainer(sender).drain()
    clock.advance(timedelta(hours=1))
    await cohort.drainer(sender).drain()

    assert len(fake.threads) == 1
    [thread_id] = fake.threads
    assert len(fake.messages[thread_id]) == 1
    assert (await row(cohort, "matchup:1")).status == Status.SENT


async def test_a_follow_up_lands_in_the_thread_of_the_message_it_follows(
    fake: FakeDiscord, sender: DiscordSender, cohort: Cohort
) -> None:
    members = [str(MEMBER_ID), str(GRACE)]
    await queue(cohort, "match:1", Target.group(str(CHANNEL_ID), members), Reply(title="Hello"))
    await cohort.drainer(sender).drain()
    follow_up = Target.group(str(CHANNEL_ID), members, follows="match:1")
    await queue(cohort, "match-met:1", follow_up, Reply(title="Did you meet?"))
    await cohort.drainer(sender).drain()

    [thread_id] = fake.threads
    assert len(fake.calls_to("POST", rf"/channels/{CHANNEL_ID}/threads")) == 1
    assert [m["embeds"][0]["title"] for m in fake.messages[thread_id]] == [
        "Hello",
        "Did you meet?",
    ]
    assert (await row(cohort, "match-met:1")).conversation_id == str(thread_id)


async def test_a_follow_up_whose_thread_is_gone_opens_a_new_one(
    fake: FakeDiscord, sender: DiscordSender, cohort: Cohort
) -> None:
    members = [str(MEMBER_ID)]
    await queue(cohort, "match:1", Target.group(str(CHANNEL_ID), members), Reply(title="Hello"))
    await cohort.drainer(sender).drain()
    [deleted] = fake.threads
    del fake.threads[deleted], fake.messages[deleted]  # an organizer deleted the thread
    follow_up = Target.group(str(CHANNEL_ID), members, follows="match:1")
    await queue(cohort, "match-met:1", follow_up, Reply(title="Did you meet?"))
    await cohort.drainer(sender).drain()

    [thread_id] = fake.threads
    assert thread_id != deleted
    assert [m["embeds"][0]["title"] for m in fake.messages[thread_id]] == ["Did you meet?"]
    assert (await row(cohort, "match-met:1")).status == Status.SENT


async def test_a_group_falls_back_to_the_channel_when_threads_are_refused(
    fake: FakeDiscord, sender: DiscordSender, cohort: Cohort
) -> None:
    fake.no_threads.add(CHANNEL_ID)
    await queue(
        cohort,
        "matchup:1",
        Target.group(str(CHANNEL_ID), [str(MEMBER_ID), str(GRACE)]),
        Reply(title="Matchup"),
    )
    await cohort.drainer(sender).drain()

    assert fake.threads == {}
    [message] = fake.messages[CHANNEL_ID]
    assert {m["id"] for m in message["mentions"]} == {str(MEMBER_ID), str(GRACE)}
    assert message["mention_everyone"] is False
    assert (await row(cohort, "matchup:1")).status == Status.SENT


async def test_a_dm_carries_its_server_so_its_buttons_work_there(
    fake: FakeDiscord, sender: DiscordSender, cohort: Cohort
) -> None:
    await queue(
        cohort,
        "nudge:ada",
        Target.direct(str(MEMBER_ID)),
        Reply(body="Time to check in", actions=(Action("Say hi", "echo hi"),)),
    )
    await cohort.drainer(sender).drain()

    dm = fake.dm_channels[MEMBER_ID]
    [message] = fake.messages[dm]
    [button] = message["components"][0]["components"]
    assert button["custom_id"] == f"cohort:run:g{GUILD_ID}:echo hi"

    clicked = await fake.interact(fake.click(message, button["custom_id"], in_dm=True))
    [answer] = sent_messages(await fake.answers(clicked))
    assert answer["embeds"][0]["description"].startswith("hi")


async def test_closed_dms_fail_politely_without_retrying(
    fake: FakeDiscord, sender: DiscordSender, cohort: Cohort
) -> None:
    fake.closed_dms.add(MEMBER_ID)
    await queue(cohort, "nudge:ada", Target.direct(str(MEMBER_ID)), Reply(body="Hello"))
    await cohort.drainer(sender).drain()

    failed = await row(cohort, "nudge:ada")
    assert failed.status == Status.FAILED
    assert failed.last_error == "member has DMs closed"
    assert len(fake.calls_to("POST", MESSAGES)) == 1


async def test_discords_dm_anti_spam_pauses_instead_of_failing(
    fake: FakeDiscord, sender: DiscordSender, cohort: Cohort, clock: ManualClock
) -> None:
    fake.fail("POST", MESSAGES, 400, code=40003)
    await queue(cohort, "nudge:ada", Target.direct(str(MEMBER_ID)), Reply(body="Hello"))
    await cohort.drainer(sender).drain()

    paused = await row(cohort, "nudge:ada")
    assert paused.status == Status.PENDING
    assert paused.next_attempt_at >= clock.now() + timedelta(seconds=ANTI_SPAM_PAUSE)


@pytest.mark.parametrize(("status", "code"), [(403, 50001), (404, 10003), (400, 50035)])
async def test_refusals_fail_for_good(
    fake: FakeDiscord, sender: DiscordSender, cohort: Cohort, status: int, code: int
) -> None:
    fake.fail("POST", MESSAGES, status, code=code)
    await queue(cohort, "digest:1", Target.channel(str(CHANNEL_ID)), Reply(body="Digest"))
    await cohort.drainer(sender).drain()

    failed = await row(cohort, "digest:1")
    assert failed.status == Status.FAILED
    assert f"({status} {code})" in failed.last_error
    assert len(fake.calls_to("POST", MESSAGES)) == 1


async def test_a_target_that_is_not_a_discord_id_fails_for_good(
    fake: FakeDiscord, sender: DiscordSender, cohort: Cohort
) -> None:
    await queue(cohort, "digest:1", Target.channel("general"), Reply(body="Digest"))
    await cohort.drainer(sender).drain()

    failed = await row(cohort, "digest:1")
    assert failed.status == Status.FAILED
    assert "not a Discord id" in failed.last_error
    assert fake.calls_to("POST", MESSAGES) == []
