"""What the digests feature holds about a member: the feeds they added as organizer (their
platform id in `feeds.added_by`). Items, digests and settings come from feeds, not members."""

from __future__ import annotations

from collections.abc import Mapping

from bot.digests import store
from bot.feature import FORGOTTEN, Erasure, Exempt, Record
from bot.members.model import Member
from bot.storage.tables import digest_entries, digest_settings, digests, feed_items, feeds
from bot.storage.transaction import Transaction

PERSONAL = (feeds.c.added_by,)
_FROM_FEEDS = "text a feed server sent (or Cohort wrote about it), never a member's words"
EXEMPT = (
    Exempt(feeds.c.url, "the community's feed address, listed in the export of who added it"),
    Exempt(feeds.c.title, _FROM_FEEDS),
    Exempt(feeds.c.tags, "topic ids of the content pack"),
    Exempt(feeds.c.default_id, "an id of the content pack's built-in feeds"),
    Exempt(feeds.c.disabled_reason, _FROM_FEEDS),
    Exempt(feeds.c.etag, "an HTTP validator the feed server sent"),
    Exempt(feeds.c.last_modified, "an HTTP validator the feed server sent"),
    Exempt(feeds.c.body_hash, "a hash of the feed's last document"),
    Exempt(feeds.c.problem, _FROM_FEEDS),
    Exempt(feed_items.c.uid, "a hash of the item's GUID or link"),
    Exempt(feed_items.c.url, _FROM_FEEDS),
    Exempt(feed_items.c.canonical, "a hash of the item's link"),
    Exempt(feed_items.c.title, _FROM_FEEDS),
    Exempt(feed_items.c.title_key, _FROM_FEEDS),
    Exempt(digests.c.week, "an ISO week"),
    Exempt(digests.c.readings, "ids of the content pack's readings"),
    Exempt(digest_entries.c.topic, "a topic id of the content pack"),
    Exempt(digest_entries.c.title, _FROM_FEEDS),
    Exempt(digest_entries.c.url, _FROM_FEEDS),
    Exempt(digest_entries.c.source, _FROM_FEEDS),
    Exempt(digest_entries.c.canonical, "a hash of the item's link"),
    Exempt(digest_entries.c.title_key, _FROM_FEEDS),
    Exempt(digest_settings.c.focus, "topic ids of the content pack"),
)


class DigestMemberData:
    """Export lists the feeds a member added; erase keeps the feeds (the community follows
    them) and forgets who added them."""

    async def export_member(self, tx: Transaction, member: Member) -> Mapping[str, list[Record]]:
        added = await store.added_by(tx, member.community_id, member.user_id)
        return {
            "feeds added": [
                {
                    "id": feed.id,
                    "address": feed.address,
                    "title": feed.title,
                    "tags": list(feed.tags),
                    "added_at": feed.added_at.isoformat(),
                    "following": feed.enabled,
                }
                for feed in added
            ]
        }

    async def erase_member(self, tx: Transaction, erasure: Erasure) -> None:
        member = erasure.member
        await store.forget_adder(tx, member.community_id, member.user_id, FORGOTTEN)
