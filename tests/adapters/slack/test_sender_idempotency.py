"""Slack posts exactly once as seen in the channel, when Slack stored a message and its answer
was lost: each post carries its key in metadata, and after any ambiguous failure the sender
looks for the key in the conversation before posting again."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest

from adapters.slack.client import build_client
from adapters.slack.sender import SlackSender
from bot.app import Cohort
from bot.clock import ManualClock
from bot.outbox import Target
from tests.adapters.slack.conftest import ADA, BOB, CHANNEL, slack_settings
from tests.adapters.slack.test_sender import outbox_row, queue
from tests.fakes.slack_fake import DROP, FakeSlack

TIMEOUT = 0.5  # seconds the sender waits for Slack's answer to a post


@pytest.fixture
async def sender(fake: FakeSlack) -> AsyncIterator[SlackSender]:
    async with aiohttp.ClientSession() as session:
        yield SlackSender(build_client(slack_settings(fake), session), timeout=TIMEOUT)


async def _drain_until_sent(cohort: Cohort, clock: ManualClock, sender: SlackSender) -> None:
    drainer = cohort.drainer(sender)
    for _ in range(4):
        await drainer.drain()
        clock.advance(timedelta(minutes=10))


@pytest.mark.parametrize(
    "lost",
    [
        {"status": 503, "error": "service_unavailable"},
        {"status": 500, "error": "internal_error"},
        {"status": DROP},
        {"status": 200, "hang": TIMEOUT * 2},
    ],
    ids=["stored-then-503", "stored-then-500", "stored-then-connection-reset", "timeout"],
)
@pytest.mark.parametrize("target", [Target.channel(CHANNEL), Target.group(None, [ADA, BOB])])
async def test_a_post_stored_before_its_answer_was_lost_appears_once(
    cohort: Cohort,
    clock: ManualClock,
    sender: SlackSender,
    fake: FakeSlack,
    lost: dict[str, object],
    target: Target,
) -> None:
    fake.fail("chat.postMessage", commit=True, **lost)  # type: ignore[arg-type]
    await queue(cohort, clock, "challenge:lost", target)

    await _drain_until_sent(cohort, clock, sender)

    assert fake.posted_keys() == ["challenge:lost"]
    (conversation,) = [c for c, messages in fake.messages.items() if messages]
    sent = await outbox_row(cohort, "challenge:lost")
    assert sent.status == "sent"
    assert sent.platform_message_id == f"{conversation}:{fake.messages[conversation][0]['ts']}"


async def test_a_post_that_failed_before_slack_stored_it_is_posted_again(
    cohort: Cohort, clock: ManualClock, sender: SlackSender, fake: FakeSlack
) -> None:
    fake.fail("chat.postMessage", status=503, error="service_unavailable")
    await queue(cohort, clock, "challenge:retry", Target.channel(CHANNEL))

    await _drain_until_sent(cohort, clock, sender)

    assert fake.posted_keys() == ["challenge:retry"]
    assert len(fake.calls_to("chat.postMessage")) == 2
    assert (await outbox_row(cohort, "challenge:retry")).status == "sent"


async def test_a_post_is_never_retried_blindly_inside_the_client(
    cohort: Cohort, clock: ManualClock, sender: SlackSender, fake: FakeSlack
) -> None:
    fake.fail("chat.postMessage", status=DROP)
    await queue(cohort, clock, "challenge:once", Target.channel(CHANNEL))

    await cohort.drainer(sender).drain()

    # One post, then a look in the channel, and the decision left to the next attempt.
    assert [c.method for c in fake.calls] == ["chat.postMessage", "conversations.history"]
    assert (await outbox_row(cohort, "challenge:once")).status == "pending"


async def test_a_key_further_back_than_one_page_of_history_is_still_found(
    cohort: Cohort, clock: ManualClock, sender: SlackSender, fake: FakeSlack
) -> None:
    fake.fail("chat.postMessage", status=503, error="service_unavailable", commit=True)
    fake.fail("conversations.history", status=503, error="service_unavailable")
    await queue(cohort, clock, "challenge:buried", Target.channel(CHANNEL))
    await cohort.drainer(sender).drain()  # stored; history unreachable just then
    for n in range(250):  # a busy channel buries it
        fake.messages[CHANNEL].append({"type": "message", "ts": f"{n}.1", "text": "chatter"})

    await _drain_until_sent(cohort, clock, sender)

    assert fake.posted_keys() == ["challenge:buried"]


@pytest.mark.parametrize("status", [DROP, 503])
async def test_the_interactive_client_repeats_other_calls_but_never_a_post(
    fake: FakeSlack, status: int
) -> None:
    async with aiohttp.ClientSession() as session:
        client = build_client(slack_settings(fake), session)
        fake.fail("conversations.open", status=status, error="service_unavailable")
        await client.conversations_open(users=ADA)
        fake.fail("chat.postMessage", status=status, error="service_unavailable", commit=True)
        with pytest.raises(Exception):  # noqa: B017, PT011 - a dropped connection or a 503
            await client.chat_postMessage(channel=CHANNEL, text="hello")

    assert len(fake.calls_to("conversations.open")) == 2
    assert len(fake.calls_to("chat.postMessage")) == 1
    assert len(fake.messages[CHANNEL]) == 1
