"""Bounded memories: recently used entries, and the Slack events already handled.

The events are remembered in one process (tests), or through the database by every process.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, Protocol, TypeVar

from bot.clock import Clock
from bot.storage.database import Database
from bot.storage.seen_events import SeenEvents

K = TypeVar("K")
V = TypeVar("V")


class Recent(Generic[K, V]):
    """At most `size` entries; reading or writing an entry makes it the most recent."""

    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("size must be at least 1")
        self._size = size
        self._entries: OrderedDict[K, V] = OrderedDict()

    def __contains__(self, key: K) -> bool:
        return key in self._entries

    def get(self, key: K) -> V | None:
        if key not in self._entries:
            return None
        self._entries.move_to_end(key)
        return self._entries[key]

    def put(self, key: K, value: V) -> None:
        self._entries[key] = value
        self._entries.move_to_end(key)
        while len(self._entries) > self._size:
            self._entries.popitem(last=False)


class EventMemory(Protocol):
    """Event ids handled lately. Slack redelivers an event it thinks we missed (with
    X-Slack-Retry-Num); the copy must not be handled twice, by this process or another."""

    async def first_time(self, event_id: str) -> bool:
        """Record the id; whether this call was the first to."""
        ...


class RecentEvents:
    """An `EventMemory` of one process, for an app run without a database (tests). `cohort
    run` shares one through the database instead (`SharedEvents`), so
    that processes behind a balancer or on several Socket Mode connections agree."""

    def __init__(self, size: int = 10_000) -> None:
        self._seen: Recent[str, None] = Recent(size)

    async def first_time(self, event_id: str) -> bool:
        if event_id in self._seen:
            return False
        self._seen.put(event_id, None)
        return True


class SharedEvents:
    """An `EventMemory` every process shares through the database: whichever records an
    event first handles it (Socket Mode connections of several processes, HTTP processes
    behind a balancer, Slack's retries)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self._seen = SeenEvents(db, "slack")
        self._clock = clock

    async def first_time(self, event_id: str) -> bool:
        return await self._seen.first_time(event_id, self._clock.now())
