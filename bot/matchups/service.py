"""Matchups logic: who takes part, making a round in the scheduler's transaction (groups,
intros and the "did you meet?" follow-ups all written together), answers, and what organizers
see.

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
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.checkins.streaks import Pause
from bot.checkins.weeks import WEEK, week_key, week_start
from bot.clock import Clock
from bot.communities.model import Community, Purpose
from bot.content.model import ContentPack, Phase
from bot.content.provider import ContentProvider
from bot.errors import UserError
from bot.matchups import messages, store
from bot.matchups.overlap import shared_hours
from bot.matchups.pairing import REPEAT_HORIZON, Grouping, Mode, Past, Person, make_groups, pair_key
from bot.matchups.profiles import (
    Interests,
    interests_of,
    parse_interests,
    profile,
)
from bot.matchups.store import Entry, MatchSettings, Participant, Round, Seat, Status, Totals
from bot.members.model import Member
from bot.members.service import MemberService
from bot.outbox import Target, enqueue
from bot.pauses import store as pauses_store
from bot.roadmap.service import Standing, standing
from bot.scheduler import Occurrence, next_fire, trigger
from bot.storage.database import Database
from bot.storage.transaction import Transaction

FOLLOW_UP_AFTER = timedelta(days=5)
RUN_GAP = timedelta(days=6)
"""`match run` waits this long after the last round."""
IDLE_AFTER = 3
"""Rounds ignored in a row after which a member's matchups are put on hold."""
BLOCKER_WEEKS = 3
"""Only a check-in from the last three weeks is recent enough to share its blocker."""
CADENCES = ("weekly", "biweekly")


def round_id(community_id: int, monday: date) -> str:
    return f"{community_id}:{week_key(monday)}"


def pick(options: tuple[str, ...], seed: str) -> str | None:
    """One of `options`, the same for the same seed."""
    if not options:
        return None
    digest = hashlib.sha256(seed.encode()).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


@dataclass(frozen=True, slots=True)
class Plan:
    """The groups a round makes (or would make), with who they were made from."""

    round_id: str
    week: str
    monday: date
    settings: MatchSettings
    entries: dict[int, Entry]  # the pool, by member id
    standings: dict[int, Standing]
    grouping: Grouping


@dataclass(frozen=True, slots=True)
class Made:
    round: Round
    sizes: tuple[int, ...]  # of each group made
    unplaced: int


@dataclass(frozen=True, slots=True)
class Joined:
    participant: Participant
    new: bool  # not taking part before
    interests: Interests
    has_channel: bool  # without a matchups channel no round is made


@dataclass(frozen=True, slots=True)
class Overview:
    """A member's matchups: taking part or not, their newest group, a pause under way, and
    whether they are in the next round."""

    participant: Participant | None
    latest: tuple[Round, list[Seat]] | None
    pause: Pause | None
    interests: Interests
    paused_for_next: bool  # a pause covers the day of the next round


class MatchService:
    def __init__(
        self, db: Database, clock: Clock, content: ContentProvider, members: MemberService
    ) -> None:
        self._db = db
        self._clock = clock
        self._content = content
        self._members = members

    # -- members -----------------------------------------------------------------------------

    async def join(
        self, community: Community, user_id: str, interests: str | None, share: bool | None
    ) -> Joined:
        """Take part (again), optionally changing interests and blocker sharing."""
        member = await self._members.require(community.id, user_id)
        parsed = None if interests is None else parse_interests(interests)
        async with self._db.write() as tx:
            existing = await store.participant(tx, member.id)
            if existing is None:
                await store.save_participant(
                    tx,
                    member.id,
                    status=Status.ACTIVE,
                    interests=store.join_interests(parsed or ()),
                    share_blockers=bool(share),
                    skip_next=False,
                    ignored=0,
                    joined_at=self._clock.now(),
                )
            else:
                values: dict[str, object] = {"status": Status.ACTIVE, "ignored": 0}
                if parsed is not None:
                    values["interests"] = store.join_interests(parsed)
                if share is not None:
                    values["share_blockers"] = share
                await store.update_participant(tx, member.id, **values)
            joined = await store.participant(tx, member.id)
        if joined is None:
            raise RuntimeError("participation missing right after it was written")
        new = existing is None or existing.status != Status.ACTIVE
        has_channel = Purpose.MATCHUPS in community.channels
        return Joined(joined, new, interests_of(Entry(member, joined)), has_channel)

    async def _require_active(self, tx: Transaction, member: Member) -> None:
        found = await store.participant(tx, member.id)
        if found is None or found.status != Status.ACTIVE:
            raise UserError(messages.NOT_TAKING_PART)

    async def leave(self, community: Community, user_id: str) -> None:
        member = await self._members.require(community.id, user_id)
        async with self._db.write() as tx:
            await self._require_active(tx, member)
            await store.update_participant(tx, member.id, status=Status.LEFT, skip_next=False)

    async def skip(self, community: Community, user_id: str, undo: bool) -> None:
        member = await self._members.require(community.id, user_id)
        async with self._db.write() as tx:
            await self._require_active(tx, member)
            await store.update_participant(tx, member.id, skip_next=not undo)

    async def block(self, community: Community, user_id: str, other: str, undo: bool) -> bool:
        """Block (or unblock) another member by platform user id; False when nothing changed."""
        if other == user_id:
            raise UserError(messages.BLOCK_YOURSELF)
        if len(other) > 64:
            raise UserError(messages.NOT_A_MEMBER_ID)
        member = await self._members.require(community.id, user_id)
        async with self._db.write() as tx:
            if undo:
                return await store.remove_block(tx, member.id, other)
            return await store.add_block(tx, member.id, other, self._clock.now())

    async def overview(self, community: Community, user_id: str) -> Overview:
        member = await self._members.require(community.id, user_id)
        now = self._clock.now()
        today = member.today(now)
        async with self._db.read() as tx:
            participation = await store.participant(tx, member.id)
            latest = await store.latest_group(tx, member.id)
            under_way = await pauses_store.current(tx, member.id, today)
            chosen = await store.settings(tx, community.id)
            next_round = await self._next_round_at(tx, community, chosen, now)
        pause = under_way[1] if under_way and under_way[1].covers(today) else None
        paused_for_next = (
            under_way is not None
            and next_round is not None
            and under_way[1].covers(member.today(next_round))
        )
        interests = (
            interests_of(Entry(member, participation)) if participation else Interests((), False)
        )
        return Overview(participation, latest, pause, interests, paused_for_next)

    async def answer(self, community: Community, user_id: str, round_row: int, met: bool) -> None:
        """Record whether the member met their group of a round (the round's row id)."""
        member = await self._members.require(community.id, user_id)
        async with self._db.write() as tx:
            found = await store.round_by_id(tx, community.id, round_row)
            if found is None or not await store.answer(
                tx, found.id, member.id, met, self._clock.now()
            ):
                raise UserError(messages.NOT_IN_ROUND)

    # -- organizers --------------------------------------------------------------------------

    async def settings(self, community: Community) -> MatchSettings:
        async with self._db.read() as tx:
            return await store.settings(tx, community.id)

    async def configure(
        self, community: Community, cadence: str | None, size: int | None, mode: str | None
    ) -> MatchSettings:
        async with self._db.write() as tx:
            chosen = await store.settings(tx, community.id)
            if cadence is not None:
                chosen = replace(chosen, cadence=cadence)
            if size is not None:
                chosen = replace(chosen, size=size)
            if mode is not None:
                chosen = replace(chosen, mode=Mode(mode))
            await store.save_settings(tx, community.id, chosen)
        return chosen

    async def stats(self, community: Community) -> Totals:
        async with self._db.read() as tx:
            return await store.totals(tx, community.id)

    async def preview(self, community: Community) -> Plan:
        """The groups the next round would make if it were made now."""
        now = self._clock.now()
        async with self._db.read() as tx:
            chosen = await store.settings(tx, community.id)
            monday = await self._next_round_week(tx, community, chosen, now)
            return await self._plan(tx, community, monday, chosen, now)

    async def run_now(self, community: Community) -> Made:
        """Make the next round (the one `preview` shows) now; the schedule then skips its
        week. Refused within six days of the last round, so a second press or a second
        organizer never makes two rounds in a row."""
        now = self._clock.now()
        async with self._db.write() as tx:
            latest = await store.latest_round(tx, community.id)
            if latest is not None and now - latest.created_at < RUN_GAP:
                raise UserError(messages.too_soon(latest.created_at, community.timezone))
            chosen = await store.settings(tx, community.id)
            monday = await self._next_round_week(tx, community, chosen, now)
            made = await self._make(tx, community, monday, now)
        if made is None:
            raise UserError(messages.NOBODY)
        return made

    # -- rounds ------------------------------------------------------------------------------

    async def scheduled(
        self, tx: Transaction, community: Community, occurrence: Occurrence
    ) -> None:
        """The scheduled round of the occurrence's week, in the claiming transaction."""
        monday = week_start(occurrence.local_date)
        chosen = await store.settings(tx, community.id)
        if not await self._due(tx, community.id, chosen, monday):
            return
        await self._make(tx, community, monday, self._clock.now())

    async def _due(
        self, tx: Transaction, community_id: int, chosen: MatchSettings, monday: date
    ) -> bool:
        """Whether the schedule makes a round in the week of `monday`: once a week, or every
        other week counted from the last round (`biweekly` skips the week after a round)."""
        if await store.round_of_week(tx, community_id, week_key(monday)):
            return False
        if chosen.cadence == "biweekly":
            return await store.round_of_week(tx, community_id, week_key(monday - WEEK)) is None
        return True

    async def _next_round_at(
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
            if await self._due(tx, community.id, chosen, week_start(fire.astimezone(zone).date())):
                return fire
            cursor = fire
        return None

    async def _next_round_week(
        self, tx: Transaction, community: Community, chosen: MatchSettings, now: datetime
    ) -> date:
        fire = await self._next_round_at(tx, community, chosen, now)
        return week_start((fire or now).astimezone(ZoneInfo(community.timezone)).date())

    async def _plan(
        self,
        tx: Transaction,
        community: Community,
        monday: date,
        chosen: MatchSettings,
        now: datetime,
    ) -> Plan:
        pack = self._content.for_community(community)
        # Pauses are dates on each member's own clock, up to a day away from UTC's.
        pauses = await pauses_store.of_community(tx, community.id, now.date() - timedelta(days=2))
        entries = {
            e.member.id: e
            for e in await store.active(tx, community.id)
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
            )
            for i, e in entries.items()
        ]
        since = monday - timedelta(weeks=REPEAT_HORIZON)
        met = {
            pair: (monday - week).days // 7
            for pair, week in (await store.history(tx, community.id, since, monday)).items()
        }
        past = Past(
            met=met,
            odd=frozenset(await store.previous_odd(tx, community.id, monday)),
            blocked=frozenset(
                pair_key(a, b) for a, b in await store.blocked_pairs(tx, community.id)
            ),
        )
        name = round_id(community.id, monday)
        grouping = make_groups(people, chosen.size, chosen.mode, past, name, monday)
        return Plan(name, week_key(monday), monday, chosen, entries, standings, grouping)

    async def _make(
        self, tx: Transaction, community: Community, monday: date, now: datetime
    ) -> Made | None:
        """Make the round of the week of `monday`; None when it was made already, or when
        nobody takes part (then no round is stored, so one can still be made that week)."""
        week = week_key(monday)
        if await store.round_of_week(tx, community.id, week) is not None:
            return None
        channel = community.channels.get(Purpose.MATCHUPS)
        if channel is None:
            raise UserError(messages.NO_CHANNEL)
        chosen = await store.settings(tx, community.id)
        for member in await self._settle(tx, community.id, now):
            await enqueue(
                tx,
                community=community,
                key=f"match-idle:{community.id}:{week}:{member.id}",
                target=Target.direct(member.user_id),
                reply=messages.idled(IDLE_AFTER),
                now=now,
            )
        plan = await self._plan(tx, community, monday, chosen, now)
        if not plan.entries:
            return None
        grouping = plan.grouping
        new_id = await store.add_round(
            tx,
            community_id=community.id,
            week=week,
            week_start=monday,
            size=chosen.size,
            mode=chosen.mode.value,
            pool=len(plan.entries),
            repeats=grouping.repeats,
            repeats_avoided=grouping.repeats_avoided,
            created_at=now,
        )
        await store.add_groups(tx, new_id, grouping.groups)
        await store.clear_skips(tx, community.id)
        pack = self._content.for_community(community)
        since = monday - timedelta(weeks=BLOCKER_WEEKS)
        blockers = await store.recent_blockers(tx, community.id, since)
        done = await store.completed_milestones(tx, community.id)
        for number, group in enumerate(grouping.groups, 1):
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
        for member_id in grouping.unplaced:
            user = plan.entries[member_id].member.user_id
            await enqueue(
                tx,
                community=community,
                key=f"match-alone:{community.id}:{week}:{member_id}",
                target=Target.direct(user),
                reply=messages.alone(week),
                now=now,
            )
        made = await store.round_of_week(tx, community.id, week)
        if made is None:
            raise RuntimeError("the round vanished right after it was written")
        sizes = tuple(len(g.members) for g in grouping.groups)
        return Made(made, sizes, len(grouping.unplaced))

    async def _settle(self, tx: Transaction, community_id: int, now: datetime) -> list[Member]:
        """Judge every earlier round whose follow-up went out: who engaged and who ignored it.
        Returns the members whose matchups this put on hold."""
        for earlier in await store.unsettled(tx, community_id):
            if earlier.created_at + FOLLOW_UP_AFTER > now:
                continue
            groups: defaultdict[int, list[Seat]] = defaultdict(list)
            for seat in await store.seats(tx, earlier.id):
                groups[seat.group_id].append(seat)
            engaged: list[int] = []
            ignored: list[int] = []
            for seats in groups.values():
                someone_met = any(s.met for s in seats)
                for seat in seats:
                    answered = seat.met is not None or someone_met
                    (engaged if answered else ignored).append(seat.member_id)
            await store.count_ignored(tx, engaged, ignored)
            await store.mark_settled(tx, earlier.id)
        return await store.idle_out(tx, community_id, IDLE_AFTER)


def _phase(pack: ContentPack, where: Standing) -> Phase:
    """The member's phase; before their start date, the first one."""
    return pack.phases[0] if where.plan is None else where.plan.phase
