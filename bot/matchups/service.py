"""Matchups logic for commands: who takes part (join, leave, skip, block, answers, a member's
overview) and what organizers do (settings, stats, preview, a round now). Every method takes
the time of its command; making a round is :mod:`bot.matchups.rounds`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import date, datetime, timedelta

from bot.communities.model import Community, Purpose
from bot.errors import UserError
from bot.jobs import Occurrence
from bot.matchups import messages, organizer_messages
from bot.matchups.model import (
    ClassMode,
    Entry,
    Interests,
    Joined,
    Made,
    MatchSettings,
    Mode,
    Outcome,
    Overview,
    Plan,
    Status,
    Totals,
)
from bot.matchups.personal import block_fingerprint
from bot.matchups.profiles import interests_of, parse_interests
from bot.matchups.rounds import Rounds
from bot.matchups.store import participants, rounds
from bot.matchups.store.personal import restore_blocks
from bot.members.model import Member
from bot.members.service import MemberService
from bot.pauses.service import PauseService
from bot.storage.database import Database
from bot.storage.transaction import Transaction
from bot.weeks import week_key, week_start

RUN_GAP = timedelta(days=6)
"""`match run` waits this long after the last round."""
CADENCES = ("weekly", "biweekly")


class MatchService:
    def __init__(
        self, db: Database, members: MemberService, pauses: PauseService, made_by: Rounds
    ) -> None:
        self._db = db
        self._members = members
        self._pauses = pauses
        self._rounds = made_by

    # -- members -----------------------------------------------------------------------------

    async def join(
        self,
        community: Community,
        user_id: str,
        interests: str | None,
        share: bool | None,
        now: datetime,
    ) -> Joined:
        """Take part (again), optionally changing interests and blocker sharing."""
        member = await self._members.require(community.id, user_id)
        parsed = None if interests is None else parse_interests(interests)
        async with self._db.write() as tx:
            existing = await participants.participant(tx, member.id)
            if existing is None:
                fingerprint = block_fingerprint(community.id, user_id)
                await restore_blocks(tx, community.id, fingerprint, user_id)
                await participants.add_participant(tx, member.id, parsed or (), bool(share), now)
            else:
                await participants.rejoin(tx, member.id, parsed, share)
            joined = await participants.participant(tx, member.id)
        if joined is None:
            raise RuntimeError("participation missing right after it was written")
        new = existing is None or existing.status != Status.ACTIVE
        has_channel = Purpose.MATCHUPS in community.channels
        return Joined(joined, new, interests_of(Entry(member, joined)), has_channel)

    async def _require_active(self, tx: Transaction, member: Member) -> None:
        found = await participants.participant(tx, member.id)
        if found is None or found.status != Status.ACTIVE:
            raise UserError(messages.NOT_TAKING_PART)

    async def leave(self, community: Community, user_id: str) -> None:
        member = await self._members.require(community.id, user_id)
        async with self._db.write() as tx:
            await self._require_active(tx, member)
            await participants.leave(tx, member.id)

    async def skip(self, community: Community, user_id: str, undo: bool) -> None:
        member = await self._members.require(community.id, user_id)
        async with self._db.write() as tx:
            await self._require_active(tx, member)
            await participants.set_skip(tx, member.id, not undo)

    async def block(
        self, community: Community, user_id: str, other: str, undo: bool, now: datetime
    ) -> bool:
        """Block (or unblock) another member by platform user id; False when nothing changed."""
        if other == user_id:
            raise UserError(messages.BLOCK_YOURSELF)
        if len(other) > 64:
            raise UserError(messages.NOT_A_MEMBER_ID)
        member = await self._members.require(community.id, user_id)
        async with self._db.write() as tx:
            if undo:
                return await participants.remove_block(tx, member.id, other)
            return await participants.add_block(tx, member.id, other, now)

    async def overview(self, community: Community, user_id: str, now: datetime) -> Overview:
        member = await self._members.require(community.id, user_id)
        today = member.today(now)
        async with self._db.read() as tx:
            participation = await participants.participant(tx, member.id)
            latest = await rounds.latest_group(tx, member.id)
            under_way = await self._pauses.upcoming(tx, member.id, today)
            chosen = await participants.settings(tx, community.id)
            next_round = await self._rounds.next_round_at(tx, community, chosen, now)
        pause = under_way if under_way and under_way.covers(today) else None
        paused_for_next = (
            under_way is not None
            and next_round is not None
            and under_way.covers(member.today(next_round))
        )
        interests = (
            interests_of(Entry(member, participation)) if participation else Interests((), False)
        )
        return Overview(participation, latest, pause, interests, paused_for_next)

    async def answer(
        self, community: Community, user_id: str, round_row: int, met: bool, now: datetime
    ) -> None:
        """Record whether the member met their group of a round (the round's row id)."""
        member = await self._members.require(community.id, user_id)
        async with self._db.write() as tx:
            found = await rounds.round_by_id(tx, community.id, round_row)
            if found is None or not await rounds.answer(tx, found.id, member.id, met, now):
                raise UserError(messages.NOT_IN_ROUND)

    # -- organizers --------------------------------------------------------------------------

    async def meetings_of(
        self, tx: Transaction, member_ids: Collection[int]
    ) -> dict[int, list[tuple[int, datetime]]]:
        """(group id, when they said so) for every matchup each of these members said they
        met in, oldest first, by member."""
        return await rounds.meetings_of(tx, member_ids)

    async def settings(self, community: Community) -> MatchSettings:
        async with self._db.read() as tx:
            return await participants.settings(tx, community.id)

    async def configure(
        self,
        community: Community,
        cadence: str | None,
        size: int | None,
        mode: str | None,
        classes: str | None = None,
    ) -> MatchSettings:
        async with self._db.write() as tx:
            chosen = await participants.settings(tx, community.id)
            if cadence is not None:
                chosen = replace(chosen, cadence=cadence)
            if size is not None:
                chosen = replace(chosen, size=size)
            if mode is not None:
                chosen = replace(chosen, mode=Mode(mode))
            if classes is not None:
                chosen = replace(chosen, classes=ClassMode(classes))
            await participants.save_settings(tx, community.id, chosen)
        return chosen

    async def stats(self, community: Community) -> Totals:
        async with self._db.read() as tx:
            return await rounds.totals(tx, community.id)

    async def outcome(self, tx: Transaction, community_id: int, monday: date) -> Outcome | None:
        """How the groups of the round of the week of `monday` went, in the caller's
        transaction; None when no round was made that week."""
        found = await rounds.round_of_week(tx, community_id, week_key(monday))
        if found is None:
            return None
        answers: dict[int, list[bool | None]] = {}
        for seat in await rounds.seats(tx, found.id):
            answers.setdefault(seat.group_id, []).append(seat.met)
        met = sum(any(a is True for a in group) for group in answers.values())
        silent = sum(all(a is None for a in group) for group in answers.values())
        return Outcome(len(answers), met, len(answers) - met - silent, silent)

    async def preview(self, community: Community, now: datetime) -> Plan:
        """The groups the next round would make if it were made now."""
        async with self._db.read() as tx:
            chosen = await participants.settings(tx, community.id)
            monday = await self._rounds.next_round_week(tx, community, chosen, now)
            return await self._rounds.plan(tx, community, monday, chosen, now)

    async def run_now(self, community: Community, now: datetime) -> Made:
        """Make the next round (the one `preview` shows) now; the schedule then skips its
        week. Refused within six days of the last round, so a second press or a second
        organizer never makes two rounds in a row."""
        async with self._db.write() as tx:
            latest = await rounds.latest_round(tx, community.id)
            if latest is not None and now - latest.created_at < RUN_GAP:
                raise UserError(organizer_messages.too_soon(latest.created_at, community.timezone))
            chosen = await participants.settings(tx, community.id)
            monday = await self._rounds.next_round_week(tx, community, chosen, now)
            made = await self._rounds.make(tx, community, monday, now)
        if made is None:
            raise UserError(messages.NOBODY)
        return made

    # -- the schedule ------------------------------------------------------------------------

    async def scheduled(
        self, tx: Transaction, community: Community, occurrence: Occurrence
    ) -> None:
        """The scheduled round of the occurrence's week, in the claiming transaction, made at
        the occurrence's time."""
        monday = week_start(occurrence.local_date)
        chosen = await participants.settings(tx, community.id)
        if await self._rounds.due(tx, community.id, chosen, monday):
            await self._rounds.make(tx, community, monday, occurrence.due_at)
