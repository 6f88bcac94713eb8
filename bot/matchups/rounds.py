"""Making a matchup round in the caller's transaction: whether the cadence makes one, the plan
(who is in the pool and the groups they make), the stored groups with their intros and the
"did you meet?" follow-ups, and judging earlier rounds.

A round is named `<community>:<ISO week>` (the week in the community's zone) and stored with
its groups in the same transaction as its outbox rows, so a crash before the commit leaves
nothing and the next attempt computes the same groups again (the matching is deterministic
for a round id), and an attempt after the commit finds the stored round and does nothing.

The follow-up is an outbox row written with the round whose delivery is due five days later;
the outbox delivers nothing before a row's `next_attempt_at`. A member "ignored" a round when
neither they answered nor a groupmate said they met; three ignored rounds in a row put their
matchups on hold (status `idle`) with a message saying how to come back. A round is only
judged once its follow-up went out, when the next round is made.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.checkins.service import CheckinService
from bot.classes.model import class_index
from bot.communities.model import Community, Purpose
from bot.content.model import ContentPack, Phase
from bot.content.provider import ContentProvider
from bot.errors import UserError
from bot.fire_times import next_fire, trigger
from bot.matchups import messages
from bot.matchups.model import (
    Made,
    MatchSettings,
    NewRound,
    Past,
    Person,
    Plan,
    Seat,
    pair_key,
)
from bot.matchups.overlap import shared_hours
from bot.matchups.pairing import make_groups
from bot.matchups.profiles import interests_of, profile
from bot.matchups.scoring import REPEAT_HORIZON
from bot.matchups.store import participants, rounds
from bot.members.model import Member
from bot.milestones.service import MilestoneService
from bot.outbox import Target, enqueue
from bot.pauses.service import PauseService
from bot.roadmap.model import Standing
from bot.roadmap.service import standing
from bot.storage.transaction import Transaction
from bot.weeks import WEEK, week_key, week_start

FOLLOW_UP_AFTER = timedelta(days=5)
IDLE_AFTER = 3
"""Rounds ignored in a row after which a member's matchups are put on hold."""
BLOCKER_WEEKS = 3
"""Only a check-in from the last three weeks is recent enough to share its blocker."""


def round_id(community_id: int, monday: date) -> str:
    return f"{community_id}:{week_key(monday)}"


def pick(options: tuple[str, ...], seed: str) -> str | None:
    """One of `options`, the same for the same seed."""
    if not options:
        return None
    digest = hashlib.sha256(seed.encode()).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


def _phase(pack: ContentPack, where: Standing) -> Phase:
    """The member's phase; before their start date, the first one."""
    return pack.phases[0] if where.plan is None else where.plan.phase


class Rounds:
    """Rounds of one community at a time, always in a transaction the caller holds."""

    def __init__(
        self,
        content: ContentProvider,
        pauses: PauseService,
        checkins: CheckinService,
        milestones: MilestoneService,
    ) -> None:
        self._content = content
        self._pauses = pauses
        self._checkins = checkins
        self._milestones = milestones

    async def due(
        self, tx: Transaction, community_id: int, chosen: MatchSettings, monday: date
    ) -> bool:
        """Whether the schedule makes a round in the week of `monday`: once a week, or every
        other week counted from the last round (`biweekly` skips the week after a round)."""
        if await rounds.round_of_week(tx, community_id, week_key(monday)):
            return False
        if chosen.cadence == "biweekly":
            return await rounds.round_of_week(tx, community_id, week_key(monday - WEEK)) is None
        return True

    async def next_round_at(
        self, tx: Transaction, community: Community, chosen: MatchSettings, now: datetime
    ) -> datetime | None:
        """When the schedule makes the next round, if it does within three weeks."""
        zone = ZoneInfo(community.timezone)
        cron = trigger(community.schedule(Purpose.MATCHUPS), community.timezone)
        cursor = now
        for _ in range(3):  # this week, next week, or the week after (biweekly)
            fire = next_fire(cron, cursor)
            if fire is None:
                return None
            if await self.due(tx, community.id, chosen, week_start(fire.astimezone(zone).date())):
                return fire
            cursor = fire
        return None

    async def next_round_week(
        self, tx: Transaction, community: Community, chosen: MatchSettings, now: datetime
    ) -> date:
        fire = await self.next_round_at(tx, community, chosen, now)
        return week_start((fire or now).astimezone(ZoneInfo(community.timezone)).date())

    async def plan(
        self,
        tx: Transaction,
        community: Community,
        monday: date,
        chosen: MatchSettings,
        now: datetime,
    ) -> Plan:
        pack = self._content.for_community(community)
        # Pauses are dates on each member's own clock, up to a day away from UTC's.
        pauses = await self._pauses.of_community(tx, community.id, now.date() - timedelta(days=2))
        entries = {
            e.member.id: e
            for e in await participants.active(tx, community.id)
            if not e.participant.skip_next
            and not any(p.covers(e.member.today(now)) for p in pauses.get(e.member.id, ()))
        }
        standings = {i: standing(pack, e.member, now) for i, e in entries.items()}
        people = [
            Person(
                id=i,
                timezone=e.member.timezone,
                phase=_phase(pack, standings[i]).number,
                interests=frozenset(interests_of(e).words),
                klass=class_index(e.member),
            )
            for i, e in entries.items()
        ]
        since = monday - timedelta(weeks=REPEAT_HORIZON)
        met = {
            pair: (monday - week).days // 7
            for pair, week in (await rounds.history(tx, community.id, since, monday)).items()
        }
        past = Past(
            met=met,
            odd=frozenset(await rounds.previous_odd(tx, community.id, monday)),
            blocked=frozenset(
                pair_key(a, b) for a, b in await participants.blocked_pairs(tx, community.id)
            ),
        )
        name = round_id(community.id, monday)
        grouping = make_groups(
            people, chosen.size, chosen.mode, past, name, monday, classes=chosen.classes
        )
        return Plan(name, week_key(monday), monday, chosen, entries, standings, grouping)

    async def make(
        self, tx: Transaction, community: Community, monday: date, now: datetime
    ) -> Made | None:
        """Make the round of the week of `monday`; None when it was made already, or when
        nobody takes part (then no round is stored, so one can still be made that week)."""
        week = week_key(monday)
        if await rounds.round_of_week(tx, community.id, week) is not None:
            return None
        channel = community.channels.get(Purpose.MATCHUPS)
        if channel is None:
            raise UserError(messages.NO_CHANNEL)
        chosen = await participants.settings(tx, community.id)
        for member in await self._settle(tx, community.id, now):
            await enqueue(
                tx,
                community=community,
                key=f"match-idle:{community.id}:{week}:{member.id}",
                target=Target.direct(member.user_id),
                reply=messages.idled(IDLE_AFTER),
                now=now,
            )
        plan = await self.plan(tx, community, monday, chosen, now)
        if not plan.entries:
            return None
        grouping = plan.grouping
        new_id = await rounds.add_round(
            tx,
            NewRound(
                community_id=community.id,
                week=week,
                week_start=monday,
                size=chosen.size,
                mode=chosen.mode,
                pool=len(plan.entries),
                repeats=grouping.repeats,
                repeats_avoided=grouping.repeats_avoided,
                created_at=now,
            ),
        )
        await rounds.add_groups(tx, new_id, grouping.groups)
        await participants.clear_skips(tx, community.id)
        await self._announce(tx, community, channel, plan, new_id, now)
        made = await rounds.round_of_week(tx, community.id, week)
        if made is None:
            raise RuntimeError("the round vanished right after it was written")
        sizes = tuple(len(g.members) for g in grouping.groups)
        return Made(made, sizes, len(grouping.unplaced))

    async def _announce(
        self,
        tx: Transaction,
        community: Community,
        channel: str,
        plan: Plan,
        new_id: int,
        now: datetime,
    ) -> None:
        """Queue each group's intro and its follow-up, and a note to whoever has no match."""
        pack = self._content.for_community(community)
        week, monday = plan.week, plan.monday
        since = monday - timedelta(weeks=BLOCKER_WEEKS)
        blockers = {
            member_id: text
            for member_id, text in (
                await self._checkins.newest_blockers(tx, community.id, since)
            ).items()
            if member_id in plan.entries and plan.entries[member_id].participant.share_blockers
        }
        done = await self._milestones.completed_in(tx, community.id)
        for number, group in enumerate(plan.grouping.groups, 1):
            profiles = [
                profile(pack, plan.entries[i], plan.standings[i], blockers.get(i), done.get(i))
                for i in group.members
            ]
            users = [p.member.user_id for p in profiles]
            target = Target.group(channel, users)
            intro = f"match:{community.id}:{week}:{number}"
            hours = shared_hours(tuple(p.member.timezone for p in profiles), monday)
            icebreaker = pick(pack.icebreakers, f"{plan.round_id}:{number}")
            await enqueue(
                tx,
                community=community,
                key=intro,
                target=target,
                reply=messages.intro(week, profiles, hours, icebreaker),
                now=now,
            )
            # Written now, delivered from five days later (see the module's docstring), in
            # the intro's conversation: on Discord, the same private thread.
            await enqueue(
                tx,
                community=community,
                key=f"match-met:{community.id}:{week}:{number}",
                target=Target.group(channel, users, follows=intro),
                reply=messages.follow_up(new_id, week, users),
                now=now,
                not_before=now + FOLLOW_UP_AFTER,
            )
        for member_id in plan.grouping.unplaced:
            user = plan.entries[member_id].member.user_id
            await enqueue(
                tx,
                community=community,
                key=f"match-alone:{community.id}:{week}:{member_id}",
                target=Target.direct(user),
                reply=messages.alone(week),
                now=now,
            )

    async def _settle(self, tx: Transaction, community_id: int, now: datetime) -> list[Member]:
        """Judge every earlier round whose follow-up went out: who engaged and who ignored it.
        Returns the members whose matchups this put on hold."""
        for earlier in await rounds.unsettled(tx, community_id):
            if earlier.created_at + FOLLOW_UP_AFTER > now:
                continue
            groups: defaultdict[int, list[Seat]] = defaultdict(list)
            for seat in await rounds.seats(tx, earlier.id):
                groups[seat.group_id].append(seat)
            engaged: list[int] = []
            ignored: list[int] = []
            for seats in groups.values():
                someone_met = any(s.met for s in seats)
                for seat in seats:
                    answered = seat.met is not None or someone_met
                    (engaged if answered else ignored).append(seat.member_id)
            await participants.count_ignored(tx, engaged, ignored)
            await rounds.mark_settled(tx, earlier.id)
        return await participants.idle_out(tx, community_id, IDLE_AFTER)
