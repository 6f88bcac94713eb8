"""Several processes, one database: an event Slack delivers to two of them (Socket Mode
connections of two processes, HTTP processes behind a balancer, a retry reaching another
process) is handled by one."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from datetime import timedelta

import aiohttp
import pytest

from adapters.http import bound_port
from adapters.slack.app import SlackAdapter
from adapters.slack.client import build_client
from adapters.slack.memory import SharedEvents
from adapters.slack.serve import start_http
from bot.app import Cohort
from bot.clock import ManualClock
from bot.storage.seen_events import SeenEvents
from bot.storage.tables import seen_events
from tests.adapters.slack.conftest import (
    ADA,
    BOB,
    SECRET,
    SlackHarness,
    home_opened,
    slack_settings,
)
from tests.fakes.slack_fake import FakeSlack
from tests.support import table_rows


@contextlib.asynccontextmanager
async def process(cohort: Cohort, fake: FakeSlack) -> AsyncIterator[SlackHarness]:
    """One more Slack adapter on its own port, as another process would run it, sharing the
    database through its own event memory."""
    async with aiohttp.ClientSession() as session:
        adapter = SlackAdapter(
            cohort.dispatcher,
            build_client(slack_settings(fake), session),
            signing_secret=SECRET,
            session=session,
            events=SharedEvents(cohort.db, cohort.clock),
        )
        runner = await start_http(adapter.app, "127.0.0.1", 0)
        try:
            yield SlackHarness(fake, f"http://127.0.0.1:{bound_port(runner)}/slack/events", adapter)
        finally:
            await adapter.settle()
            await runner.cleanup()


async def test_two_processes_sharing_a_database_handle_the_same_event_once(
    cohort: Cohort, fake: FakeSlack
) -> None:
    async with process(cohort, fake) as first, process(cohort, fake) as second:
        assert await first.event(home_opened(ADA), event_id="EvShared") == 200
        assert await second.event(home_opened(ADA), event_id="EvShared", retry=1) == 200
        assert await second.event(home_opened(BOB), event_id="EvOther") == 200
        assert await first.event(home_opened(BOB), event_id="EvOther", retry=1) == 200
    published = [c.params["user_id"] for c in fake.calls_to("views.publish")]
    assert published == [ADA, BOB]


async def test_event_ids_are_forgotten_once_expired(cohort: Cohort, clock: ManualClock) -> None:
    seen = SeenEvents(cohort.db, "slack")
    assert await seen.first_time("Ev1", clock.now())
    assert not await seen.first_time("Ev1", clock.now() + timedelta(minutes=30))
    clock.advance(timedelta(hours=2))
    # The next look prunes what expired; Slack never redelivers an event that late.
    assert await seen.first_time("Ev2", clock.now())
    assert [r["event_id"] for r in await table_rows(cohort, seen_events)] == ["Ev2"]


@pytest.mark.parametrize("platform", ["slack", "discord"])
async def test_each_platform_has_its_own_event_ids(cohort: Cohort, platform: str) -> None:
    now = cohort.clock.now()
    assert await SeenEvents(cohort.db, "slack").first_time("Ev1", now)
    assert await SeenEvents(cohort.db, platform).first_time("Ev1", now) is (platform != "slack")
