"""The scheduled jobs: the weekly check-in prompt and the hourly reminders.

The prompt posts in the community's check-ins channel at its check-ins day and time, once per
week (key `checkin-prompt:<community>:<week>`). Reminders are looked for every hour, because
each member is reminded on their own clock; each goes once (key
`nudge:<community>:<member>:<week>` or `goal-due:<community>:<goal>`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from bot.communities.model import Community, Purpose, Schedule
from bot.jobs import Job, Occurrence, Write
from bot.members.model import Member
from bot.nudges import messages
from bot.nudges.service import NudgeService
from bot.outbox import Post, Target, enqueue, enqueue_all, queued
from bot.storage.transaction import Transaction
from bot.weeks import open_week, week_key

HOURLY = "0 * * * *"


def checkin_prompt(service: NudgeService) -> Job:
    def schedule(community: Community) -> Schedule | None:
        if Purpose.CHECKINS not in community.channels:
            return None
        return community.schedule(Purpose.CHECKINS)

    async def run(tx: Transaction, community: Community, occurrence: Occurrence) -> None:
        week = open_week(occurrence.due_at, community.timezone)
        holiday, checked_in = await service.checkin_prompt(tx, community.id, week)
        await enqueue(
            tx,
            community=community,
            key=f"checkin-prompt:{community.id}:{week_key(week)}",
            target=Target.channel(community.channels[Purpose.CHECKINS]),
            reply=messages.prompt(week, checked_in, holiday, occurrence.late),
            now=occurrence.due_at,
        )

    return Job("checkin-prompt", schedule, run)


def reminders(service: NudgeService) -> Job:
    def schedule(community: Community) -> Schedule | None:
        checkins = community.schedule(Purpose.CHECKINS)
        return Schedule(Purpose.CHECKINS, 0, "00:00", enabled=checkins.enabled, cron=HOURLY)

    async def decide(
        tx: Transaction, batch: Sequence[tuple[Community, Occurrence]]
    ) -> dict[int, Write]:
        # Decide on the time the run started, not the time it was due: a late run must not
        # remind about a week already closed.
        at: dict[datetime, list[Community]] = {}
        for community, occurrence in batch:
            at.setdefault(occurrence.started_at or occurrence.due_at, []).append(community)
        writes: dict[int, Write] = {}
        for now, communities in at.items():
            writes |= await _decide_at(service, tx, communities, now)
        return writes

    return Job("reminders", schedule, pending=service.pending, decide=decide)


async def _decide_at(
    service: NudgeService, tx: Transaction, communities: Sequence[Community], now: datetime
) -> dict[int, Write]:
    """The reminders of these communities at `now`, by community: a write for each community
    with one to queue. The window is open for hours and each run finds the same members:
    those already queued are dropped before the costly half of the decision (check-ins,
    pauses, streaks), and a community with nothing new gets no write."""
    by_id = {c.id: c for c in communities}
    candidates = {
        _nudge_key(member, week): (member, week)
        for member, week in await service.reminder_candidates(tx, list(by_id), now)
    }
    goals = {
        f"goal-due:{member.community_id}:{goal.id}": (member, goal)
        for member, goal in await service.goals_due(tx, list(by_id), now)
    }
    known = await queued(tx, [*candidates, *goals])
    waiting = [candidate for key, candidate in candidates.items() if key not in known]
    posts: dict[int, list[Post]] = {}
    for due in await service.reminders_for(tx, waiting, now):
        key = _nudge_key(due.member, due.week)
        post = Post(key, Target.direct(due.member.user_id), messages.reminder(due))
        posts.setdefault(due.member.community_id, []).append(post)
    for key, (member, goal) in goals.items():
        if key not in known:
            post = Post(key, Target.direct(member.user_id), messages.goal_due(goal))
            posts.setdefault(member.community_id, []).append(post)
    return {i: _queue(by_id[i], found, now) for i, found in posts.items()}


def _queue(community: Community, posts: list[Post], now: datetime) -> Write:
    async def write(tx: Transaction) -> None:
        await enqueue_all(tx, community=community, posts=posts, now=now)

    return write


def _nudge_key(member: Member, week: date) -> str:
    return f"nudge:{member.community_id}:{member.id}:{week_key(week)}"
