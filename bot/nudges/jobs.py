"""The scheduled jobs: the weekly check-in prompt and the hourly reminders.

The prompt posts in the community's check-ins channel at its check-ins day and time, once per
week (key `checkin-prompt:<community>:<week>`). Reminders are looked for every hour, because
each member is reminded on their own clock; each goes once (key
`nudge:<community>:<member>:<week>` or `goal-due:<community>:<goal>`).
"""

from __future__ import annotations

from bot.checkins.weeks import open_week, week_key
from bot.clock import Clock
from bot.communities.model import Community, Purpose, Schedule
from bot.goals.service import due_reminders
from bot.holidays import store as holidays_store
from bot.nudges import messages, store
from bot.nudges.service import reminders_due
from bot.outbox import Target, enqueue
from bot.scheduler import Job, Occurrence
from bot.storage.database import Database
from bot.storage.transaction import Transaction

HOURLY = "0 * * * *"


def checkin_prompt(db: Database) -> Job:
    def schedule(community: Community) -> Schedule | None:
        if Purpose.CHECKINS not in community.channels:
            return None
        return community.schedule(Purpose.CHECKINS)

    async def run(tx: Transaction, community: Community, occurrence: Occurrence) -> None:
        week = open_week(occurrence.due_at, community.timezone)
        holiday = week in await holidays_store.weeks(tx, community.id)
        checked_in = await store.count_checked_in(tx, community.id, week)
        await enqueue(
            tx,
            community=community,
            key=f"checkin-prompt:{community.id}:{week_key(week)}",
            target=Target.channel(community.channels[Purpose.CHECKINS]),
            reply=messages.prompt(week, checked_in, holiday, occurrence.late),
            now=occurrence.due_at,
        )

    return Job("checkin-prompt", schedule, run)


def reminders(db: Database, clock: Clock) -> Job:
    def schedule(community: Community) -> Schedule | None:
        checkins = community.schedule(Purpose.CHECKINS)
        return Schedule(Purpose.CHECKINS, 0, "00:00", enabled=checkins.enabled, cron=HOURLY)

    async def run(tx: Transaction, community: Community, occurrence: Occurrence) -> None:
        # Decide on the real time: a late run must not remind about a week already closed.
        now = clock.now()
        for due in await reminders_due(tx, community.id, now):
            key = f"nudge:{community.id}:{due.member.id}:{week_key(due.week)}"
            target = Target.direct(due.member.user_id)
            reply = messages.reminder(due)
            await enqueue(tx, community=community, key=key, target=target, reply=reply, now=now)
        for member, goal in await due_reminders(tx, community.id, now):
            key = f"goal-due:{community.id}:{goal.id}"
            target = Target.direct(member.user_id)
            reply = messages.goal_due(goal)
            await enqueue(tx, community=community, key=key, target=target, reply=reply, now=now)

    return Job("reminders", schedule, run)
