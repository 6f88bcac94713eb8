"""The hourly retro job: asking members whose quarter just ended (key
`retro:<community>:<member>:<quarter>`, a direct message) and posting the summaries of classes
whose retro closed (key `retro-summary:<community>:<YYYY-MM>:<quarter>`) in the check-ins
channel, where the class checks in every week. Without a check-ins channel a summary waits
for one (see :mod:`bot.retros.model`): the service returns only summaries there is a channel
for."""

from __future__ import annotations

from bot.communities.model import Community, Purpose, Schedule
from bot.jobs import Job, Occurrence
from bot.nudges.jobs import HOURLY
from bot.outbox import Target, enqueue
from bot.retros import messages
from bot.retros.service import RetroService
from bot.storage.transaction import Transaction


def retros(service: RetroService) -> Job:
    def schedule(community: Community) -> Schedule | None:
        checkins = community.schedule(Purpose.CHECKINS)
        return Schedule(Purpose.CHECKINS, 0, "00:00", enabled=checkins.enabled, cron=HOURLY)

    async def run(tx: Transaction, community: Community, occurrence: Occurrence) -> None:
        now = occurrence.started_at or occurrence.due_at
        for ask in await service.asks_due(tx, community.id, now):
            await enqueue(
                tx,
                community=community,
                key=f"retro:{community.id}:{ask.member.id}:{ask.quarter}",
                target=Target.direct(ask.member.user_id),
                reply=messages.ask(ask.quarter),
                now=now,
            )
        channel = community.channels.get(Purpose.CHECKINS)
        for summary in await service.summaries_due(tx, community, now):
            if channel is None:  # never: the service holds summaries back until there is one
                continue
            await enqueue(
                tx,
                community=community,
                key=(f"retro-summary:{community.id}:{summary.class_month:%Y-%m}:{summary.quarter}"),
                target=Target.channel(channel),
                reply=messages.summary(summary),
                now=now,
            )

    return Job("retros", schedule, run, pending=service.pending)
