"""slack/manifest.yaml agrees with the code: the command, the events, and a scope for every
Web API method the adapter calls."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import yaml

from adapters.slack.app import COMMAND
from adapters.slack.client import build_client
from adapters.slack.sender import SlackSender
from adapters.slack.serve import EVENTS_PATH, REDIRECT_PATH
from bot.outbox import Message, Target
from bot.replies import Image, Reply
from bot.settings import Settings
from tests.adapters.slack.conftest import (
    ADA,
    BOB,
    CHANNEL,
    PNG,
    SlackHarness,
    home_opened,
    slack_settings,
)
from tests.fakes.slack_fake import TEAM_ID, FakeSlack

MANIFEST = Path(__file__).resolve().parents[3] / "slack" / "manifest.yaml"

# The bot scopes each Web API method needs for the ways Cohort uses it (direct and group
# messages, public and private channels).
SCOPES = {
    "auth.test": set(),
    "users.info": {"users:read"},
    "chat.postMessage": {"chat:write"},
    "conversations.open": {"im:write", "mpim:write"},
    "conversations.history": {"channels:history", "groups:history", "im:history", "mpim:history"},
    "views.open": set(),
    "views.update": set(),
    "views.publish": set(),
    "files.getUploadURLExternal": {"files:write"},
    "files.completeUploadExternal": {"files:write"},
}


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    return loaded


def test_the_manifest_declares_the_command_events_and_surfaces_the_app_uses() -> None:
    app = manifest()
    (command,) = app["features"]["slash_commands"]
    assert command["command"] == COMMAND
    assert command["should_escape"] is True  # convert.command_line expects Slack's markup
    assert app["features"]["app_home"]["home_tab_enabled"] is True
    assert app["settings"]["interactivity"]["is_enabled"] is True
    assert app["settings"]["event_subscriptions"]["bot_events"] == [
        "app_home_opened",
        "member_joined_channel",
        "app_uninstalled",
        "tokens_revoked",
    ]
    # The HTTP-mode addresses, commented out for Socket Mode, point at the served paths.
    urls = [line for line in MANIFEST.read_text().splitlines() if "example.org/" in line]
    assert len(urls) == 4
    assert sum(line.rstrip().endswith(EVENTS_PATH) for line in urls) == 3
    assert sum(line.rstrip().endswith(f"{REDIRECT_PATH}]") for line in urls) == 1


def test_workspaces_installing_cohort_are_asked_for_the_manifests_scopes() -> None:
    assert (
        Settings(_env_file=None).slack_scopes.split(",")
        == manifest()["oauth_config"]["scopes"]["bot"]
    )


async def test_every_web_api_method_the_adapter_calls_is_allowed_by_a_scope(
    slack: SlackHarness, fake: FakeSlack
) -> None:
    await slack.command("join timezone:Europe/Berlin", respond_to="join")
    await slack.event(home_opened(ADA), event_id="Ev1")
    async with aiohttp.ClientSession() as session:
        sender = SlackSender(build_client(slack_settings(fake), session))
        card = Reply(body="Week 49", image=Image("week.png", PNG, "Chart"))
        for n, target in enumerate(
            [Target.channel(CHANNEL), Target.direct(ADA), Target.group(None, [ADA, BOB])]
        ):
            message = Message(n, f"k{n}", TEAM_ID, target, card, attempts=1, recovering=True)
            await sender.deliver(message)
            await sender.deliver(Message(n, f"t{n}", TEAM_ID, target, Reply(body="Hi"), 1, False))

    granted = set(manifest()["oauth_config"]["scopes"]["bot"])
    assert "commands" in granted
    called = {c.method for c in fake.calls if c.method not in ("respond", "upload")}
    assert called <= set(SCOPES), f"add the scopes of {called - set(SCOPES)} to this test"
    assert {m: SCOPES[m] - granted for m in called if SCOPES[m] - granted} == {}
