"""Bolt's installation and OAuth state stores on Cohort's database (the installations feature),
and the bot token of each workspace for the outbox, refreshed when Slack rotates tokens.

One install is kept per workspace (or per organisation, for an org-wide install): the latest.
Cohort asks for bot scopes only, so an install holds no user token; the installer's id is kept
apart from the record so that forgetting them (`forget-me`) leaves the workspace working.
Tokens are stored as Slack gave them (see docs/operations.md: protect the database as the
`.env`); they are never logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from slack_sdk.errors import SlackTokenRotationError
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.oauth.token_rotation.async_rotator import AsyncTokenRotator
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.client import error_code
from bot.clock import Clock
from bot.identity import Platform
from bot.installations import model
from bot.installations.service import InstallationService
from bot.outbox import PermanentFailure, RetryLater

log = logging.getLogger(__name__)

PLATFORM = Platform.SLACK.value
STATE_LIFETIME = timedelta(minutes=10)  # Bolt's default: an install page is good for this long
_BOT_FIELDS = ("bot_token", "bot_id", "bot_user_id", "bot_scopes", "bot_refresh_token")


def workspace_key(enterprise_id: str | None, team_id: str | None, org_wide: bool | None) -> str:
    """The workspace an install belongs to: the organisation for an org-wide install."""
    key = enterprise_id if org_wide else team_id
    return key or ""


def _encode(installation: Installation) -> str:
    values = installation.to_dict_for_copying()
    values.pop("user_id", None)  # kept in its own column, which forget-me clears
    return json.dumps({k: _plain(k, v) for k, v in values.items()}, separators=(",", ":"))


def _plain(name: str, value: Any) -> Any:
    """Times as the numbers `Installation` takes back: whole seconds for an expiry."""
    if not isinstance(value, datetime):
        return value
    return int(value.timestamp()) if name.endswith("expires_at") else value.timestamp()


def _decode(found: model.Installation) -> Installation:
    values: dict[str, Any] = json.loads(found.data)
    return Installation(user_id=found.installer_user_id, **values)  # type: ignore[arg-type]


class SlackInstallationStore(AsyncInstallationStore):
    """Bolt's `AsyncInstallationStore` on the installations feature: `save` replaces the
    workspace's install (a reinstall, rotated tokens); `find_*` read it; `delete_*` forget it."""

    def __init__(self, installations: InstallationService, clock: Clock) -> None:
        self._installations = installations
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        key = workspace_key(
            installation.enterprise_id, installation.team_id, installation.is_enterprise_install
        )
        await self._installations.save(
            model.Installation(
                PLATFORM, key, installation.user_id, _encode(installation), self._clock.now()
            )
        )

    async def async_save_bot(self, bot: Bot) -> None:
        installation = await self.async_find_installation(
            enterprise_id=bot.enterprise_id,
            team_id=bot.team_id,
            is_enterprise_install=bot.is_enterprise_install,
        )
        if installation is None:
            return
        for name in (*_BOT_FIELDS, "bot_token_expires_at"):
            setattr(installation, name, getattr(bot, name))
        await self.async_save(installation)

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        key = workspace_key(enterprise_id, team_id, is_enterprise_install)
        found = await self._installations.find(PLATFORM, key)
        if found is None or (user_id is not None and user_id != found.installer_user_id):
            return None  # one install per workspace: no other member has one of their own
        return _decode(found)

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        installation = await self.async_find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        return None if installation is None else installation.to_bot()

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_installation(
        self, *, enterprise_id: str | None, team_id: str | None, user_id: str | None = None
    ) -> None:
        if user_id is not None:
            return  # Cohort holds no user's own install: nothing of theirs to delete
        # Without a team, the organisation's org-wide install.
        key = workspace_key(enterprise_id, team_id, org_wide=team_id is None)
        if key:
            await self._installations.delete(PLATFORM, key)

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        await self.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)


class SlackStateStore(AsyncOAuthStateStore):
    """Bolt's `AsyncOAuthStateStore` on the database: a random state per install page, usable
    once within ten minutes, so any process may finish an install another one started."""

    def __init__(
        self,
        installations: InstallationService,
        clock: Clock,
        lifetime: timedelta = STATE_LIFETIME,
    ) -> None:
        self._installations = installations
        self._clock = clock
        self._lifetime = lifetime

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        await self._installations.issue_state(state, self._clock.now(), self._lifetime)
        return state

    async def async_consume(self, state: str) -> bool:
        return await self._installations.consume_state(state, self._clock.now())


class WorkspaceTokens:
    """The bot token of each installed workspace, for the outbox: rotated first when it
    expires within `rotate_minutes` (Slack's token rotation), the new one saved for every
    process. One rotation at a time per process, so two deliveries never both refresh."""

    def __init__(
        self,
        store: SlackInstallationStore,
        client: AsyncWebClient,
        client_id: str,
        client_secret: str,
        rotate_minutes: int,
    ) -> None:
        self._store = store
        self._rotator = AsyncTokenRotator(
            client_id=client_id, client_secret=client_secret, client=client
        )
        self._rotate_minutes = rotate_minutes
        self._rotating = asyncio.Lock()

    async def token(self, team_id: str) -> str:
        """The workspace's bot token; PermanentFailure when Cohort is not installed there."""
        async with self._rotating:
            installation = await self._store.async_find_installation(
                enterprise_id=None, team_id=team_id
            )
            if installation is None or not installation.bot_token:
                raise PermanentFailure("Cohort is not installed in this Slack workspace")
            try:
                refreshed = await self._rotator.perform_token_rotation(
                    installation=installation, minutes_before_expiration=self._rotate_minutes
                )
            except SlackTokenRotationError as error:
                # Slack refused or did not answer: the row waits and tries again.
                reason = error_code(error.api_error)
                raise RetryLater(f"could not rotate the bot token: {reason}") from error
            if refreshed is not None:
                log.info("rotated the bot token of Slack workspace %s", team_id)
                await self._store.async_save(refreshed)
                installation = refreshed
            return str(installation.bot_token)
