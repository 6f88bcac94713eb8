"""Roadmap logic: months of the journey, the plan for each month, and where a member stands.

The journey starts on a member's start date. Month 1 runs until the same day of the next
month (the 31st falls back to the month's last day), so the months follow the calendar the
member lives in. Each phase's milestones are spread over its months in file order, by their
estimated hours; the open-ended last phase is planned over one year, after which a member keeps
going in their specialization.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from typing import TYPE_CHECKING

from bot.communities.model import Community
from bot.content.model import ContentPack, Milestone
from bot.content.plan import planned_months
from bot.members.model import Member
from bot.members.service import MemberService
from bot.roadmap.model import MonthPlan, Standing

if TYPE_CHECKING:
    from bot.content.provider import ContentProvider


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the last day of that month when it is shorter."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def month_of_journey(start: date, today: date) -> int:
    """1 from the start date until the same day next month, 2 after that, and so on; 0
    before the start date."""
    if today < start:
        return 0
    months = (today.year - start.year) * 12 + today.month - start.month
    if add_months(start, months) > today:
        months -= 1
    return months + 1


def spread(milestones: tuple[Milestone, ...], months: int) -> list[tuple[Milestone, ...]]:
    """Milestones spread over `months` in order, each in the month its work starts when the
    hours of the milestones before it are done; the first month always has one."""
    total = sum(m.hours for m in milestones)
    buckets: list[list[Milestone]] = [[] for _ in range(months)]
    done = 0
    for milestone in milestones:
        buckets[done * months // total].append(milestone)
        done += milestone.hours
    return [tuple(bucket) for bucket in buckets]


def month_plan(pack: ContentPack, month: int) -> MonthPlan:
    phase = pack.phase_for_month(month)
    length = planned_months(phase)
    position = month - phase.months.start + 1
    months = spread(tuple(phase.milestones), length)
    if position > length:
        return MonthPlan(month, phase, position, length, (), None)
    earlier = [bucket[-1] for bucket in months[: position - 1] if bucket]
    scheduled = months[position - 1]
    carried = earlier[-1] if earlier and not scheduled else None
    return MonthPlan(month, phase, position, length, scheduled, carried)


def standing(pack: ContentPack, member: Member, now: datetime) -> Standing:
    today = member.today(now)
    month = month_of_journey(member.start_date, today)
    week = member.week_of_journey(now)
    if month == 0:
        return Standing(member.start_date, today, 0, 0, 0, member.weekly_hours, None)
    plan = month_plan(pack, month)
    phase_start = add_months(member.start_date, plan.phase.months.start - 1)
    week_in_phase = (today - phase_start).days // 7 + 1
    return Standing(member.start_date, today, month, week, week_in_phase, member.weekly_hours, plan)


class RoadmapService:
    """The pack a community uses and where a caller stands on it."""

    def __init__(self, content: ContentProvider, members: MemberService) -> None:
        self._content = content
        self._members = members

    def pack(self, community: Community) -> ContentPack:
        """The community's pack; raises ContentError when its pack is broken."""
        return self._content.for_community(community)

    async def standing(
        self, community: Community, user_id: str, now: datetime
    ) -> tuple[ContentPack, Standing | None]:
        """The community's pack, and where the caller stands; None when they have not joined."""
        pack = self.pack(community)
        member = await self._members.find(community.id, user_id)
        if member is None or not member.active:
            return pack, None
        return pack, standing(pack, member, now)
