"""Delivers outbox rows to Slack: channel posts, direct and group messages, PNG cards.

The core's drainer paces, retries and backs off; this module only says how one row is posted
and what each failure means (wait and retry, or give up for good).
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from adapters.slack.client import error_code, retry_after
from adapters.slack.files import upload_image
from adapters.slack.memory import Recent
from bot.identity import Platform
from bot.outbox import Delivered, Message, PermanentFailure, RetryLater, Target, TargetKind

log = logging.getLogger(__name__)

METADATA_EVENT = "cohort_outbox"
MAX_GROUP = 8  # conversations.open makes a group DM of at most 8 people
HISTORY_DEPTH = 100  # recent messages searched for a post that may already have landed
# Errors Slack may answer with a 200 that mean "try again later", not "never".
_TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


def _classify(error: SlackApiError) -> RetryLater | PermanentFailure:
    status = error.response.status_code
    code = error_code(error)
    if status == 429:
        return RetryLater(f"rate limited ({code})", after=retry_after(error.response.headers))
    if status >= 500 or code in _TRANSIENT:
        return RetryLater(code)
    return PermanentFailure(code)


def marker(key: str) -> str:
    """A short, stable tag of an outbox key, put in the name of an uploaded card so that a
    recovering delivery can recognise it (a file share carries no message metadata)."""
    return "cohort-" + hashlib.sha256(key.encode()).hexdigest()[:16]


class SlackSender:
    """The outbox sender for Slack (implements `bot.outbox.Sender`). One bot token, so one
    workspace: rows are posted with this client whatever their community."""

    platform = Platform.SLACK
    # chat.postMessage allows about one message a second per channel, and a few hundred a
    # minute per workspace; four a second leaves room for the interactive replies.
    global_per_second = 4.0
    channel_interval = 1.1

    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self._conversations: Recent[tuple[str, ...], str] = Recent(4096)

    async def deliver(self, message: Message) -> Delivered:
        # A group's conversation is plain from its members (conversations.open gives the same
        # one each time), so no conversation is reported for messages that follow.
        try:
            channel = await self._conversation(message.target)
            if message.recovering:
                landed = await self._landed(channel, message.key)
                if landed is not None:
                    log.info("outbox row %s had already landed as %s", message.id, landed)
                    return Delivered(landed)
            return Delivered(await self._post(channel, message))
        except SlackApiError as error:
            raise _classify(error) from error
        except (aiohttp.ClientError, TimeoutError, SlackRequestError) as error:
            # SlackRequestError: the file upload step failed on Slack's side.
            raise RetryLater(f"could not reach Slack: {type(error).__name__}") from error

    async def _conversation(self, target: Target) -> str:
        if target.kind is TargetKind.CHANNEL:
            if not target.channel_id:
                raise PermanentFailure("no channel to post in")
            return target.channel_id
        users = tuple(target.user_ids)
        if not users:
            raise PermanentFailure("no one to send the message to")
        if len(users) > MAX_GROUP:
            raise PermanentFailure(f"a Slack group message holds at most {MAX_GROUP} people")
        known = self._conversations.get(users)
        if known is not None:
            return known
        response = await self._client.conversations_open(users=",".join(users))
        channel = str(response["channel"]["id"])
        self._conversations.put(users, channel)
        return channel

    async def _post(self, channel: str, message: Message) -> str:
        rendered = render.message(message.reply)
        image = message.reply.image
        if image is not None:
            # The card and the message travel together, as one file share.
            name = f"{marker(message.key)}-{image.filename}"
            file_id = await upload_image(
                self._client, channel, image, filename=name, blocks=rendered.blocks
            )
            return f"{channel}:{file_id}"
        response = await self._client.chat_postMessage(
            channel=channel,
            text=rendered.text,
            blocks=rendered.blocks,
            metadata={"event_type": METADATA_EVENT, "event_payload": {"key": message.key}},
            unfurl_links=False,
            unfurl_media=False,
        )
        return f"{channel}:{response['ts']}"

    async def _landed(self, channel: str, key: str) -> str | None:
        """The id of a recent message in `channel` that delivered `key`, if one exists."""
        try:
            history = await self._client.conversations_history(
                channel=channel, limit=HISTORY_DEPTH, include_all_metadata=True
            )
        except SlackApiError as error:
            failure = _classify(error)
            if isinstance(failure, RetryLater):
                raise
            # Without history (a scope or membership missing) posting again is better than
            # not posting: a duplicate is visible and harmless, a loss is silent.
            log.warning("cannot read %s to check outbox key %s: %s", channel, key, failure.reason)
            return None
        tag = marker(key)
        for posted in history.get("messages") or []:
            if _carries(posted, key, tag):
                return f"{channel}:{posted.get('ts', '')}"
        return None


def _carries(posted: dict[str, Any], key: str, tag: str) -> bool:
    payload = (posted.get("metadata") or {}).get("event_payload") or {}
    if payload.get("key") == key:
        return True
    return any(str(f.get("name", "")).startswith(tag) for f in posted.get("files") or [])
