"""A platform sender that records deliveries and fails on demand, for outbox tests."""

from __future__ import annotations

import asyncio
import dataclasses
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from bot.clock import ManualClock
from bot.identity import Platform
from bot.outbox import (
    Delivered,
    Drainer,
    Message,
    PermanentFailure,
    RetryLater,
    RetryPolicy,
    Sender,
    TargetKind,
)
from bot.storage.database import Database


@dataclass
class RecordingSender:
    """Delivers into `delivered`; each entry of `script` is consumed by one attempt, in order:
    an exception to raise, or None to succeed."""

    platform: Platform = Platform.CONSOLE
    global_per_second: float = 0.0
    channel_interval: float = 0.0
    script: list[Exception | None] = field(default_factory=list)
    delivered: list[Message] = field(default_factory=list)
    attempts: int = 0

    async def deliver(self, message: Message) -> Delivered:
        """Group messages land in a conversation of their own, `c<n>`, like a Discord thread."""
        self.attempts += 1
        if self.script:
            outcome = self.script.pop(0)
            if outcome is not None:
                raise outcome
        self.delivered.append(message)
        number = len(self.delivered)
        group = message.target.kind is TargetKind.GROUP
        return Delivered(f"m{number}", f"c{number}" if group else None)

    def keys(self) -> Counter[str]:
        return Counter(m.key for m in self.delivered)


def too_many_requests(after: float) -> RetryLater:
    return RetryLater("429 Too Many Requests", after=after, rate_limited=True)


def server_error() -> RetryLater:
    return RetryLater("503 Service Unavailable")


def forbidden() -> PermanentFailure:
    return PermanentFailure("403 Missing Access")


class AfterFence:
    """Wraps a platform sender: the `at`-th time its deliveries pass a fence (the check, right
    before a posting call, that the row is still its drainer's), `hook` is awaited before the
    request goes out, as if the process were frozen there (SIGSTOP) or the scheduler let
    another drainer run first."""

    def __init__(self, inner: Sender, hook: Callable[[], Awaitable[None]], at: int = 1) -> None:
        self._inner = inner
        self._hook = hook
        self._at = at
        self._fences = 0
        self.platform = inner.platform
        self.global_per_second = inner.global_per_second
        self.channel_interval = inner.channel_interval

    async def deliver(self, message: Message) -> Delivered:
        async def fence() -> None:
            await message.fence()
            self._fences += 1
            if self._fences == self._at:
                await self._hook()

        return await self._inner.deliver(dataclasses.replace(message, fence=fence))


def freezer() -> tuple[asyncio.Event, asyncio.Event, Callable[[], Awaitable[None]]]:
    """A hook for AfterFence that stops the delivery until `thaw` is set, and says when it
    stopped: (frozen, thaw, hook)."""
    frozen, thaw = asyncio.Event(), asyncio.Event()

    async def hook() -> None:
        frozen.set()
        await thaw.wait()

    return frozen, thaw, hook


async def frozen_after_its_fence(
    db: Database, clock: ManualClock, sender: Sender, policy: RetryPolicy, at: int = 1
) -> tuple[asyncio.Future[int], asyncio.Event]:
    """A drainer claims the due row, passes its `at`-th fence and freezes before its request
    leaves, while its lease runs out (the clock moves 1.5 leases on). Returns its drain, still
    under way, and what thaws it."""
    frozen, thaw, hook = freezer()
    stale = asyncio.ensure_future(Drainer(db, clock, AfterFence(sender, hook, at), policy).drain())
    await asyncio.wait_for(frozen.wait(), 10)
    clock.advance(timedelta(seconds=policy.lease * 1.5))
    return stale, thaw
