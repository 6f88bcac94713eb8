"""Many workspaces: Slack's OAuth v2 install flow and what an uninstall does.

`/slack/install` shows the "Add to Slack" page, `/slack/oauth_redirect` finishes the install
(Bolt's flow, on Cohort's stores); a workspace installed again resumes its community. When a
workspace uninstalls Cohort (`app_uninstalled`) or revokes its bot token (`tokens_revoked`),
its install is deleted and its community paused: nothing of it is deleted, and the outbox holds
its posts (nothing more is sent there) until it is installed again.

Each request is authorised with its workspace's install, looked up in the database every
time; Bolt's `auth.test` of the install's bot token (who the bot is there) is asked of Slack
once per token and remembered (`CachedAuthorize`), not once per request. The install is still
read first on every request, and the remembered answer is found by the token it holds: a
workspace whose install was deleted (uninstalled, or its bot token revoked, whichever process
handled the event) is refused from the next request on, and a rotated token is checked anew.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from logging import Logger
from typing import Any
from urllib.parse import urljoin

from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.convert import community
from adapters.slack.installations import SlackInstallationStore, SlackStateStore, WorkspaceTokens
from bot.clock import Clock
from bot.communities.service import CommunityService
from bot.settings import Settings

log = logging.getLogger(__name__)

REMEMBERED = 10_000  # auth.test answers kept, one per bot token: past this, the oldest go


class _Remembered(OrderedDict[str, AuthorizeResult]):
    """Bolt's cache of `auth.test` answers by token, bounded: rotated tokens (a new one every
    twelve hours per workspace) would otherwise pile up for as long as the process runs."""

    def __setitem__(self, token: str, result: AuthorizeResult) -> None:
        super().__setitem__(token, result)
        while len(self) > REMEMBERED:
            self.popitem(last=False)


class CachedAuthorize(AsyncInstallationStoreAuthorize):
    """Bolt's installation-store authorisation with its `auth.test` cache on, bounded, and
    an entry dropped when its workspace's install is removed. Bolt reads the install before
    the cache on every request, so a deleted install is never served from the cache; dropping
    the entry frees it at once in the process that handled the event."""

    def __init__(
        self,
        *,
        logger: Logger,
        store: SlackInstallationStore,
        client_id: str,
        client_secret: str,
        rotate_minutes: int,
        client: AsyncWebClient,
    ) -> None:
        super().__init__(
            logger=logger,
            installation_store=store,
            client_id=client_id,
            client_secret=client_secret,
            token_rotation_expiration_minutes=rotate_minutes,
            cache_enabled=True,
            client=client,  # the rotator's: Slack's address as the settings give it
        )
        self.authorize_result_cache = _Remembered()

    def forget(self, token: str | None) -> None:
        if token:
            self.authorize_result_cache.pop(token, None)


def authorization_url(api_url: str) -> str:
    """Slack's authorize page, beside its Web API (https://slack.com/oauth/v2/authorize)."""
    return urljoin(api_url, "../oauth/v2/authorize")


class Installs:
    """The install flow's settings and the uninstall listeners, on one community service."""

    def __init__(
        self,
        settings: Settings,
        store: SlackInstallationStore,
        states: SlackStateStore,
        communities: CommunityService,
        clock: Clock,
        client: AsyncWebClient,
    ) -> None:
        if settings.slack_client_id is None or settings.slack_client_secret is None:
            raise ValueError("Slack installs need SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
        self.store = store
        self._communities = communities
        self._clock = clock
        self.settings = AsyncOAuthSettings(
            client_id=settings.slack_client_id,
            client_secret=settings.slack_client_secret.get_secret_value(),
            scopes=[s.strip() for s in settings.slack_scopes.split(",") if s.strip()],
            user_scopes=[],  # bot scopes only: Cohort holds no member's own token
            redirect_uri=settings.slack_redirect_uri,
            authorization_url=authorization_url(settings.slack_api_url),
            installation_store=store,
            state_store=states,
            token_rotation_expiration_minutes=settings.slack_token_rotation_expiration_minutes,
            callback_options=AsyncCallbackOptions(success=self._installed, failure=_failed),
            logger=log,
        )
        # What Bolt authorises each request with (SlackAdapter passes it to the app).
        self.authorize = CachedAuthorize(
            logger=log,
            store=store,
            client_id=self.settings.client_id,
            client_secret=self.settings.client_secret,
            rotate_minutes=settings.slack_token_rotation_expiration_minutes,
            client=client,
        )
        self.settings.authorize = self.authorize

    def tokens(self, client: AsyncWebClient) -> WorkspaceTokens:
        """Each workspace's bot token for the outbox, rotated as a request's would be."""
        return WorkspaceTokens(
            self.store,
            client,
            self.settings.client_id,
            self.settings.client_secret,
            self.settings.token_rotation_expiration_minutes,
        )

    def listen(self, app: AsyncApp) -> None:
        """Handle uninstalls and revoked bot tokens on `app` (Bolt acknowledges events)."""
        app.event("app_uninstalled")(self._uninstalled)
        app.event("tokens_revoked")(self._revoked)

    async def _installed(self, args: AsyncSuccessArgs) -> BoltResponse:
        team_id = args.installation.team_id
        if team_id:
            await self._communities.resume(community(team_id), self._clock.now())
        log.info("Cohort was installed in Slack workspace %s", team_id)
        return await args.default.success(args)

    async def _uninstalled(self, body: dict[str, Any]) -> None:
        await self._remove(body, "the app was uninstalled")

    async def _revoked(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        if (event.get("tokens") or {}).get("bot"):
            await self._remove(body, "its bot token was revoked")

    async def _remove(self, body: dict[str, Any], why: str) -> None:
        team_id, enterprise_id = body.get("team_id"), body.get("enterprise_id")
        removed = await self.store.async_find_installation(
            enterprise_id=enterprise_id, team_id=team_id, is_enterprise_install=team_id is None
        )
        await self.store.async_delete_all(enterprise_id=enterprise_id, team_id=team_id)
        if removed is not None:
            self.authorize.forget(removed.bot_token)
        if team_id:
            await self._communities.pause(community(team_id), self._clock.now())
        log.warning("Slack workspace %s paused: %s; its posts wait for a new install", team_id, why)


async def _failed(args: AsyncFailureArgs) -> BoltResponse:
    log.warning("a Slack install failed: %s", args.reason)
    return await args.default.failure(args)
