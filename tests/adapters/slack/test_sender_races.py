"""Slack: a drainer frozen between its fence and its request, past its lease, while another
drainer takes the row over and posts it, still leaves one copy in the conversation: whichever
of the two posts last finds both copies by their key and deletes the later one."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from adapters.slack.client import build_client
from adapters.slack.convert import community
from adapters.slack.sender import SlackSender
from bot.app import Cohort
from bot.clock import ManualClock
from bot.outbox import Drainer, RetryPolicy, Status, Target
from bot.replies import Image, Reply
from tests.adapters.slack.conftest import ADA, BOB, CHANNEL, PNG, slack_settings
from tests.adapters.slack.test_sender import WEEKLY, outbox_row
from tests.fakes.sender import AfterFence, frozen_after_its_fence
from tests.fakes.slack_fake import TEAM_ID, FakeSlack
from tests.support import queue_message

POLICY = RetryPolicy(renew_check=0.01)
CARD = Reply(title="Your progress", image=Image("progress.png", PNG, "A card"), private=False)


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as opened:
        yield opened


def _sender(fake: FakeSlack, session: aiohttp.ClientSession) -> SlackSender:
    return SlackSender(build_client(slack_settings(fake), session))


def _copies(fake: FakeSlack) -> list[dict[str, object]]:
    return [m for messages in fake.messages.values() for m in messages]


@pytest.mark.parametrize(
    ("target", "reply"),
    [
        (Target.channel(CHANNEL), WEEKLY),
        (Target.group(None, [ADA, BOB]), WEEKLY),
        (Target.channel(CHANNEL), CARD),
    ],
    ids=["channel", "group-dm", "card"],
)
async def test_a_frozen_drainer_that_posts_after_the_new_owner_deletes_its_own_copy(
    cohort: Cohort,
    clock: ManualClock,
    fake: FakeSlack,
    session: aiohttp.ClientSession,
    target: Target,
    reply: Reply,
) -> None:
    await queue_message(cohort, "match:1", target, reply, community(TEAM_ID))
    stale, thaw = await frozen_after_its_fence(cohort.db, clock, _sender(fake, session), POLICY)

    # Another process takes the row over, finds nothing, and posts; then the frozen one wakes.
    await Drainer(cohort.db, clock, _sender(fake, session), POLICY).drain()
    [posted] = _copies(fake)
    thaw.set()
    await stale

    assert _copies(fake) == [posted]
    [deleted] = fake.deleted
    assert float(str(deleted["ts"])) > float(str(posted["ts"]))
    sent = await outbox_row(cohort, "match:1")
    assert sent.status == Status.SENT
    assert sent.platform_message_id.split(":")[0] in fake.messages


async def test_a_frozen_drainers_post_landing_before_the_new_owners_keeps_the_first(
    cohort: Cohort, clock: ManualClock, fake: FakeSlack, session: aiohttp.ClientSession
) -> None:
    await queue_message(cohort, "match:2", Target.channel(CHANNEL), WEEKLY, community(TEAM_ID))
    stale, thaw = await frozen_after_its_fence(cohort.db, clock, _sender(fake, session), POLICY)

    async def stale_posts_in_between() -> None:
        thaw.set()  # the new owner looked and passed its fence: the stale post lands now
        await stale
        assert fake.posted_keys() == ["match:2"]

    owner = AfterFence(_sender(fake, session), stale_posts_in_between)
    await Drainer(cohort.db, clock, owner, POLICY).drain()

    [kept] = fake.messages[CHANNEL]
    [deleted] = fake.deleted
    assert float(deleted["ts"]) > float(kept["ts"])
    sent = await outbox_row(cohort, "match:2")
    assert (sent.status, sent.platform_message_id) == (Status.SENT, f"{CHANNEL}:{kept['ts']}")


async def test_a_copy_that_cannot_be_deleted_is_left_and_the_row_is_still_sent(
    cohort: Cohort, clock: ManualClock, fake: FakeSlack, session: aiohttp.ClientSession
) -> None:
    await queue_message(cohort, "match:3", Target.channel(CHANNEL), WEEKLY, community(TEAM_ID))
    stale, thaw = await frozen_after_its_fence(cohort.db, clock, _sender(fake, session), POLICY)
    await Drainer(cohort.db, clock, _sender(fake, session), POLICY).drain()
    fake.fail("chat.delete", status=200, error="cant_delete_message")

    thaw.set()
    await stale

    assert fake.posted_keys() == ["match:3", "match:3"]  # visible, and logged
    assert len(fake.calls_to("chat.delete")) == 1
    assert (await outbox_row(cohort, "match:3")).status == Status.SENT
