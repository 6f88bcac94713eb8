"""The Slack Web API client Cohort uses, with the retries it needs, and error helpers."""

from __future__ import annotations

import contextlib
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.settings import Settings

INLINE_RETRY_AFTER_LIMIT = 30.0
# Calls that make a new message each time: repeating one whose answer was lost (Slack may
# have stored it) can post twice, so they are never repeated on a connection error or a 5xx.
POSTING = frozenset({"chat.postMessage", "chat.postEphemeral", "files.completeUploadExternal"})


def _posts(request: HttpRequest) -> bool:
    return request.url.rstrip("/").rsplit("/", 1)[-1] in POSTING


class _NeverRepostRetry(AsyncRetryHandler):
    """Mixed in before a retry handler: it retries as that handler would, unless the call
    posts a message."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        return not _posts(request) and await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        )


class _ConnectionRetry(_NeverRepostRetry, AsyncConnectionErrorRetryHandler):
    """Retries a call cut off by a connection error, unless it posts a message."""


class _ServerErrorRetry(_NeverRepostRetry, AsyncServerErrorRetryHandler):
    """Retries a call Slack answered with 500 or 503, unless it posts a message."""


class _PatientRateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """Waits out a short Retry-After inside the call. A long one goes back to the caller
    instead: the outbox then holds the channel and retries later without sitting on its
    lease, and an interactive handler reports the failure rather than hanging."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        return retry_after(response.headers) <= INLINE_RETRY_AFTER_LIMIT


def retry_after(headers: Any) -> float:
    """Seconds Slack asked us to wait, from a Retry-After header (1 when it is missing)."""
    for name, value in dict(headers or {}).items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            with contextlib.suppress(TypeError, ValueError):
                return max(0.0, float(raw))
    return 1.0


def retry_handlers() -> list[AsyncRetryHandler]:
    """Connection errors, 429 (honouring Retry-After) and 500/503, each retried once; a call
    that posts a message is only ever repeated after a 429."""
    return [
        _ConnectionRetry(),
        _PatientRateLimitRetry(max_retry_count=1),
        _ServerErrorRetry(max_retry_count=1),
    ]


def rate_limit_retry() -> list[AsyncRetryHandler]:
    """Only a short Retry-After waited out: for calls that must never be repeated blindly
    (a 429 is an answer, so Slack did nothing; a lost answer may hide a stored message)."""
    return [_PatientRateLimitRetry(max_retry_count=1)]


def build_client(
    settings: Settings, session: aiohttp.ClientSession | None = None
) -> AsyncWebClient:
    """The Web API client: Slack's own API unless SLACK_API_URL says otherwise (tests)."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        session=session,
        retry_handlers=retry_handlers(),
    )


def error_code(error: Exception) -> str:
    """A short reason for logs and outbox rows; never the request, which carries the token."""
    if isinstance(error, SlackApiError):
        data = error.response.data if isinstance(error.response.data, dict) else {}
        return str(data.get("error") or f"http {error.response.status_code}")
    return type(error).__name__
