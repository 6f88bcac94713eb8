"""Queries of the digests feature: feeds, their items, posted digests and the settings."""

from bot.digests.store.feeds import (
    add_feed,
    added_by,
    claim,
    count_feeds,
    delete_feeds,
    due_feeds,
    feed_by_url,
    forget_adder,
    get_feed,
    list_feeds,
    release,
    restart_feed,
    update_feeds,
)
from bot.digests.store.items import candidates, item_counts, prune_items, store_entries
from bot.digests.store.posted import (
    add_digest,
    featured_readings,
    focus,
    latest_digest,
    set_focus,
    shown_since,
)

__all__ = [
    "add_digest",
    "add_feed",
    "added_by",
    "candidates",
    "claim",
    "count_feeds",
    "delete_feeds",
    "due_feeds",
    "featured_readings",
    "feed_by_url",
    "focus",
    "forget_adder",
    "get_feed",
    "item_counts",
    "latest_digest",
    "list_feeds",
    "prune_items",
    "release",
    "restart_feed",
    "set_focus",
    "shown_since",
    "store_entries",
    "update_feeds",
]
