"""A platform sender that records deliveries and fails on demand, for outbox tests."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from bot.identity import Platform
from bot.outbox import Delivered, Message, PermanentFailure, RetryLater, TargetKind


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
