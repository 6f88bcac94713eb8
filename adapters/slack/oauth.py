"""Many workspaces: Slack's OAuth v2 install flow and what an uninstall does.

`/slack/install` shows the "Add to Slack" page, `/slack/oauth_redirect` finishes the install
(Bolt's flow, on Cohort's stores); a workspace installed again resumes its community. When a
workspace uninstalls Cohort (`app_uninstalled`) or revokes its bot token (`tokens_revoked`),
its install is deleted and its community paused: nothing of it is deleted, and the outbox holds
its posts (nothing more is sent there) until it is installed again.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urljoin

from slack_bolt.async_app import AsyncApp
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
        team_id = body.get("team_id")
        await self.store.async_delete_all(enterprise_id=body.get("enterprise_id"), team_id=team_id)
        if team_id:
            await self._communities.pause(community(team_id), self._clock.now())
        log.warning("Slack workspace %s paused: %s; its posts wait for a new install", team_id, why)


async def _failed(args: AsyncFailureArgs) -> BoltResponse:
    log.warning("a Slack install failed: %s", args.reason)
    return await args.default.failure(args)
