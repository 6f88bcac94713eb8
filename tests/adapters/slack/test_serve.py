"""`serve`: the whole Slack side of `cohort run`, in HTTP mode and in Socket Mode."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl

import aiohttp
import pytest

from adapters.slack.convert import community
from adapters.slack.serve import serve
from bot.app import Cohort
from bot.clock import ManualClock
from bot.outbox import Target
from bot.replies import Reply
from bot.settings import Settings
from tests.adapters.slack.conftest import (
    APP_TOKEN,
    CHANNEL,
    TOKEN,
    SlackHarness,
    slack_settings,
)
from tests.fakes.slack_fake import TEAM_ID, FakeSlack
from tests.support import queue_message


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.asynccontextmanager
async def serving(cohort: Cohort, settings: Settings) -> AsyncIterator[asyncio.Task[None]]:
    task = asyncio.create_task(serve(cohort, settings))
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def get_until_up(url: str) -> int:
    async with aiohttp.ClientSession() as http, asyncio.timeout(10):
        while True:
            with contextlib.suppress(aiohttp.ClientConnectionError):
                async with http.get(url) as response:
                    return response.status
            await asyncio.sleep(0.02)


async def queue_post(cohort: Cohort, clock: ManualClock, key: str) -> None:
    assert clock is cohort.clock
    await queue_message(
        cohort,
        key,
        Target.channel(CHANNEL),
        Reply(body="This week's challenge is up."),
        community(TEAM_ID),
    )


async def test_http_mode_serves_events_and_healthz_drains_the_outbox_and_stops_cleanly(
    cohort: Cohort, clock: ManualClock, fake: FakeSlack
) -> None:
    port = free_port()
    settings = slack_settings(fake, http_host="127.0.0.1", http_port=port)
    await queue_post(cohort, clock, "challenge:serve")

    async with serving(cohort, settings) as task:
        assert await get_until_up(f"http://127.0.0.1:{port}/healthz") == 200
        harness = SlackHarness(fake, f"http://127.0.0.1:{port}/slack/events")
        status, _ = await harness.send(harness.command_body("help", respond_to="served"))
        assert status == 200
        await fake.wait_for("respond")
        (post,) = await fake.wait_for("chat.postMessage")
        assert post.params["metadata"]["event_payload"]["key"] == "challenge:serve"

    assert task.cancelled()
    with pytest.raises(aiohttp.ClientConnectionError):
        async with aiohttp.ClientSession() as http:
            await http.get(f"http://127.0.0.1:{port}/healthz")


async def test_socket_mode_connects_with_the_app_token_and_answers_envelopes(
    cohort: Cohort, fake: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    settings = slack_settings(fake, slack_app_token=APP_TOKEN, slack_signing_secret=None)
    harness = SlackHarness(fake, "unused: Socket Mode receives no HTTP")
    payload = dict(parse_qsl(harness.command_body("help", respond_to="socket")))

    async with serving(cohort, settings):
        (opened,) = await fake.wait_for("apps.connections.open")
        assert opened.token == APP_TOKEN
        await fake.wait_for("socket-open")
        envelope = {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": payload,
        }
        await fake.socket_send(envelope)
        (ack,) = await fake.wait_for("socket")
        assert ack.params["envelope_id"] == "env-1"
        (answer,) = await fake.wait_for("respond")
        assert answer.params["blocks"][0]["text"]["text"] == "Cohort commands"
    assert "apps.connections.open" in caplog.text
    assert APP_TOKEN not in caplog.text
    assert TOKEN not in caplog.text


async def test_serve_refuses_to_start_without_a_way_to_hear_from_slack(
    cohort: Cohort, fake: FakeSlack
) -> None:
    settings = slack_settings(fake, slack_signing_secret=None)
    with pytest.raises(ValueError, match="SLACK_APP_TOKEN"):
        await serve(cohort, settings)
