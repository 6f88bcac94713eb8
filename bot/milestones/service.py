"""Milestone logic: finding milestones in the community's pack, recording them, progress per
phase, and the suggestion to move on once a phase is complete.

The phase a member is in comes from :func:`bot.roadmap.service.standing` (their start date);
finishing a phase early suggests a start date that puts them at the start of the next one.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import datetime

from bot.commands import suggest
from bot.communities.model import Community
from bot.content.model import ContentPack, Milestone, Phase
from bot.content.provider import ContentProvider
from bot.errors import UserError
from bot.members.model import Member
from bot.members.service import MemberService, active_member
from bot.milestones import messages, store
from bot.milestones.model import Checklist, Completed, MoveOn, PhaseProgress
from bot.roadmap.service import add_months, standing
from bot.storage.database import Database
from bot.storage.transaction import Transaction

MAX_PER_CHECKIN = 15  # 15 ids of at most 64 characters fit the check-in's column
_SEPARATORS = re.compile(r"[\s,;]+")


def parse_ids(text: str) -> tuple[str, ...]:
    """Milestone ids typed as a list: separated by commas or spaces, in any case."""
    return tuple(dict.fromkeys(i.strip("`").lower() for i in _SEPARATORS.split(text) if i))


def locate(pack: ContentPack, milestone_id: str) -> tuple[Phase, Milestone] | None:
    for phase in pack.phases:
        for milestone in phase.milestones:
            if milestone.id == milestone_id:
                return phase, milestone
    return None


def all_ids(pack: ContentPack) -> list[str]:
    return [m.id for phase in pack.phases for m in phase.milestones]


def lookup(pack: ContentPack, milestone_ids: Sequence[str]) -> tuple[tuple[Phase, Milestone], ...]:
    """The milestones these ids name, with their phases; an unknown id is refused with the
    nearest ones."""
    if len(milestone_ids) > MAX_PER_CHECKIN:
        raise UserError(messages.too_many(len(milestone_ids), MAX_PER_CHECKIN))
    found: list[tuple[Phase, Milestone]] = []
    for milestone_id in milestone_ids:
        located = locate(pack, milestone_id)
        if located is None:
            raise UserError(messages.unknown(milestone_id, suggest(milestone_id, all_ids(pack))))
        found.append(located)
    return tuple(found)


def progress(pack: ContentPack, done_ids: Collection[str]) -> tuple[PhaseProgress, ...]:
    return tuple(
        PhaseProgress(phase, sum(m.id in done_ids for m in phase.milestones))
        for phase in pack.phases
    )


def finished_phases(
    pack: ContentPack, done_ids: Collection[str], new_ids: Collection[str]
) -> tuple[Phase, ...]:
    """The phases that one of `new_ids` just completed."""
    return tuple(
        p.phase
        for p in progress(pack, done_ids)
        if p.complete and any(m.id in new_ids for m in p.phase.milestones)
    )


def move_on(pack: ContentPack, member: Member, finished: Phase, now: datetime) -> MoveOn:
    following = pack.phase(finished.number + 1)
    where = standing(pack, member, now)
    current = where.plan.phase.number if where.plan else 1
    start = None
    if following is not None and current <= finished.number:
        start = add_months(where.today, -(following.months.start - 1))
    return MoveOn(finished, following, start)


class MilestoneService:
    def __init__(self, db: Database, content: ContentProvider, members: MemberService) -> None:
        self._db = db
        self._content = content
        self._members = members

    async def completed_in(self, tx: Transaction, community_id: int) -> dict[int, set[str]]:
        """The milestones each member of the community completed, in the caller's
        transaction."""
        return await store.completed_in(tx, community_id)

    async def completed_between(
        self, tx: Transaction, community_id: int, start: datetime, end: datetime
    ) -> list[tuple[int, str, datetime]]:
        """(member id, milestone id, when) of every milestone completed in [start, end), in
        the caller's transaction."""
        return await store.completed_between(tx, community_id, start, end)

    async def adopt_renames(self, community: Community, pack: ContentPack) -> int:
        """Ticks made under milestone ids the pack has since renamed count under the new ids."""
        renamed = pack.renamed_milestones()
        if not renamed:
            return 0
        async with self._db.write() as tx:
            return await store.rename(tx, community.id, renamed)

    async def complete(
        self,
        community: Community,
        user_id: str,
        milestone_id: str,
        evidence: str | None,
        now: datetime,
    ) -> Completed:
        pack = self._content.for_community(community)
        ((phase, milestone),) = lookup(pack, (milestone_id.strip().lower(),))
        async with self._db.write() as tx:
            member = await active_member(tx, community.id, user_id)
            new = await store.record(tx, member.id, (milestone.id,), evidence, now)
            done = await store.completed(tx, member.id)
        finished = finished_phases(pack, done, new)
        follow = move_on(pack, member, finished[0], now) if finished else None
        return Completed(phase, milestone, not new, follow)

    async def checklist(
        self, community: Community, user_id: str, phase_number: int | None, now: datetime
    ) -> Checklist:
        pack = self._content.for_community(community)
        member = await self._members.require(community.id, user_id)
        where = standing(pack, member, now)
        current = where.plan.phase if where.plan else pack.phases[0]
        phase = current
        if phase_number is not None:
            chosen = pack.phase(phase_number)
            if chosen is None:
                raise UserError(messages.no_phase(phase_number, len(pack.phases)))
            phase = chosen
        async with self._db.read() as tx:
            done = await store.completed(tx, member.id)
        shown = progress(pack, done)
        complete = next(p for p in shown if p.phase.number == phase.number).complete
        follow = move_on(pack, member, phase, now) if complete else None
        return Checklist(phase, phase.number == current.number, done, shown, follow)

    async def suggest(
        self, community: Community, user_id: str, typed: str, now: datetime
    ) -> list[str]:
        """Milestone ids containing what was typed: the caller's current phase first, then
        the ones they have not done."""
        pack = self._content.for_community(community)
        member = await self._members.find(community.id, user_id)
        done: Collection[str] = ()
        current = 1
        if member is not None:
            where = standing(pack, member, now)
            current = where.plan.phase.number if where.plan else 1
            async with self._db.read() as tx:
                done = await store.completed(tx, member.id)
        needle = typed.lower()
        ranked = sorted(
            (
                (phase.number != current, m.id in done, phase.number, index, m.id)
                for phase in pack.phases
                for index, m in enumerate(phase.milestones)
                if needle in m.id or needle in m.title.lower()
            ),
        )
        return [milestone_id for *_, milestone_id in ranked]
