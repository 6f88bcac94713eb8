"""Many workspaces, end to end: two workspaces install Cohort through the real install pages
of `serve`, each command and each outbox post uses its own workspace's token, and a workspace
that uninstalls is paused (nothing more is sent there) until it installs again."""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import logging
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest

from adapters.slack.convert import community
from adapters.slack.serve import serve
from bot.app import Cohort
from bot.installations.service import InstallationService
from bot.logs import RedactSecrets
from bot.outbox import Target
from bot.replies import Reply
from bot.settings import Settings
from bot.storage.tables import installations, outbox
from tests.adapters.slack.conftest import APP_TOKEN, SECRET, SlackHarness
from tests.adapters.slack.test_serve import free_port, get_until_up
from tests.fakes.slack_fake import FakeSlack
from tests.support import queue_message, table_rows

CLIENT_ID = "1111.2222"
CLIENT_SECRET = "test-client-secret"
ALPHA, BETA = "TALPHA", "TBETA"
CHANNELS = {ALPHA: "CALPHA", BETA: "CBETA"}
USERS = {ALPHA: "UALICE", BETA: "UBRUNO"}
STATE_COOKIE = "slack-app-oauth-state"


@pytest.fixture
def workspaces(fake: FakeSlack) -> FakeSlack:
    fake.enable_oauth(CLIENT_ID, CLIENT_SECRET)
    for team, name in ((ALPHA, "Alpha"), (BETA, "Beta")):
        fake.add_workspace(team, name, channels=(CHANNELS[team],))
        fake.add_user(USERS[team], name + " member", team_id=team)
    return fake


class Served:
    """`serve` with Slack installs on, on a free port, and what a browser and Slack send it."""

    def __init__(self, cohort: Cohort, fake: FakeSlack, port: int) -> None:
        self.cohort = cohort
        self.fake = fake
        self.base = f"http://127.0.0.1:{port}"
        self.slack = SlackHarness(fake, f"{self.base}/slack/events")

    async def install(self, team: str) -> str:
        """An admin of `team` opens the install page, approves on Slack and comes back:
        the page Cohort shows at the end."""
        async with aiohttp.ClientSession() as browser:
            async with browser.get(f"{self.base}/slack/install") as page:
                assert page.status == 200
                cookie = page.cookies[STATE_COOKIE].value
                link = re.search(r'href="([^"]*/oauth/v2/authorize[^"]*)"', await page.text())
            assert link is not None
            approve = f"{html.unescape(link.group(1))}&team={team}"
            async with browser.get(approve, allow_redirects=False) as slack:
                assert slack.status == 302, await slack.text()
                back = slack.headers["Location"]
            assert back.startswith(f"{self.base}/slack/oauth_redirect?")
            headers = {"Cookie": f"{STATE_COOKIE}={cookie}"}
            async with browser.get(back, headers=headers) as done:
                assert done.status == 200, await done.text()
                return await done.text()

    async def command(self, team: str, text: str, respond_to: str) -> None:
        status, _ = await self.slack.send(urlencode(self.command_payload(team, text, respond_to)))
        assert status == 200

    def command_payload(self, team: str, text: str, respond_to: str) -> dict[str, str]:
        return {
            "team_id": team,
            "channel_id": CHANNELS[team],
            "user_id": USERS[team],
            "user_name": USERS[team].lower(),
            "command": "/cohort",
            "text": text,
            "api_app_id": "ACOHORT",
            "response_url": self.fake.response_url(respond_to),
            "trigger_id": f"trigger-{respond_to}",
        }

    async def event(self, team: str, event: dict[str, Any], event_id: str) -> None:
        body = json.dumps(
            {
                "team_id": team,
                "api_app_id": "ACOHORT",
                "event": event,
                "type": "event_callback",
                "event_id": event_id,
                "event_time": 1_800_000_000,
            }
        )
        status, _ = await self.slack.send(body, content_type="application/json")
        assert status == 200

    async def post(self, team: str, key: str) -> None:
        target = Target.channel(CHANNELS[team])
        await queue_message(self.cohort, key, target, Reply(body=key), community(team))
        self.cohort.wake_senders()


def settings_for(fake: FakeSlack, port: int, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_client_id": CLIENT_ID,
        "slack_client_secret": CLIENT_SECRET,
        "slack_signing_secret": SECRET,
        "slack_api_url": fake.api_url,
        "slack_redirect_uri": f"http://127.0.0.1:{port}/slack/oauth_redirect",
        "http_host": "127.0.0.1",
        "http_port": port,
        **overrides,
    }
    return Settings(_env_file=None, **values)


@contextlib.asynccontextmanager
async def serving(cohort: Cohort, fake: FakeSlack, **overrides: Any) -> AsyncIterator[Served]:
    port = free_port()
    task = asyncio.create_task(serve(cohort, settings_for(fake, port, **overrides)))
    try:
        assert await get_until_up(f"http://127.0.0.1:{port}/healthz") == 200
        yield Served(cohort, fake, port)
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def posts_in(fake: FakeSlack, team: str) -> list[tuple[str, str | None]]:
    """(outbox key, workspace of the token) of every post in the team's channel."""
    return [
        (c.params["metadata"]["event_payload"]["key"], fake.team_of(c.token))
        for c in fake.calls_to("chat.postMessage")
        if c.params["channel"] == CHANNELS[team]
    ]


async def until(condition: Any, seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while True:
            if await condition():
                return
            await asyncio.sleep(0.02)


async def test_two_workspaces_install_work_apart_and_an_uninstalled_one_is_paused_until_back(
    cohort: Cohort, workspaces: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # slack_sdk then logs install answers, tokens included
    caplog.handler.addFilter(RedactSecrets([], settings_for(workspaces, 0).secret_patterns()))
    fake = workspaces
    async with serving(cohort, fake) as served:
        for team in (ALPHA, BETA):
            await served.install(team)
        assert sorted(r["workspace"] for r in await table_rows(cohort, installations)) == [
            ALPHA,
            BETA,
        ]
        first_beta_token = next(t for t, v in fake.tokens.items() if v.team_id == BETA)

        # A command in each workspace is answered with that workspace's token.
        for team in (ALPHA, BETA):
            await served.command(team, "help", respond_to=team)
            await fake.wait_for("respond", count=1 if team == ALPHA else 2)
        looked_up = {c.params["user"]: fake.team_of(c.token) for c in fake.calls_to("users.info")}
        assert looked_up == {USERS[ALPHA]: ALPHA, USERS[BETA]: BETA}

        # An outbox post to each workspace goes with its own token.
        await served.post(ALPHA, "challenge:alpha:1")
        await served.post(BETA, "challenge:beta:1")
        await fake.wait_for("chat.postMessage", count=2)
        assert posts_in(fake, ALPHA) == [("challenge:alpha:1", ALPHA)]
        assert posts_in(fake, BETA) == [("challenge:beta:1", BETA)]

        # Beta uninstalls: its tokens stop working and Slack says so.
        fake.uninstall(BETA)
        await served.event(BETA, {"type": "app_uninstalled"}, event_id="EvGone")
        await until(lambda: _paused(cohort, BETA))
        assert [r["workspace"] for r in await table_rows(cohort, installations)] == [ALPHA]

        await served.post(BETA, "challenge:beta:2")
        await served.post(ALPHA, "challenge:alpha:2")
        await fake.wait_for("chat.postMessage", count=3)
        await served.command(ALPHA, "help", respond_to="alpha-again")
        await fake.wait_for("respond", count=3)
        cohort.wake_senders()  # one more drain: Beta's post stays held
        await asyncio.sleep(0.2)
        assert posts_in(fake, BETA) == [("challenge:beta:1", BETA)]
        held = {r["key"]: r["status"] for r in await table_rows(cohort, outbox)}
        assert held["challenge:beta:2"] == "pending"
        assert posts_in(fake, ALPHA)[-1] == ("challenge:alpha:2", ALPHA)

        # Installed again: the community resumes and its held post goes, with the new token.
        await served.install(BETA)
        assert not await _paused(cohort, BETA)
        cohort.wake_senders()
        await fake.wait_for("chat.postMessage", count=4)
        again = fake.calls_to("chat.postMessage")[-1]
        assert again.token != first_beta_token
        assert fake.team_of(again.token) == BETA
        assert posts_in(fake, BETA) == [("challenge:beta:1", BETA), ("challenge:beta:2", BETA)]
    assert len(fake.tokens) == 3  # Alpha's, Beta's, and Beta's again
    for secret in [CLIENT_SECRET, *fake.tokens]:
        assert secret not in caplog.text


async def _paused(cohort: Cohort, team: str) -> bool:
    return await cohort.communities.paused_since(community(team)) is not None


async def test_rotating_tokens_are_refreshed_for_requests_and_outbox_posts(
    cohort: Cohort, workspaces: FakeSlack
) -> None:
    fake = workspaces
    # Tokens last an hour; Cohort refreshes those that expire within two.
    fake.enable_oauth(CLIENT_ID, CLIENT_SECRET, token_expires_in=3600)
    async with serving(cohort, fake, slack_token_rotation_expiration_minutes=120) as served:
        await served.install(ALPHA)
        (installed,) = fake.tokens
        await served.command(ALPHA, "help", respond_to="rotated")
        await fake.wait_for("respond")
        (lookup,) = fake.calls_to("users.info")
        assert lookup.token != installed
        assert fake.team_of(lookup.token) == ALPHA
        await served.post(ALPHA, "challenge:alpha:rotated")
        (posted,) = await fake.wait_for("chat.postMessage")
        assert posted.token not in (installed, None)
        assert fake.team_of(posted.token) == ALPHA
    refreshes = [
        c for c in fake.calls_to("oauth.v2.access") if c.params.get("grant_type") == "refresh_token"
    ]
    assert len(refreshes) >= 2
    (row,) = await table_rows(cohort, installations)
    assert json.loads(row["data"])["bot_token"] == posted.token


@pytest.mark.parametrize(("bot_tokens", "paused"), [(["UTALPHABOT"], True), ([], False)])
async def test_revoked_bot_tokens_pause_the_workspace_and_revoked_user_tokens_do_not(
    cohort: Cohort, workspaces: FakeSlack, bot_tokens: list[str], paused: bool
) -> None:
    async with serving(cohort, workspaces) as served:
        await served.install(ALPHA)
        revoked = {"type": "tokens_revoked", "tokens": {"oauth": ["UALICE"], "bot": bot_tokens}}
        await served.event(ALPHA, revoked, event_id="EvRevoked")
        await asyncio.sleep(0.2 if not paused else 0)
        if paused:
            await until(lambda: _paused(cohort, ALPHA))
        assert await _paused(cohort, ALPHA) is paused
        assert len(await table_rows(cohort, installations)) == (0 if paused else 1)


async def test_auth_test_is_asked_once_per_workspace_token_however_many_requests(
    cohort: Cohort, workspaces: FakeSlack
) -> None:
    fake = workspaces
    requests = 4
    async with serving(cohort, fake) as served:
        for team in (ALPHA, BETA):
            await served.install(team)
        before = len(fake.calls_to("auth.test"))  # the install flow asks once of its own
        for n in range(requests):
            for team in (ALPHA, BETA):
                await served.command(team, "help", respond_to=f"{team}-{n}")
                await fake.wait_for("respond", count=2 * n + (1 if team == ALPHA else 2))
    asked = fake.calls_to("auth.test")[before:]
    assert sorted(fake.team_of(c.token) for c in asked) == [ALPHA, BETA]
    for n in range(requests):
        for team in (ALPHA, BETA):
            (answer,) = fake.responses(f"{team}-{n}")
            assert answer["blocks"][0]["text"]["text"] == "Cohort commands"


@pytest.mark.parametrize("removal", ["app_uninstalled", "tokens_revoked", "another process"])
async def test_a_removed_install_is_not_served_from_the_auth_test_cache(
    cohort: Cohort, workspaces: FakeSlack, removal: str
) -> None:
    fake = workspaces  # the old token still works on the fake: only Cohort can refuse it
    async with serving(cohort, fake) as served:
        await served.install(ALPHA)
        await served.command(ALPHA, "help", respond_to="cached")
        await fake.wait_for("respond")
        (old,) = fake.tokens
        if removal == "another process":  # which has no cache entry of this one's to drop
            await cohort.services.get(InstallationService).delete("slack", ALPHA)
        else:
            revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UTALPHABOT"]}}
            event = revoked if removal == "tokens_revoked" else {"type": removal}
            await served.event(ALPHA, event, event_id=f"Ev{removal}")
            await until(lambda: _paused(cohort, ALPHA))
        since = len(fake.calls)
        await served.command(ALPHA, "help", respond_to="after")
        refused = (await fake.wait_for("respond", count=2))[-1]
    assert refused.params["name"] == "after"
    assert "no longer available" in refused.params["text"]
    assert [c.method for c in fake.calls[since:] if c.token == old] == []


async def test_socket_mode_serves_the_install_pages_and_answers_each_workspace(
    cohort: Cohort, workspaces: FakeSlack
) -> None:
    fake = workspaces
    overrides = {"slack_app_token": APP_TOKEN, "slack_signing_secret": None}
    async with serving(cohort, fake, **overrides) as served:
        await served.install(BETA)
        await fake.wait_for("socket-open")
        envelope = {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": served.command_payload(BETA, "help", respond_to="socket"),
        }
        await fake.socket_send(envelope)
        (answer,) = await fake.wait_for("respond")
        assert answer.params["blocks"][0]["text"]["text"] == "Cohort commands"
    (lookup,) = fake.calls_to("users.info")
    assert fake.team_of(lookup.token) == BETA
