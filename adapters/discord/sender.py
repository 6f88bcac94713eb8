"""Delivers outbox messages to Discord: channel posts, private threads for groups, and DMs.

Each part of a post appears once in its channel: it carries a nonce derived from its outbox key
(Discord returns the message it already made for a nonce it saw in the last few minutes) and a
short reference to the key in its embed footer, because history does not return nonces: after
a crash, a recovered lease or any earlier attempt, the sender looks through the channel's
recent messages from the bot for the reference before posting. A drainer that may have raced
another to post a row (it took the row over, or lost it while frozen after its fence) looks
again once its post is out, and keeps only the earliest copy. A private thread opened for a
group is recorded in the outbox row before anything is posted in it.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, Final

import aiohttp
import discord

from adapters.discord import render
from bot.identity import Platform
from bot.outbox import Delivered, Message, PermanentFailure, RetryLater, TargetKind

log = logging.getLogger(__name__)

NONCE_LENGTH = 25  # the longest nonce Discord accepts
THREAD_ARCHIVE_MINUTES: Final = 10080  # a week, so a matchup's thread outlives its first days
PRIVATE_THREAD: Final = 12
DMS_CLOSED = 50007  # Cannot send messages to this user
OPENING_DMS_TOO_FAST = 40003
ANTI_SPAM_PAUSE = 600.0  # seconds to leave DMs alone after Discord's anti-spam refused one
UNKNOWN_RETRY_AFTER = 60.0  # a 429 without a Retry-After (a Cloudflare limit) waits this long
HISTORY_PAGE = 100  # the most messages Discord returns at once
HISTORY_PAGES = 3  # how far back a post that may already have landed is looked for


def nonce(key: str, part: int) -> str:
    """The same nonce for every attempt at the same part of the same outbox message, so
    Discord returns the message it already made instead of posting a second one."""
    return hashlib.sha256(f"{key}#{part}".encode()).hexdigest()[:NONCE_LENGTH]


def reference(key: str, part: int) -> str:
    """The footer that lets a later attempt recognise this part of this message in history."""
    return f"ref {nonce(key, part)[:12]}"


class DiscordSender:
    """The outbox's sender for Discord. The client must be logged in."""

    platform = Platform.DISCORD
    # Discord allows 50 requests a second per bot; a delivery can take several requests
    # (open a DM, create a thread and add its members), so stay well below.
    global_per_second = 10.0
    # Channels allow about five messages every five seconds.
    channel_interval = 1.0

    def __init__(self, client: discord.Client) -> None:
        self._client = client

    async def deliver(self, message: Message) -> Delivered:
        try:
            return await self._deliver(message)
        except discord.RateLimited as error:
            raise RetryLater(
                "rate limited by Discord", after=error.retry_after, rate_limited=True
            ) from error
        except discord.DiscordServerError as error:
            raise RetryLater(f"Discord failed on its side ({error.status})") from error
        except discord.HTTPException as error:
            if error.status == 429:  # no Via header: Cloudflare's limit, not Discord's
                raise RetryLater(
                    "rate limited before Discord", after=_retry_after(error), rate_limited=True
                ) from error
            raise PermanentFailure(_refusal(error)) from error
        except (aiohttp.ClientError, OSError, TimeoutError) as error:
            raise RetryLater(f"could not reach Discord: {type(error).__name__}") from error

    async def _deliver(self, message: Message) -> Delivered:
        target = message.target
        if target.kind is TargetKind.CHANNEL:
            channel_id = _snowflake(target.channel_id)
            return Delivered(await self._post(channel_id, message))
        if target.kind is TargetKind.DIRECT:
            return Delivered(await self._direct(message))
        return await self._group(message)

    async def _post(
        self,
        channel_id: int,
        message: Message,
        *,
        guild_id: str | None = None,
        content: str | None = None,
        mentions: discord.AllowedMentions | None = None,
    ) -> str:
        key = message.key
        channel = self._client.get_partial_messageable(channel_id)
        parts = render.reply(message.reply, guild_id)
        earlier = message.recovering or message.attempts > 0
        landed = await self._landed(channel_id, message, len(parts)) if earlier else {}
        ids = []
        for part, outgoing in enumerate(parts):
            if part in landed:
                log.info("outbox %s: part %d had already landed", message.id, part)
                ids.append(landed[part])
                continue
            outgoing.embeds[-1].set_footer(text=reference(key, part))
            options: dict[str, Any] = {"embeds": outgoing.embeds, "nonce": nonce(key, part)}
            if outgoing.files:
                options["files"] = outgoing.files
            if outgoing.view is not None:
                options["view"] = outgoing.view
            if content and part == 0:
                options["content"] = content
                options["allowed_mentions"] = mentions
            await message.fence()
            sent = await channel.send(**options)
            ids.append(str(sent.id))
        if len(landed) < len(parts) and await message.raced():
            # Another drainer may have posted this too (one of us was frozen between its
            # fence and its request): keep the earliest copy of each part, delete the rest.
            settled = await self._landed(channel_id, message, len(parts))
            ids = [settled.get(part, ids[part]) for part in range(len(parts))]
        return ids[0]

    async def _landed(self, channel_id: int, message: Message, parts: int) -> dict[int, str]:
        """The parts of `message` already in the channel, by part number, with their ids.
        A part found more than once (two drainers raced to post it) keeps its earliest copy:
        the later ones are deleted, so whichever racer looks last leaves one."""
        found = await self._copies(channel_id, message.key, parts)
        earliest = {}
        for part, copies in found.items():
            first, *later = sorted(copies)
            earliest[part] = str(first)
            for copy in later:
                log.warning(
                    "outbox %s: part %d was posted twice; deleting the later copy %s",
                    message.id,
                    part,
                    copy,
                )
                try:
                    await self._client.http.delete_message(channel_id, copy)
                except discord.NotFound:
                    pass  # another racer deleted it first
                except (discord.HTTPException, aiohttp.ClientError, OSError) as error:
                    # The post is out either way: a copy left is visible and harmless.
                    log.warning("outbox %s: could not delete %s: %s", message.id, copy, error)
        return earliest

    async def _copies(self, channel_id: int, key: str, parts: int) -> dict[int, list[int]]:
        """Every copy of each part of the message with `key` among the bot's recent messages
        in the channel, by part number."""
        wanted = {reference(key, part): part for part in range(parts)}
        found: dict[int, list[int]] = {}
        before: int | None = None
        bot_id = str(self._client.user.id) if self._client.user else None
        for _ in range(HISTORY_PAGES):
            try:
                page = await self._client.http.logs_from(channel_id, HISTORY_PAGE, before=before)
            except discord.Forbidden:
                # Without history (no permission to read it) posting again is better than
                # not posting: a duplicate is visible and harmless, a loss is silent.
                log.warning("cannot read channel %s to look for outbox key %s", channel_id, key)
                return found
            for posted in page:
                raw: dict[str, Any] = dict(posted)
                if str(raw.get("author", {}).get("id")) != bot_id:
                    continue
                for embed in raw.get("embeds") or []:
                    footer = str((embed.get("footer") or {}).get("text", ""))
                    if footer in wanted:
                        found.setdefault(wanted[footer], []).append(int(raw["id"]))
            if len(found) == parts or len(page) < HISTORY_PAGE:
                return found
            before = int(page[-1]["id"])
        return found

    async def _direct(self, message: Message) -> str:
        """A DM, only ever because the core asked for one. Its buttons carry the server, since
        a click in a DM does not say which community it is about."""
        user_id = _snowflake(message.target.user_ids[0] if message.target.user_ids else None)
        try:
            dm = await self._client.create_dm(discord.Object(user_id))
            return await self._post(dm.id, message, guild_id=message.community_external_id)
        except discord.Forbidden as error:
            if error.code == DMS_CLOSED:
                raise PermanentFailure("member has DMs closed") from error
            raise
        except discord.HTTPException as error:
            if error.code == OPENING_DMS_TOO_FAST:
                raise RetryLater("Discord's anti-spam paused DMs", after=ANTI_SPAM_PAUSE) from error
            raise

    async def _group(self, message: Message) -> Delivered:
        """A private thread with the members in the target channel (the thread of the message
        this one follows, when there is one), falling back to a post in the channel that
        mentions them when threads are not allowed there."""
        target = message.target
        channel_id = _snowflake(target.channel_id)
        members = [u for u in target.user_ids if u.isdigit()]
        mentions = discord.AllowedMentions(users=[discord.Object(int(u)) for u in members])
        content = render.mentions(members)
        followed = message.conversation_id
        if followed is not None and followed.isdigit():
            try:
                sent = await self._post(int(followed), message, content=content, mentions=mentions)
                return Delivered(sent, followed)
            except (discord.NotFound, discord.Forbidden) as error:
                log.info(
                    "outbox %s: the thread it follows is gone (%s); opening a new one",
                    message.id,
                    error.status,
                )
        opened = message.opened_conversation
        thread_id = int(opened) if opened is not None and opened.isdigit() else None
        if thread_id is None:
            await message.fence()
            try:
                thread = await self._client.http.start_thread_without_message(
                    channel_id,
                    name=render.thread_name(message.reply),
                    auto_archive_duration=THREAD_ARCHIVE_MINUTES,
                    type=PRIVATE_THREAD,
                    invitable=False,
                )
            except discord.HTTPException as error:
                if error.status not in (400, 403):
                    raise
                log.info(
                    "outbox %s: no private thread allowed (%s); posting in the channel",
                    message.id,
                    error.status,
                )
                return Delivered(
                    await self._post(channel_id, message, content=content, mentions=mentions)
                )
            thread_id = int(thread["id"])
            # Recorded before anything is posted in it: a later attempt, in this process or
            # after a crash, posts in this thread instead of opening another.
            await message.record_opened(str(thread_id))
        for user_id in members:
            try:
                await self._client.http.add_user_to_thread(thread_id, int(user_id))
            except discord.NotFound:
                log.info("outbox %s: member %s is gone; the others still meet", message.id, user_id)
        sent = await self._post(thread_id, message, content=content, mentions=mentions)
        return Delivered(sent, str(thread_id))


def _snowflake(value: str | None) -> int:
    if value is None or not value.isdigit():
        raise PermanentFailure(f"not a Discord id: {value!r}")
    return int(value)


def _retry_after(error: discord.HTTPException) -> float:
    header = error.response.headers.get("Retry-After")
    try:
        return float(header) if header else UNKNOWN_RETRY_AFTER
    except ValueError:
        return UNKNOWN_RETRY_AFTER


def _refusal(error: discord.HTTPException) -> str:
    detail = f" {error.code}" if error.code else ""
    return f"Discord refused ({error.status}{detail}): {error.text[:200]}"
