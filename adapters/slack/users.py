"""Who a Slack user is to Cohort: the name they go by and whether they are a workspace admin."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import convert
from adapters.slack.client import error_code
from adapters.slack.memory import Recent

log = logging.getLogger(__name__)

USER_CACHE_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class SlackUser:
    display_name: str
    is_admin: bool  # a workspace admin or owner


class UserDirectory:
    """users.info, cached for a minute: the name someone goes by, and whether they are a
    workspace admin or owner (Slack's roles; the core adds its named organizers)."""

    def __init__(
        self, client: Callable[[], AsyncWebClient], ttl: float = USER_CACHE_SECONDS
    ) -> None:
        self._client = client
        self._ttl = ttl
        # By workspace too: an Enterprise Grid member keeps one id across the organisation's
        # workspaces, and may be an admin in one of them only.
        self._users: Recent[tuple[str, str], tuple[float, SlackUser]] = Recent(10_000)

    async def lookup(self, team_id: str, user_id: str, fallback_name: str) -> SlackUser:
        now = time.monotonic()
        cached = self._users.get((team_id, user_id))
        if cached is not None and cached[0] > now:
            return cached[1]
        try:
            response = await self._client().users_info(user=user_id)
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
            # Not cached, so the next command asks again; meanwhile no admin rights.
            log.warning("users.info failed for %s (%s)", user_id, error_code(error))
            return SlackUser(fallback_name or user_id, is_admin=False)
        user = response.get("user") or {}
        found = SlackUser(
            display_name=convert.display_name(user) or fallback_name,
            is_admin=any(user.get(k) for k in ("is_admin", "is_owner", "is_primary_owner")),
        )
        self._users.put((team_id, user_id), (now + self._ttl, found))
        return found
