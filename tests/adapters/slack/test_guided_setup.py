"""The guided setup on Slack, end to end against the fake: Cohort is invited into a channel,
the welcome arrives through the outbox with its pickers, and an admin finishes it in one press."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from adapters.slack.client import build_client
from adapters.slack.sender import SlackSender
from bot.app import Cohort
from bot.communities.model import Purpose
from bot.identity import CommunityRef, Platform
from bot.outbox import Drainer
from bot.storage.tables import outbox
from tests.adapters.slack.conftest import (
    ADA,
    CHANNEL,
    ORGANIZER,
    ServeSlack,
    SlackHarness,
    slack_settings,
)
from tests.fakes.slack_fake import BOT_USER_ID, TEAM_ID, FakeSlack
from tests.support import first_scheduled_post, no_errors_logged, table_rows

WORKSPACE = CommunityRef(Platform.SLACK, TEAM_ID)
ORGANIZERS_ROOM = "GORGANIZERS"


@pytest.fixture
async def drainer(cohort: Cohort, fake: FakeSlack) -> AsyncIterator[Drainer]:
    async with aiohttp.ClientSession() as session:
        yield cohort.drainer(SlackSender(build_client(slack_settings(fake), session)))


def joined(user: str) -> dict[str, Any]:
    """Slack's event when `user` joins the channel (Cohort itself, when invited)."""
    return {
        "type": "member_joined_channel",
        "user": user,
        "channel": CHANNEL,
        "channel_type": "C",
        "team": TEAM_ID,
        "inviter": ORGANIZER,
    }


async def _invited(slack: SlackHarness, fake: FakeSlack, drainer: Drainer) -> list[Any]:
    """Cohort is invited into the channel; the welcome's blocks, once delivered."""
    assert await slack.event(joined(BOT_USER_ID), event_id="Ev-invited") == 200
    await drainer.drain()
    (welcome,) = fake.messages[CHANNEL]
    return list(welcome["blocks"])


def _elements(blocks: list[Any]) -> list[dict[str, Any]]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]]


async def _pick(slack: SlackHarness, element: dict[str, Any], user: str, **choice: Any) -> None:
    """`user` makes a choice in a select of the welcome message."""
    action = {"type": element["type"], "action_id": element["action_id"], "block_id": "b1"}
    payload = {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "cohort-test"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
        "api_app_id": "ACOHORT",
        "trigger_id": slack.trigger(),
        "container": {"type": "message", "channel_id": CHANNEL},
        "channel": {"id": CHANNEL, "name": "general"},
        "response_url": slack.fake.response_url(f"pick-{user}"),
        "actions": [{**action, **choice, "action_ts": "1800000000.000002"}],
    }
    await slack.interact(payload)


async def test_an_invitation_posts_the_guided_setup_with_native_pickers(
    serve_slack: ServeSlack, fake: FakeSlack, drainer: Drainer
) -> None:
    slack = await serve_slack()
    with no_errors_logged():
        elements = _elements(await _invited(slack, fake, drainer))
    kinds = {
        e["action_id"]: e["type"] for e in elements if e["action_id"].startswith("cohort:pick")
    }
    assert kinds["cohort:pick:setup all"] == "conversations_select"
    assert kinds["cohort:pick:setup reports"] == "conversations_select"
    assert kinds["cohort:pick:setup posts"] == "multi_static_select"
    assert kinds["cohort:pick:setup timezone"] == "static_select"


async def test_a_channel_picked_in_the_welcome_is_saved_for_organizers_only(
    serve_slack: ServeSlack, fake: FakeSlack, drainer: Drainer, cohort: Cohort
) -> None:
    slack = await serve_slack()
    elements = {e["action_id"]: e for e in _elements(await _invited(slack, fake, drainer))}
    reports = elements["cohort:pick:setup reports"]
    await _pick(slack, reports, ADA, selected_conversation=ORGANIZERS_ROOM)
    assert "Only organizers" in fake.responses(f"pick-{ADA}")[0]["text"]
    with no_errors_logged():
        await _pick(slack, reports, ORGANIZER, selected_conversation=ORGANIZERS_ROOM)
        posts = elements["cohort:pick:setup posts"]
        await _pick(
            slack, posts, ORGANIZER, selected_options=[{"value": "challenges"}, {"value": "digest"}]
        )
    community = await cohort.communities.resolve(WORKSPACE, cohort.clock.now())
    assert community.channels[Purpose.REPORTS] == ORGANIZERS_ROOM
    assert not community.schedule(Purpose.MATCHUPS).enabled


async def test_from_the_invitation_to_the_first_scheduled_post_takes_one_interaction(
    serve_slack: ServeSlack, fake: FakeSlack, drainer: Drainer, cohort: Cohort
) -> None:
    slack = await serve_slack()
    elements = _elements(await _invited(slack, fake, drainer))
    interactions = 0
    defaults = next(e for e in elements if e.get("text", {}).get("text") == "Use the defaults")
    await slack.press(defaults, user=ORGANIZER, respond_to="defaults")
    interactions += 1
    community = await cohort.communities.resolve(WORKSPACE, cohort.clock.now())
    assert community.channels[Purpose.CHECKINS] == CHANNEL
    assert Purpose.REPORTS not in community.channels
    assert (await first_scheduled_post(cohort)).startswith("checkin-prompt:")
    assert interactions <= 3


async def test_only_cohort_joining_a_channel_welcomes_and_only_once(
    slack: SlackHarness, cohort: Cohort
) -> None:
    await slack.event(joined(ADA), event_id="Ev-ada")  # a person joining a channel: nothing
    assert await table_rows(cohort, outbox) == []
    await slack.event(joined(BOT_USER_ID), event_id="Ev-1")
    await slack.event(joined(BOT_USER_ID), event_id="Ev-2")  # invited into a second channel
    assert len(await table_rows(cohort, outbox)) == 1
