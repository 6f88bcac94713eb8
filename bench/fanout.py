"""Fan-out of one weekly post to many channels through a rate-limited fake platform.

The fake platform enforces a global budget (token bucket) and one message per second per
channel, answering 429 with Retry-After when either is exceeded, like Discord and Slack do.
Prints the time taken against the theoretical minimum, posts lost and duplicated, and the
429s received (and how many came after the first second). With `--per-channel K` each channel
gets K posts, queued one channel after another, as a community's posts of one hour are (a
challenge, a digest, a prompt): the minimum is then the larger of the global budget's time and
K - 1 channel intervals. `--busy B` queues B more posts for one more channel after all the
others (a Slack workspace's matchups channel at the end of a morning's posts).

    python -m bench.fanout [--channels 1000] [--rate 50] [--per-channel 1] [--busy 0]
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from bot.clock import SystemClock
from bot.communities.store import ensure, load
from bot.identity import CommunityRef, Platform
from bot.outbox import Delivered, Drainer, Message, RetryLater, Target, enqueue
from bot.replies import Reply
from bot.storage import migrate
from bot.storage.database import Database


@dataclass
class RateLimitedPlatform:
    """A sender backed by an in-process fake platform with the platforms' limits."""

    rate: float
    channel_interval: float = 1.0
    platform: Platform = Platform.CONSOLE
    global_per_second: float = 0.0
    received: Counter[str] = field(default_factory=Counter)
    rejected: list[float] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    _tokens: float = 0.0
    _refilled: float = field(default_factory=time.monotonic)
    _channel_last: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._tokens = self.rate  # a full bucket: the platform allows a one-second burst

    async def deliver(self, message: Message) -> Delivered:
        await asyncio.sleep(0.005)  # a request's round trip
        now = time.monotonic()
        self._tokens = min(self.rate, self._tokens + (now - self._refilled) * self.rate)
        self._refilled = now
        channel = message.target.channel_id or ""
        since = now - self._channel_last.get(channel, -1e9)
        if self._tokens < 1 or since < self.channel_interval:
            self.rejected.append(now - self.started)
            wait = max((1 - self._tokens) / self.rate, self.channel_interval - since, 0.0)
            raise RetryLater("429 Too Many Requests", after=wait, rate_limited=True)
        self._tokens -= 1
        self._channel_last[channel] = now
        self.received[message.key] += 1
        return Delivered(f"m{sum(self.received.values())}")


async def main(channels: int, rate: float, per_channel: int, busy: int) -> None:
    posts = channels * per_channel + busy
    with tempfile.TemporaryDirectory() as folder:
        db = Database.connect(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        await migrate.upgrade(db)
        clock = SystemClock()
        async with db.write() as conn:
            community_id = await ensure(conn, CommunityRef(Platform.CONSOLE, "bench"), clock.now())
            community = await load(conn, community_id)
            for n in range(posts):
                await enqueue(
                    conn,
                    community=community,
                    key=f"challenge:{n}:2026-W49",
                    target=Target.channel(f"channel-{min(n // per_channel, channels)}"),
                    reply=Reply(body="This week's challenge", private=False),
                    now=clock.now(),
                )
        platform = RateLimitedPlatform(rate=rate)
        platform.global_per_second = rate
        drainer = Drainer(db, clock, platform)
        platform.started = time.monotonic()
        while sum(platform.received.values()) < posts:
            await drainer.drain()
            if sum(platform.received.values()) < posts:
                await asyncio.sleep(0.05)  # rows waiting for their Retry-After
        elapsed = time.monotonic() - platform.started
        await db.dispose()
    longest = max(per_channel, busy)
    minimum = max(posts / rate, (longest - 1) * platform.channel_interval)
    lost = posts - len(platform.received)
    duplicated = sum(count - 1 for count in platform.received.values() if count > 1)
    late_429 = sum(1 for t in platform.rejected if t > 1.0)
    print(f"channels            {channels}, {per_channel} post(s) each; one more with {busy}")
    print(f"platform limits     {rate:g} requests/s global, 1 message/s per channel")
    print(f"time                {elapsed:.2f} s")
    print(f"theoretical minimum {minimum:.2f} s")
    print(f"ratio               {elapsed / minimum:.3f}x (aim: at most 1.2x)")
    print(f"posts lost          {lost}")
    print(f"posts duplicated    {duplicated}")
    print(f"429s received       {len(platform.rejected)} ({late_429} after the first second)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=50.0)
    parser.add_argument("--per-channel", type=int, default=1)
    parser.add_argument("--busy", type=int, default=0)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.channels, arguments.rate, arguments.per_channel, arguments.busy))
