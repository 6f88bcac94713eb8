"""The Slack outbox sender against the fake Slack, alone and under the core's drainer."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import aiohttp
import pytest
import sqlalchemy as sa

from adapters.slack.client import build_client
from adapters.slack.convert import community
from adapters.slack.sender import METADATA_EVENT, SlackSender, marker
from bot.app import Cohort
from bot.clock import ManualClock
from bot.markdown import escape
from bot.outbox import Delivered, Message, PermanentFailure, RetryLater, Target
from bot.replies import Action, Image, Reply
from bot.storage.tables import outbox
from tests.adapters.slack.conftest import ADA, BOB, CHANNEL, PNG, slack_settings
from tests.fakes.slack_fake import TEAM_ID, FakeSlack
from tests.support import queue_message

WEEKLY = Reply(
    title="Weekly challenge",
    body="Build a tiny eval harness. " + escape("Feed says: <!channel> look <@U123>"),
    actions=(Action("Join in", "challenge join"),),
    private=False,
)


@pytest.fixture
async def sender(fake: FakeSlack) -> AsyncIterator[SlackSender]:
    async with aiohttp.ClientSession() as session:
        yield SlackSender(build_client(slack_settings(fake), session))


def row(key: str, target: Target, reply: Reply = WEEKLY, *, recovering: bool = False) -> Message:
    return Message(
        id=1,
        key=key,
        community_external_id=TEAM_ID,
        target=target,
        reply=reply,
        attempts=0,
        recovering=recovering,
    )


async def queue(cohort: Cohort, clock: ManualClock, key: str, target: Target) -> None:
    assert clock is cohort.clock
    assert await queue_message(cohort, key, target, WEEKLY, community(TEAM_ID))


async def outbox_row(cohort: Cohort, key: str) -> Any:
    async with cohort.db.read() as conn:
        return (await conn.execute(sa.select(outbox).where(outbox.c.key == key))).one()


async def test_a_channel_post_carries_its_key_escaped_text_and_buttons(
    sender: SlackSender, fake: FakeSlack
) -> None:
    posted = await sender.deliver(row("challenge:T:2026-W49", Target.channel(CHANNEL)))

    (post,) = fake.calls_to("chat.postMessage")
    assert posted == Delivered(f"{CHANNEL}:{fake.messages[CHANNEL][0]['ts']}")
    params = post.params
    assert params["metadata"] == {
        "event_type": METADATA_EVENT,
        "event_payload": {"key": "challenge:T:2026-W49"},
    }
    body = params["blocks"][1]["text"]["text"]
    assert body.endswith("Feed says: &lt;!channel&gt; look &lt;@U123&gt;")
    assert "<!channel>" not in params["text"]
    assert params["blocks"][-1]["elements"][0]["value"] == "challenge join"


async def test_direct_and_group_messages_open_a_conversation_first(
    sender: SlackSender, fake: FakeSlack
) -> None:
    await sender.deliver(row("nudge:1", Target.direct(ADA)))
    await sender.deliver(row("nudge:2", Target.direct(ADA)))
    await sender.deliver(row("matchup:1", Target.group(None, [ADA, BOB])))

    opened = [c.params["users"] for c in fake.calls_to("conversations.open")]
    assert opened == [ADA, f"{ADA},{BOB}"]  # the DM was opened once and remembered
    posted_to = [c.params["channel"] for c in fake.calls_to("chat.postMessage")]
    assert posted_to == [f"D{ADA}", f"D{ADA}", f"G{ADA}-{BOB}"]


async def test_a_group_larger_than_slack_allows_fails_for_good(
    sender: SlackSender, fake: FakeSlack
) -> None:
    with pytest.raises(PermanentFailure, match="at most 8"):
        await sender.deliver(row("matchup:big", Target.group(None, [f"U{i}" for i in range(9)])))
    assert fake.calls == []


async def test_a_recovering_row_that_already_landed_is_not_posted_again(
    sender: SlackSender, fake: FakeSlack
) -> None:
    first = await sender.deliver(row("digest:T:W49", Target.channel(CHANNEL)))
    again = await sender.deliver(row("digest:T:W49", Target.channel(CHANNEL), recovering=True))
    other = await sender.deliver(row("digest:T:W50", Target.channel(CHANNEL), recovering=True))

    assert again == first
    assert other != first
    assert len(fake.calls_to("conversations.history")) == 2
    keys = [c.params["metadata"]["event_payload"]["key"] for c in fake.calls_to("chat.postMessage")]
    assert keys == ["digest:T:W49", "digest:T:W50"]


async def test_a_card_is_uploaded_with_its_message_and_recognised_when_recovering(
    sender: SlackSender, fake: FakeSlack
) -> None:
    card = Reply(title="Your week", body="Three milestones.", image=Image("week.png", PNG, "Chart"))

    await sender.deliver(row("card:1", Target.channel(CHANNEL), card))
    await sender.deliver(row("card:1", Target.channel(CHANNEL), card, recovering=True))

    (url,) = fake.calls_to("files.getUploadURLExternal")
    assert url.params["filename"] == f"{marker('card:1')}-week.png"
    assert list(fake.uploads.values()) == [PNG]
    (completed,) = fake.calls_to("files.completeUploadExternal")
    assert completed.params["channel_id"] == CHANNEL
    shared = fake.messages[CHANNEL][0]
    assert shared["blocks"][0]["text"]["text"] == "Your week"
    assert fake.calls_to("chat.postMessage") == []


async def test_an_unknown_channel_fails_for_good_with_slacks_reason(
    cohort: Cohort, clock: ManualClock, sender: SlackSender, fake: FakeSlack
) -> None:
    fake.missing_channels.add("CGONE")
    await queue(cohort, clock, "challenge:gone", Target.channel("CGONE"))

    await cohort.drainer(sender).drain()

    failed = await outbox_row(cohort, "challenge:gone")
    assert (failed.status, failed.last_error) == ("failed", "channel_not_found")


async def test_a_429_is_waited_out_for_retry_after_and_the_post_lands_once(
    cohort: Cohort, clock: ManualClock, sender: SlackSender, fake: FakeSlack
) -> None:
    fake.fail("chat.postMessage", status=429, retry_after=1)
    await queue(cohort, clock, "challenge:busy", Target.channel(CHANNEL))

    await cohort.drainer(sender).drain()

    limited, posted = fake.calls_to("chat.postMessage")
    assert posted.at - limited.at >= 1.0  # not before Retry-After
    assert len(fake.messages[CHANNEL]) == 1
    sent = await outbox_row(cohort, "challenge:busy")
    assert sent.status == "sent"
    assert sent.platform_message_id == f"{CHANNEL}:{fake.messages[CHANNEL][0]['ts']}"


@pytest.mark.parametrize(
    ("status", "error", "reason"),
    [(429, "ratelimited", "rate limited (ratelimited)"), (503, "unavailable", "unavailable")],
)
async def test_a_failure_that_persists_goes_back_to_the_outbox_and_lands_later(
    cohort: Cohort,
    clock: ManualClock,
    sender: SlackSender,
    fake: FakeSlack,
    status: int,
    error: str,
    reason: str,
) -> None:
    # A 429 twice: once for the call, once for the client's own wait for Retry-After; a
    # 5xx once, since a post is never repeated blindly (the sender looks first).
    times = 2 if status == 429 else 1
    fake.fail("chat.postMessage", status=status, error=error, retry_after=1, times=times)
    await queue(cohort, clock, "challenge:flaky", Target.channel(CHANNEL))
    drainer = cohort.drainer(sender)

    await drainer.drain()
    waiting = await outbox_row(cohort, "challenge:flaky")
    clock.advance(timedelta(minutes=5))
    await drainer.drain()

    assert (waiting.status, waiting.last_error) == ("pending", reason)
    assert len(fake.calls_to("chat.postMessage")) == times + 1
    assert len(fake.messages[CHANNEL]) == 1
    assert (await outbox_row(cohort, "challenge:flaky")).status == "sent"


async def test_a_long_retry_after_goes_back_to_the_outbox_at_once(
    sender: SlackSender, fake: FakeSlack
) -> None:
    fake.fail("chat.postMessage", status=429, retry_after=120)

    with pytest.raises(RetryLater) as raised:
        await sender.deliver(row("challenge:slow", Target.channel(CHANNEL)))

    assert raised.value.after == 120
    assert len(fake.calls_to("chat.postMessage")) == 1  # not waited out inside the call


async def test_slack_out_of_reach_is_retried_later(fake: FakeSlack) -> None:
    settings = slack_settings(fake)
    await fake.close()  # nothing listens on that port any more
    async with aiohttp.ClientSession() as session:
        sender = SlackSender(build_client(settings, session))
        with pytest.raises(RetryLater, match="could not reach Slack"):
            await sender.deliver(row("challenge:offline", Target.channel(CHANNEL)))
