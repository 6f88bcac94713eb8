"""Following feeds: the list with its health, adding one after checking it once, removing
one, the content pack's built-in feeds, and the topic names organizers tag feeds with."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

from bot.communities.model import Community
from bot.content.model import ContentPack
from bot.content.provider import ContentProvider
from bot.digests import messages, store
from bot.digests.fetcher import Outcome
from bot.digests.model import Feed, Policy
from bot.digests.rank import TopicMatcher
from bot.digests.refreshing import RefreshService
from bot.errors import UserError
from bot.storage.database import Database


class FeedService:
    def __init__(
        self,
        db: Database,
        content: ContentProvider,
        refreshing: RefreshService,
        policy: Policy,
        writing: asyncio.Lock,
    ) -> None:
        self._db = db
        self._content = content
        self._refreshing = refreshing
        self._policy = policy
        self._writing = writing

    async def feeds(self, community: Community) -> tuple[list[Feed], dict[int, int]]:
        async with self._db.read() as tx:
            return await store.list_feeds(tx, community.id), await store.item_counts(
                tx, community.id
            )

    def topics(self, community: Community, text: str | None) -> tuple[str, ...]:
        """Topic ids named in a comma-separated list of ids or titles; UserError for others."""
        return topics_named(self._content.for_community(community), text)

    async def add_feed(
        self, community: Community, added_by: str, url: str, tags: Sequence[str], now: datetime
    ) -> tuple[Feed, int, bool]:
        """Follow a feed after checking it once: the feed, how many items it holds now (all
        marked seen) and whether it was a disabled feed restarted. A URL that plainly is not a
        working feed is refused; one failing for a while (a timeout, a 503) is followed."""
        async with self._db.read() as tx:
            existing = await store.feed_by_url(tx, community.id, url)
            count = await store.count_feeds(tx, community.id)
        if existing is not None and existing.enabled:
            raise UserError(messages.already_following(existing))
        if existing is None and count >= self._policy.max_feeds:
            raise UserError(messages.too_many_feeds(self._policy.max_feeds))
        fetched = await self._refreshing.check(url, now)
        if fetched.definitive:
            answered = fetched.result.outcome is Outcome.FETCHED or fetched.result.status == 404
            raise UserError(messages.not_added(url, fetched.problem, hint=answered))
        final = fetched.result.moved_to or url
        async with self._writing, self._db.write() as tx:
            if existing is not None:
                await store.restart_feed(tx, existing.id, tags or existing.tags)
                feed_id: int | None = existing.id
            else:
                moved = await store.feed_by_url(tx, community.id, final)
                if moved is not None:
                    raise UserError(messages.already_following(moved))
                feed_id = await store.add_feed(
                    tx,
                    community_id=community.id,
                    url=final,
                    title="",
                    tags=tags,
                    default_id=None,
                    added_by=added_by,
                    now=now,
                )
            feed = None if feed_id is None else await store.get_feed(tx, feed_id)
            if feed is None:  # another organizer added it a moment ago
                raise UserError(messages.not_added(url, messages.ADDED_MEANWHILE))
            await self._refreshing.record(tx, [(feed, fetched)], now)
            updated = await store.get_feed(tx, feed.id) or feed
            counts = await store.item_counts(tx, community.id)
        return updated, counts.get(feed.id, 0), existing is not None

    async def remove_feed(self, community: Community, feed_id: int) -> Feed:
        async with self._writing, self._db.write() as tx:
            feed = await store.get_feed(tx, feed_id)
            if feed is None or feed.community_id != community.id:
                raise UserError(messages.no_feed(feed_id))
            await store.delete_feeds(tx, [feed.id])
        return feed

    async def use_defaults(
        self, community: Community, on: bool, by: str, now: datetime
    ) -> tuple[list[str], int]:
        """Follow the content pack's feeds (their first check, by the refresher, marks what
        they hold as seen) or stop following them. Returns the titles added and how many were
        already followed, or ([], how many were removed)."""
        pack = self._content.for_community(community)
        async with self._writing, self._db.write() as tx:
            followed = await store.list_feeds(tx, community.id)
            if not on:
                built_in = [f.id for f in followed if f.default_id]
                await store.delete_feeds(tx, built_in)
                return [], len(built_in)
            urls = {f.url for f in followed}
            room = self._policy.max_feeds - len(followed)
            added: list[str] = []
            for feed in pack.feeds:
                if feed.url in urls:
                    continue
                if len(added) >= room:
                    raise UserError(messages.too_many_feeds(self._policy.max_feeds))
                await store.add_feed(
                    tx,
                    community_id=community.id,
                    url=feed.url,
                    title=feed.title,
                    tags=feed.tags,
                    default_id=feed.id,
                    added_by=by,
                    now=now,
                )
                added.append(feed.title)
        return added, len(pack.feeds) - len(added)


def topics_named(pack: ContentPack, text: str | None) -> tuple[str, ...]:
    """Topic ids named in a comma-separated list of ids or titles; UserError for others."""
    matcher = TopicMatcher(pack.topics)
    chosen: list[str] = []
    unknown: list[str] = []
    for part in (p.strip() for p in (text or "").split(",")):
        if not part:
            continue
        exact = [t.id for t in pack.topics if part.casefold() in (t.id, t.title.casefold())]
        found = exact or list(matcher.match(part))
        if found:
            chosen.extend(t for t in found[:1] if t not in chosen)
        else:
            unknown.append(part)
    if unknown:
        raise UserError(messages.unknown_topics(unknown, [t.id for t in pack.topics]))
    return tuple(chosen)
