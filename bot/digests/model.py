"""The digests feature's values: feeds and their changes, a digest as the core builds it
before it is worded, what was posted, and what a refresh did."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict
from urllib.parse import urlsplit, urlunsplit

from bot.content.model import Reading

if TYPE_CHECKING:  # parse imports the feed parsers; values only need the type
    from bot.digests.parse import Entry


@dataclass(frozen=True, slots=True)
class Feed:
    id: int
    community_id: int
    url: str
    title: str
    tags: tuple[str, ...]
    default_id: str | None
    added_at: datetime
    enabled: bool
    disabled_reason: str | None
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    fetch_ms: int | None
    checked_at: datetime | None
    succeeded_at: datetime | None
    next_check_at: datetime | None
    failures: int
    problem: str | None
    baselined: bool

    @property
    def address(self) -> str:
        """The URL as shown: without a user name or password (feeds added before Cohort
        refused such addresses may carry them)."""
        parts = urlsplit(self.url)
        if "@" not in parts.netloc:
            return self.url
        return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))

    @property
    def name(self) -> str:
        return self.title or self.address


class FeedChange(TypedDict, total=False):
    """The columns of a feed a check or a restart changes; those left out stay as they are."""

    url: str
    title: str
    tags: str
    enabled: bool
    disabled_reason: str | None
    etag: str | None
    last_modified: str | None
    body_hash: str | None
    fetch_ms: int
    checked_at: datetime
    succeeded_at: datetime
    next_check_at: datetime | None
    claimed_until: datetime | None
    failures: int
    problem: str | None
    baselined: bool


@dataclass(frozen=True, slots=True)
class Listing:
    """What one feed's successful check brought: its entries, and whether they count as
    seen (the first check of a feed)."""

    feed_id: int
    entries: Sequence[Entry]
    seen: bool


@dataclass(frozen=True, slots=True)
class Stored:
    """What storing one feed's check found: how many of its entries were new, how many items
    the feed holds now, and when the item it stopped listing longest ago was last listed."""

    new: int
    held: int
    unlisted_since: datetime | None


@dataclass(frozen=True, slots=True)
class Policy:
    period: timedelta = timedelta(hours=1)  # between two checks of a healthy feed
    retry: timedelta = timedelta(minutes=15)  # after a first failure; doubles each time
    max_backoff: timedelta = timedelta(hours=24)
    max_failures: int = 8  # in a row, then the feed is disabled (about three days)
    stale_after: timedelta = timedelta(minutes=30)  # a preview checks older feeds first
    lease: timedelta = timedelta(minutes=10)  # a claimed feed is left alone this long
    forget_after: timedelta = timedelta(days=45)  # items a feed stopped listing
    max_feeds: int = 50  # per community
    max_items: int = 1000  # stored per feed, the most recently listed; a document gives 300
    deadline: timedelta = timedelta(seconds=40)  # for one feed: fetch, wait for a parser, parse

    def backoff(self, failures: int, retry_after: float | None) -> timedelta:
        wait: timedelta = min(self.max_backoff, self.retry * 2 ** max(0, failures - 1))
        return max(wait, timedelta(seconds=retry_after or 0))


@dataclass
class RefreshReport:
    """What one refresh did. `notices` counts outbox rows written (feeds disabled)."""

    checked: int = 0
    new_items: int = 0
    failed: int = 0
    disabled: int = 0
    notices: int = 0


@dataclass(frozen=True, slots=True)
class Item:
    title: str  # as the feed wrote it: untrusted, escaped when worded
    url: str
    source: str  # the feed's title: untrusted too


@dataclass(frozen=True, slots=True)
class Section:
    topic: str  # a topic id, or "" for the closing "also new" section
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    sections: tuple[Section, ...]
    readings: tuple[Reading, ...]
    focus: tuple[str, ...]  # titles of the focus topics
    feeds: int  # feeds the community follows

    @property
    def count(self) -> int:
        return sum(len(s.items) for s in self.sections)


@dataclass(frozen=True, slots=True)
class PostedEntry:
    topic: str
    title: str
    url: str
    source: str
    canonical: str
    title_key: str


@dataclass(frozen=True, slots=True)
class PostedDigest:
    week: str
    created_at: datetime
    readings: tuple[str, ...]
    entries: tuple[PostedEntry, ...]


@dataclass(frozen=True, slots=True)
class Posted:
    digest: Digest
    week: str
    created_at: datetime
