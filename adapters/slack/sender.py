"""Delivers outbox rows to Slack: channel posts, direct and group messages, PNG cards.

The core's drainer paces, retries and backs off; this module says how one row is posted, what
each failure means (wait and retry, or give up for good), and makes a post appear once in its
conversation: each post carries its outbox key in message metadata (a card, in its file
name), and after any failure that may hide a stored message (a timeout, a dropped connection,
a 5xx, a recovered lease, any earlier attempt) the sender looks for the key in the
conversation's history before posting again. A drainer that may have raced another to post a
row (it took the row over, or lost it while frozen after its fence) looks again once its post
is out and keeps only the earliest copy. Nothing is retried blindly inside the client.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any, Protocol

import aiohttp
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import render
from adapters.slack.client import error_code, rate_limit_retry, retry_after
from adapters.slack.files import upload_image
from adapters.slack.memory import Recent
from bot.identity import Platform
from bot.outbox import Delivered, Message, PermanentFailure, RetryLater, Target, TargetKind

log = logging.getLogger(__name__)

METADATA_EVENT = "cohort_outbox"
MAX_GROUP = 8  # conversations.open makes a group DM of at most 8 people
HISTORY_PAGE = 200  # messages per conversations.history page
HISTORY_PAGES = 5  # how far back a post that may already have landed is looked for
POST_TIMEOUT = 30  # seconds Slack's answer to one call is waited for (the SDK's default)
# Errors Slack may answer with a 200 that mean "try again later", not "never".
_TRANSIENT = frozenset(
    {"ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


def _classify(error: SlackApiError) -> RetryLater | PermanentFailure:
    status = error.response.status_code
    code = error_code(error)
    if status == 429:
        return RetryLater(
            f"rate limited ({code})",
            after=retry_after(error.response.headers),
            rate_limited=True,
        )
    if status >= 500 or code in _TRANSIENT:
        return RetryLater(code)
    return PermanentFailure(code)


def marker(key: str) -> str:
    """A short, stable tag of an outbox key, put in the name of an uploaded card so that a
    recovering delivery can recognise it (a file share carries no message metadata)."""
    return "cohort-" + hashlib.sha256(key.encode()).hexdigest()[:16]


class Tokens(Protocol):
    """The bot token of each workspace Cohort is installed in (`installations.WorkspaceTokens`)."""

    async def token(self, team_id: str) -> str: ...


class SlackSender:
    """The outbox sender for Slack (implements `bot.outbox.Sender`). With one bot token (one
    workspace) rows are posted with the client's token whatever their community; with
    `tokens` (many workspaces) each row with its own workspace's token."""

    platform = Platform.SLACK
    # chat.postMessage allows about one message a second per channel, and a few hundred a
    # minute per workspace; four a second leaves room for the interactive replies.
    global_per_second = 4.0
    channel_interval = 1.1

    def __init__(
        self, client: AsyncWebClient, timeout: float = POST_TIMEOUT, tokens: Tokens | None = None
    ) -> None:
        self._base = client
        self._timeout = timeout
        self._tokens = tokens
        self._clients: Recent[str | None, AsyncWebClient] = Recent(1024)
        self._conversations: Recent[tuple[str, ...], str] = Recent(4096)

    def _client_with(self, token: str | None) -> AsyncWebClient:
        """The outbox's own client for a token, on the same address and session: its only
        retry inside a call waits out a short Retry-After; anything else comes back here."""
        client = self._clients.get(token)
        if client is None:
            client = AsyncWebClient(
                token=token,
                base_url=self._base.base_url,
                session=self._base.session,
                timeout=self._timeout,  # type: ignore[arg-type]  # aiohttp takes any number
                retry_handlers=rate_limit_retry(),
            )
            self._clients.put(token, client)
        return client

    async def deliver(self, message: Message) -> Delivered:
        # A group's conversation is plain from its members (conversations.open gives the same
        # one each time), so no conversation is reported for messages that follow.
        try:
            team = message.community_external_id
            token = self._base.token if self._tokens is None else await self._tokens.token(team)
            return await _Delivery(self._client_with(token), self._conversations).deliver(message)
        except SlackApiError as error:
            raise _classify(error) from error
        except (aiohttp.ClientError, TimeoutError, SlackRequestError) as error:
            # SlackRequestError: the file upload step failed on Slack's side.
            raise RetryLater(f"could not reach Slack: {type(error).__name__}") from error


class _Delivery:
    """One row's delivery, with its workspace's client."""

    def __init__(self, client: AsyncWebClient, conversations: Recent[tuple[str, ...], str]) -> None:
        self._client = client
        self._conversations = conversations

    async def deliver(self, message: Message) -> Delivered:
        channel = await self._conversation(message.community_external_id, message.target)
        if message.recovering or message.attempts:
            landed = await self._landed(channel, message)
            if landed is not None:
                log.info("outbox row %s had already landed as %s", message.id, landed)
                return Delivered(landed)
        try:
            posted = await self._post(channel, message)
        except Exception as error:
            if not _ambiguous(error):
                raise
            # Slack may have stored it before the answer was lost: look before retrying.
            landed = await self._landed(channel, message)
            if landed is None:
                raise
            log.info("outbox row %s landed as %s; its answer was lost", message.id, landed)
            return Delivered(landed)
        if await message.raced():
            # Another drainer may have posted this too (one of us was frozen between its
            # fence and its request): keep the earliest copy, delete the later ones.
            posted = await self._landed(channel, message) or posted
        return Delivered(posted)

    async def _conversation(self, team: str, target: Target) -> str:
        if target.kind is TargetKind.CHANNEL:
            if not target.channel_id:
                raise PermanentFailure("no channel to post in")
            return target.channel_id
        users = tuple(target.user_ids)
        if not users:
            raise PermanentFailure("no one to send the message to")
        if len(users) > MAX_GROUP:
            raise PermanentFailure(f"a Slack group message holds at most {MAX_GROUP} people")
        known = self._conversations.get((team, *users))
        if known is not None:
            return known
        response = await self._client.conversations_open(users=",".join(users))
        channel = str(response["channel"]["id"])
        self._conversations.put((team, *users), channel)
        return channel

    async def _post(self, channel: str, message: Message) -> str:
        rendered = render.message(message.reply)
        image = message.reply.image
        await message.fence()  # this row is still ours, right before the post
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

    async def _landed(self, channel: str, message: Message) -> str | None:
        """The id of the message in `channel` that delivered `message`, if one exists. When
        there are several (two drainers raced to post it) the earliest is kept and the later
        ones are deleted, so whichever racer looks last leaves one."""
        copies = sorted(await self._copies(channel, message.key), key=lambda c: c.order)
        if not copies:
            return None
        first, *later = copies
        for copy in later:
            log.warning(
                "outbox row %s was posted twice in %s; deleting the later copy %s",
                message.id,
                channel,
                copy.ts,
            )
            try:
                if copy.file_id is not None:
                    await self._client.files_delete(file=copy.file_id)
                else:
                    await self._client.chat_delete(channel=channel, ts=copy.ts)
            except (SlackApiError, aiohttp.ClientError, TimeoutError) as error:
                # Another racer deleted it first, or it cannot be deleted now: the post is out
                # either way, and a copy left is visible and harmless.
                reason = error_code(error)
                log.info("outbox row %s: %s not deleted: %s", message.id, copy.ts, reason)
        return f"{channel}:{first.ts}"

    async def _copies(self, channel: str, key: str) -> list[_Copy]:
        """Every recent message in `channel` that delivered `key`."""
        tag = marker(key)
        found: list[_Copy] = []
        cursor: str | None = None
        for _ in range(HISTORY_PAGES):
            try:
                history = await self._client.conversations_history(
                    channel=channel, limit=HISTORY_PAGE, include_all_metadata=True, cursor=cursor
                )
            except SlackApiError as error:
                failure = _classify(error)
                if isinstance(failure, RetryLater):
                    raise
                # Without history (a scope or membership missing) posting again is better
                # than not posting: a duplicate is visible and harmless, a loss is silent.
                log.warning("cannot read %s to check key %s: %s", channel, key, failure.reason)
                return found
            for posted in history.get("messages") or []:
                copy = _copy(posted, key, tag)
                if copy is not None:
                    found.append(copy)
            cursor = (history.get("response_metadata") or {}).get("next_cursor")
            if found or not history.get("has_more") or not cursor:
                break
        return found


@dataclass(frozen=True, slots=True)
class _Copy:
    """One message in a conversation that delivered an outbox key."""

    ts: str
    file_id: str | None  # a card: deleted as a file

    @property
    def order(self) -> tuple[int, ...]:
        """Slack's timestamps order a conversation's messages."""
        try:
            return tuple(int(p) for p in self.ts.split("."))
        except ValueError:
            return ()


def _ambiguous(error: Exception) -> bool:
    """Whether Slack may have done what was asked although no answer said so."""
    if isinstance(error, SlackApiError):
        return isinstance(_classify(error), RetryLater) and error.response.status_code != 429
    return isinstance(error, aiohttp.ClientError | TimeoutError | SlackRequestError)


def _copy(posted: dict[str, Any], key: str, tag: str) -> _Copy | None:
    ts = str(posted.get("ts", ""))
    payload = (posted.get("metadata") or {}).get("event_payload") or {}
    if payload.get("key") == key:
        return _Copy(ts, None)
    for shared in posted.get("files") or []:
        if str(shared.get("name", "")).startswith(tag):
            return _Copy(ts, str(shared.get("id", "")) or None)
    return None
