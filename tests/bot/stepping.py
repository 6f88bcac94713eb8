"""Moving a test clock through scheduled occurrences, as the ticker and the console do."""

from __future__ import annotations

from datetime import datetime

from bot.app import Cohort
from bot.clock import ManualClock
from bot.outbox import Message
from tests.fakes.sender import RecordingSender


async def step_until(
    cohort: Cohort, clock: ManualClock, end: datetime
) -> list[tuple[datetime, Message]]:
    """Run every occurrence of the core's scheduler up to `end`, each at its own time, and
    return what the outbox delivered on the way, with when."""
    sender = RecordingSender()
    drainer = cohort.drainer(sender)
    delivered: list[tuple[datetime, Message]] = []

    async def deliver() -> None:
        await drainer.drain()
        delivered.extend((clock.now(), m) for m in sender.delivered)
        sender.delivered.clear()

    await cohort.scheduler.step_until(clock.set, end, deliver)
    return delivered
