"""Runs Cohort on Slack: Socket Mode when SLACK_APP_TOKEN is set, HTTP mode otherwise, plus
the outbox drainer, until cancelled. With SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, workspaces
install Cohort through /slack/install (served in either mode) instead of one SLACK_BOT_TOKEN."""

from __future__ import annotations

import asyncio
import contextlib
import logging

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_sdk.web.async_client import AsyncWebClient

from adapters.http import LIVE_PATH, add_ops_routes, bound_port, start
from adapters.slack.app import SlackAdapter
from adapters.slack.client import build_client
from adapters.slack.installations import SlackInstallationStore, SlackStateStore
from adapters.slack.memory import SharedEvents
from adapters.slack.oauth import Installs
from adapters.slack.sender import SlackSender
from bot.app import Cohort
from bot.installations.service import InstallationService
from bot.settings import Settings

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
INSTALL_PATH = "/slack/install"  # Bolt's paths for the install flow
REDIRECT_PATH = "/slack/oauth_redirect"
HEALTH_PATH = LIVE_PATH
SETTLE_SECONDS = 10.0  # how long a shutdown waits for acknowledged work to finish


def http_app(bolt: AsyncApp, cohort: Cohort | None = None) -> web.Application:
    """Slack's requests at /slack/events (Bolt checks the signature and that the timestamp is
    within 300 s of now, else 401), and with `cohort` its /healthz, /readyz and /metrics."""

    async def events(request: web.Request) -> web.Response:
        # Bolt would fail with a 500 on a timestamp that is not a number; it is a bad
        # signature like any other.
        if not request.headers.get("X-Slack-Request-Timestamp", "").isdigit():
            return web.json_response({"error": "invalid request"}, status=401)
        response = await bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    app = web.Application()
    app.router.add_post(EVENTS_PATH, events)
    if bolt.oauth_flow is not None:
        _add_install_routes(app, bolt.oauth_flow)
    if cohort is not None:
        add_ops_routes(app, cohort)
    return app


def _add_install_routes(app: web.Application, flow: AsyncOAuthFlow) -> None:
    """The "Add to Slack" page and the page Slack sends the installer back to."""

    async def install(request: web.Request) -> web.Response:
        return await to_aiohttp_response(
            await flow.handle_installation(await to_bolt_request(request))
        )

    async def redirected(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

    app.router.add_get(flow.install_path, install)
    app.router.add_get(flow.redirect_uri_path, redirected)


async def start_http(
    bolt: AsyncApp, host: str, port: int, cohort: Cohort | None = None
) -> web.AppRunner:
    """Serve `http_app` on host:port (port 0 picks a free one; see `bound_port`)."""
    return await start(http_app(bolt, cohort), host, port)


async def serve(cohort: Cohort, settings: Settings) -> None:
    """Answer Slack and deliver Cohort's Slack outbox until cancelled, then stop receiving,
    let acknowledged work finish (up to 10 s) and stop the drainer. An outbox row cut off
    mid-delivery is picked up again once its lease ends, as `recovering`."""
    if settings.slack_bot_token is None and not settings.slack_oauth:
        raise ValueError("SLACK_BOT_TOKEN (or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET) is not set")
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else None
    secret = settings.slack_signing_secret
    if app_token is None and (secret is None or not secret.get_secret_value().strip()):
        raise ValueError("Slack needs SLACK_APP_TOKEN (Socket Mode) or SLACK_SIGNING_SECRET")
    cohort.health.lost("slack")  # not ready until connected (or listening)
    async with aiohttp.ClientSession() as session:
        client = build_client(settings, session)
        installs = _installs(cohort, settings, client) if settings.slack_oauth else None
        adapter = SlackAdapter(
            cohort.dispatcher,
            client,
            signing_secret=secret.get_secret_value() if secret else None,
            session=session,
            events=SharedEvents(cohort.db, cohort.clock),
            oauth=installs.settings if installs else None,
        )
        sender = SlackSender(client)
        if installs is not None:
            installs.listen(adapter.app)
            sender = SlackSender(client, tokens=installs.tokens(client))
        drainer = asyncio.create_task(cohort.drainer(sender).run())
        runner = None
        try:
            if settings.slack_serves_http:
                runner = await start_http(
                    adapter.app, settings.http_host, settings.http_port, cohort
                )
                log.info(
                    "Slack %s: listening on http://%s:%s%s",
                    "installs" if app_token else "HTTP mode",
                    settings.http_host,
                    bound_port(runner),
                    INSTALL_PATH if app_token else EVENTS_PATH,
                )
            if app_token is not None:
                await _socket_mode(cohort, adapter.app, app_token)
            else:
                cohort.health.watch("slack", _serving)
                await asyncio.Event().wait()
        finally:
            cohort.health.lost("slack")
            if runner is not None:
                await runner.cleanup()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(adapter.settle(), SETTLE_SECONDS)
            drainer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await drainer


def _installs(cohort: Cohort, settings: Settings, client: AsyncWebClient) -> Installs:
    service = cohort.services.get(InstallationService)
    return Installs(
        settings,
        SlackInstallationStore(service, cohort.clock),
        SlackStateStore(service, cohort.clock),
        cohort.communities,
        cohort.clock,
        client,
    )


async def _serving() -> bool:
    return True  # HTTP mode is connected while its server listens


async def _socket_mode(cohort: Cohort, bolt: AsyncApp, app_token: str) -> None:
    handler = AsyncSocketModeHandler(bolt, app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]  # untyped in slack-bolt
    log.info("Slack Socket Mode: connected")
    cohort.health.watch("slack", handler.client.is_connected)
    try:
        await asyncio.Event().wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]  # untyped in slack-bolt
