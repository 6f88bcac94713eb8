"""The real Bolt app served on 127.0.0.1:0, its Web API pointed at a loopback fake Slack, and
helpers that send it signed requests the way Slack does."""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from slack_sdk.signature import SignatureVerifier

from adapters.slack.app import SlackAdapter
from adapters.slack.client import build_client
from adapters.slack.serve import bound_port, start_http
from bot.app import Cohort
from bot.commands import Args, Catalogue, Command, Option
from bot.context import Context
from bot.dispatch import Dispatcher
from bot.errors import UserError
from bot.markdown import escape
from bot.replies import Action, Answer, FieldKind, Form, FormField, Image, Reply
from bot.settings import Settings
from tests.fakes.slack_fake import TEAM_ID, FakeSlack

SECRET = "test-signing-secret"
TOKEN = "xoxb-test-bot-token"
APP_TOKEN = "xapp-test-app-token"
ADA, BOB, ORGANIZER = "UADA", "UBOB", "UORGANIZER"
CHANNEL = "CGENERAL"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture(autouse=True)
def _loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack-sdk picks up proxy variables; these tests talk to 127.0.0.1 only."""
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    slack = FakeSlack()
    await slack.start()
    slack.add_user(ADA, "Ada")
    slack.add_user(BOB, "Bob")
    slack.add_user(ORGANIZER, "Grace", admin=True)
    yield slack
    await slack.close()


def slack_settings(fake: FakeSlack, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": TOKEN,
        "slack_signing_secret": SECRET,
        "slack_api_url": fake.api_url,
        **overrides,
    }
    return Settings(_env_file=None, **values)


def sign(body: str, timestamp: int, secret: str = SECRET) -> str:
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body)
    assert signature is not None
    return signature


class SlackHarness:
    """Sends what Slack would send to the app served at `url`, signed with its secret. With
    the `adapter` at hand, each interaction returns once the work it started is done."""

    def __init__(self, fake: FakeSlack, url: str, adapter: SlackAdapter | None = None) -> None:
        self.fake = fake
        self.url = url
        self.adapter = adapter
        self._triggers = 0

    async def settle(self) -> None:
        if self.adapter is not None:
            await self.adapter.settle()

    async def send(
        self,
        body: str,
        *,
        content_type: str = "application/x-www-form-urlencoded",
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, str]:
        stamp = int(time.time()) if timestamp is None else timestamp
        sent = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(stamp),
            "X-Slack-Signature": signature or sign(body, stamp),
            **(headers or {}),
        }
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.url, data=body.encode(), headers=sent) as response,
        ):
            return response.status, await response.text()

    def trigger(self) -> str:
        self._triggers += 1
        return f"trigger-{self._triggers}"

    def command_body(
        self, text: str, *, user: str = ADA, respond_to: str = "r", channel: str = CHANNEL
    ) -> str:
        return urlencode(
            {
                "token": "unused",
                "team_id": TEAM_ID,
                "team_domain": "cohort-test",
                "channel_id": channel,
                "channel_name": "general",
                "user_id": user,
                "user_name": user.lower(),
                "command": "/cohort",
                "text": text,
                "api_app_id": "ACOHORT",
                "response_url": self.fake.response_url(respond_to),
                "trigger_id": self.trigger(),
            }
        )

    async def command(
        self, text: str, *, user: str = ADA, respond_to: str = "r", channel: str = CHANNEL
    ) -> int:
        """`/cohort <text>`; returns the HTTP status of the acknowledgement, once the work
        it started is done."""
        status, _ = await self.send(
            self.command_body(text, user=user, respond_to=respond_to, channel=channel)
        )
        await self.settle()
        return status

    async def interact(self, payload: dict[str, Any]) -> tuple[int, str]:
        result = await self.send(urlencode({"payload": json.dumps(payload)}))
        await self.settle()
        return result

    async def press(
        self,
        button: dict[str, Any],
        *,
        user: str = ADA,
        respond_to: str | None = None,
        view: dict[str, Any] | None = None,
    ) -> tuple[int, str]:
        """Press a button taken from blocks the app sent: in a message answered through
        `respond_to`, or in a view (the App Home, a modal)."""
        payload: dict[str, Any] = {
            "type": "block_actions",
            "team": {"id": TEAM_ID, "domain": "cohort-test"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "api_app_id": "ACOHORT",
            "trigger_id": self.trigger(),
            "actions": [
                {
                    "type": "button",
                    "block_id": "b1",
                    "action_id": button["action_id"],
                    "value": button["value"],
                    "text": button["text"],
                    "action_ts": "1800000000.000001",
                }
            ],
        }
        if respond_to is not None:
            payload["container"] = {"type": "message", "channel_id": CHANNEL}
            payload["channel"] = {"id": CHANNEL, "name": "general"}
            payload["response_url"] = self.fake.response_url(respond_to)
        if view is not None:
            payload["container"] = {"type": "view", "view_id": view["id"]}
            payload["view"] = view
        return await self.interact(payload)

    async def submit(
        self, view: dict[str, Any], values: dict[str, str], *, user: str = ADA
    ) -> tuple[int, str]:
        """Submit a modal the app opened, with `values` typed into its inputs or chosen in
        its menus (by option value, "" for none; it must be one of the menu's options)."""
        elements = {
            b["block_id"]: b["element"] for b in view.get("blocks", []) if b["type"] == "input"
        }
        state: dict[str, Any] = {}
        for name, value in values.items():
            element = elements.get(name, {"type": "plain_text_input"})
            if element["type"] == "static_select":
                chosen = [o for o in element["options"] if o["value"] == value]
                assert chosen or not value, f"{value} is not an option of {name}"
                selected = chosen[0] if chosen else None
                state[name] = {"value": {"type": "static_select", "selected_option": selected}}
            else:
                state[name] = {"value": {"type": "plain_text_input", "value": value}}
        payload = {
            "type": "view_submission",
            "team": {"id": TEAM_ID, "domain": "cohort-test"},
            "user": {"id": user, "username": user.lower(), "team_id": TEAM_ID},
            "api_app_id": "ACOHORT",
            "trigger_id": self.trigger(),
            "view": {**view, "state": {"values": state}},
        }
        return await self.interact(payload)

    def event_body(self, event: dict[str, Any], event_id: str) -> str:
        return json.dumps(
            {
                "token": "unused",
                "team_id": TEAM_ID,
                "api_app_id": "ACOHORT",
                "event": event,
                "type": "event_callback",
                "event_id": event_id,
                "event_time": 1_800_000_000,
            }
        )

    async def event(self, event: dict[str, Any], *, event_id: str, retry: int | None = None) -> int:
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        status, _ = await self.send(
            self.event_body(event, event_id),
            content_type="application/json",
            headers=headers if retry is not None else None,
        )
        await self.settle()
        return status


def home_opened(user: str) -> dict[str, Any]:
    return {"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home"}


ServeSlack = Callable[..., Awaitable[SlackHarness]]


@pytest.fixture
async def serve_slack(cohort: Cohort, fake: FakeSlack) -> AsyncIterator[ServeSlack]:
    """Starts the app on 127.0.0.1:0 for the core's dispatcher, or for a given one."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(dispatcher: Dispatcher | None = None) -> SlackHarness:
            session = await stack.enter_async_context(aiohttp.ClientSession())
            client = build_client(slack_settings(fake), session)
            adapter = SlackAdapter(
                dispatcher or cohort.dispatcher, client, signing_secret=SECRET, session=session
            )
            runner = await start_http(adapter.app, "127.0.0.1", 0)
            stack.push_async_callback(runner.cleanup)
            stack.push_async_callback(adapter.settle)
            url = f"http://127.0.0.1:{bound_port(runner)}/slack/events"
            return SlackHarness(fake, url, adapter)

        yield start


@pytest.fixture
async def slack(serve_slack: ServeSlack) -> SlackHarness:
    return await serve_slack()


# --- Test-only commands: a form, and a reply with a picture ---------------------------------

NOTE_FORM_TITLE = "Weekly note"


def extra_commands(notes: list[str]) -> tuple[Command, ...]:
    """`note` asks for its text with a form, like the check-in does; `card` answers with a
    PNG card. `notes` collects every note accepted."""

    async def note(ctx: Context, args: Args) -> Answer:
        text = args.text("text")
        if text is None:
            return Form(
                NOTE_FORM_TITLE,
                ("note",),
                fields=(
                    FormField(
                        "text",
                        "What did you do this week?",
                        required=True,
                        kind=FieldKind.LONG_TEXT,
                        max_length=500,
                    ),
                    FormField("mood", "Mood", value=args.text("mood") or ""),
                ),
                intro="A few words for your cohort.",
            )
        if len(text) < 5:
            raise UserError("Write at least five characters.")
        notes.append(text)
        return Reply(
            title="Noted",
            body=f"{escape(ctx.caller.display_name)} wrote: {escape(text)}",
            actions=(Action("My profile", "profile show"),),
            private=False,
        )

    async def card(ctx: Context, args: Args) -> Answer:
        return Reply(title="Your card", image=Image("card.png", PNG, "Ada's progress card"))

    return (
        Command(
            "note",
            "Write a weekly note",
            note,
            options=(Option("text", "The note", max_length=500), Option("mood", "Your mood")),
        ),
        Command("card", "Your progress card", card),
    )


def extended(cohort: Cohort, notes: list[str]) -> Dispatcher:
    catalogue = Catalogue((*cohort.catalogue.commands, *extra_commands(notes)))
    return Dispatcher(catalogue, cohort.communities, cohort.clock)
