"""Running the retro job at chosen moments, as the scheduler would, and collecting what the
outbox delivers: days of a simulated journey without stepping through every hour."""

from __future__ import annotations

from datetime import datetime

from bot.app import Cohort
from bot.clock import ManualClock
from bot.jobs import Occurrence
from bot.outbox import Message
from bot.retros.jobs import retros
from bot.retros.service import RetroService
from tests.fakes.sender import RecordingSender
from tests.support import COMMUNITY


async def run_job(cohort: Cohort, clock: ManualClock, when: datetime) -> list[Message]:
    """Run the retro job at `when` and deliver what it queued."""
    clock.set(when)
    job = retros(cohort.services.get(RetroService))
    community = await cohort.communities.resolve(COMMUNITY, when)
    async with cohort.db.write() as tx:
        await job.run(tx, community, Occurrence("retros", when, f"{when:%Y-%m-%dT%H:%M}", False))
    sender = RecordingSender()
    await cohort.drainer(sender).drain()
    return sender.delivered
