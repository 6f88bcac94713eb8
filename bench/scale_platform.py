"""The scale bench's platforms: in-process senders with Discord's and Slack's limits that
record what arrived and when, and the accounting of lost, duplicated and delivery time."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass, field

from bot.identity import Platform
from bot.outbox import Delivered, Message, RetryLater

ROUND_TRIP = 0.005  # seconds a request takes on the fake: a loopback call, not the internet
JITTER = 0.02  # seconds of timer jitter the limits forgive (platforms count in coarser steps)


@dataclass
class LimitedPlatform:
    """A sender (bot.outbox.Sender) backed by a fake platform that enforces `rate` requests
    per second overall (a token bucket holding one second's burst) and one message per
    `channel_interval` per channel (a direct message's channel is its member), answering a
    429 with Retry-After when either is exceeded, as Discord and Slack do. It counts every
    post by its outbox key and stamps when each arrived. `duplicate_next` and `lose_next`
    inject faults (the smoke test checks that the tally sees them): the next post is
    recorded twice, or answered as delivered and never recorded (a loss comes first)."""

    platform: Platform
    global_per_second: float = 50.0  # the `rate` the fake allows, which the drainer paces to
    channel_interval: float = 1.0
    received: Counter[str] = field(default_factory=Counter)
    arrivals: list[tuple[float, str]] = field(default_factory=list)  # (monotonic, channel)
    rejected: int = 0
    duplicate_next: int = 0
    lose_next: int = 0
    _tokens: float = 0.0
    _refilled: float = field(default_factory=time.monotonic)
    _channel_last: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._tokens = self.rate

    @property
    def rate(self) -> float:
        return self.global_per_second

    def scale(self, factor: float, base_rate: float, base_interval: float) -> None:
        """Make the platform `factor` times faster than its base limits (and the senders'
        pacing with it: a drainer built after this paces to the new limits)."""
        self.global_per_second = base_rate * factor
        self.channel_interval = base_interval / factor
        self._tokens = min(self._tokens, self.rate)

    async def deliver(self, message: Message) -> Delivered:
        await asyncio.sleep(ROUND_TRIP)
        now = time.monotonic()
        self._tokens = min(self.rate, self._tokens + (now - self._refilled) * self.rate)
        self._refilled = now
        channel = message.target.channel_id or ",".join(message.target.user_ids)
        since = now - self._channel_last.get(channel, -1e9)
        if self._tokens < 1 - JITTER * self.rate or since < self.channel_interval - JITTER:
            self.rejected += 1
            wait = max((1 - self._tokens) / self.rate, self.channel_interval - since, 0.0)
            raise RetryLater("429 Too Many Requests", after=wait, rate_limited=True)
        self._tokens -= 1
        self._channel_last[channel] = now
        self.arrivals.append((now, channel))
        if self.lose_next:
            self.lose_next -= 1
            return Delivered(f"m{len(self.arrivals)}")
        self.received[message.key] += 1
        if self.duplicate_next:
            self.duplicate_next -= 1
            self.received[message.key] += 1
        return Delivered(f"m{len(self.arrivals)}")


@dataclass
class Delivery:
    """Delivery time against the platforms' minimum, summed over the batches (a batch is
    what arrived between one tick and the outbox being empty again) of at least one
    second's budget: smaller ones measure a round trip, not the pacing."""

    elapsed: float = 0.0
    minimum: float = 0.0
    posts: int = 0
    batches: int = 0

    def add(self, platform: LimitedPlatform, since: int) -> None:
        batch = platform.arrivals[since:]
        if len(batch) < platform.rate:
            return
        per_channel = Counter(channel for _, channel in batch)
        minimum = max(
            len(batch) / platform.rate,
            (max(per_channel.values()) - 1) * platform.channel_interval,
        )
        # n posts at exactly the limit span (n - 1) gaps; one more gap makes it n / rate.
        self.elapsed += batch[-1][0] - batch[0][0] + 1 / platform.rate
        self.minimum += minimum
        self.posts += len(batch)
        self.batches += 1

    @property
    def ratio(self) -> float:
        return self.elapsed / self.minimum if self.minimum else 0.0


@dataclass(frozen=True, slots=True)
class Tally:
    expected: int
    delivered: int
    lost: int
    duplicated: int
    unknown: int  # posts whose key no outbox row due this week has


def tally(expected: set[str], platforms: list[LimitedPlatform]) -> Tally:
    """Every outbox key due in the week against what the platforms hold: lost when absent,
    duplicated once for each extra copy."""
    seen: Counter[str] = Counter()
    for platform in platforms:
        seen.update(platform.received)
    lost = sum(1 for key in expected if seen[key] == 0)
    duplicated = sum(times - 1 for times in seen.values() if times > 1)
    unknown = sum(1 for key in seen if key not in expected)
    return Tally(len(expected), len(expected) - lost, lost, duplicated, unknown)
