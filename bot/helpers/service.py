"""Helper logic: opting in, routing a check-in's blocker to helpers, the conversation the member
asks for, the helper's decline, the member's answer, blocks, and credits for helping.

A helper is asked at most their weekly limit in any seven days (an ask is the member's yes,
which opens the conversation; being offered costs nothing). Whether a helper can still be asked
is checked again at the ask: one who turned helping off, left, paused, was forgotten, blocked
or was blocked since the offer is no longer offered.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from bot.challenges.service import ChallengeService
from bot.checkins.service import CheckinService, subject_known
from bot.communities.model import Community, Purpose
from bot.content.model import ContentPack
from bot.content.provider import ContentProvider
from bot.errors import UserError
from bot.helpers import messages, store
from bot.helpers.model import (
    MAX_BLOCKER_TEXT,
    Counts,
    Offered,
    Proposed,
    Request,
    Rules,
    Standing,
    Status,
    Volunteer,
)
from bot.helpers.pool import LIMIT_WINDOW, Pool, subject_title
from bot.helpers.rewards import Rewards
from bot.helpers.topics import Kind, Suggestion, Vocabulary, link
from bot.matchups.service import MatchService
from bot.members.model import Member
from bot.members.service import MemberService, active_member
from bot.outbox import Target, enqueue
from bot.pauses.calendar import pause_under_way
from bot.replies import Field
from bot.storage.database import Database
from bot.storage.transaction import Transaction
from bot.weeks import open_week

DEFAULT_LIMIT = 2
MAX_LIMIT = 5
FOLLOW_UP_AFTER = timedelta(days=3)
TOP_HELPERS = 5


class HelperService:
    def __init__(
        self,
        db: Database,
        content: ContentProvider,
        members: MemberService,
        checkins: CheckinService,
        challenges: ChallengeService,
        matchups: MatchService,
    ) -> None:
        self._db = db
        self._content = content
        self._members = members
        self._checkins = checkins
        self._rules = Rules()
        self.rewards = Rewards(members, checkins, challenges, matchups)

    async def turn_on(
        self,
        community: Community,
        user_id: str,
        topics: tuple[str, ...],
        phases: tuple[int, ...],
        limit: int | None,
        now: datetime,
    ) -> Volunteer:
        pack = self._content.for_community(community)
        known_topics = {t.id for t in pack.topics}
        known_phases = {p.number for p in pack.phases}
        unknown = [t for t in topics if t not in known_topics]
        if unknown:
            raise UserError(messages.unknown_topics(unknown, sorted(known_topics)))
        if any(p not in known_phases for p in phases):
            raise UserError(messages.unknown_phases(sorted(known_phases)))
        async with self._db.write() as tx:
            member = await active_member(tx, community.id, user_id)
            before = await store.volunteer(tx, member.id)
            chosen = Volunteer(
                member.id,
                True,
                limit or (before.weekly_limit if before else DEFAULT_LIMIT),
                tuple(sorted(set(topics))),
                tuple(sorted(set(phases))),
            )
            await store.save_volunteer(tx, chosen, now)
        return chosen

    async def turn_off(self, community: Community, user_id: str, now: datetime) -> bool:
        """False when the member was not helping."""
        async with self._db.write() as tx:
            member = await active_member(tx, community.id, user_id)
            before = await store.volunteer(tx, member.id)
            if before is None or not before.active:
                return False
            await store.save_volunteer(tx, replace(before, active=False), now)
        return True

    async def standing(self, community: Community, user_id: str, now: datetime) -> Standing:
        member = await self._members.require(community.id, user_id)
        async with self._db.read() as tx:
            return await self.standing_in(tx, member, now)

    async def standing_in(self, tx: Transaction, member: Member, now: datetime) -> Standing:
        """The member's helper settings, requests lately and rewards, in an open transaction."""
        chosen = await store.volunteer(tx, member.id)
        asked = await store.asks_since(tx, member.community_id, now - LIMIT_WINDOW)
        earned = await self.rewards.balance_of(tx, member.id)
        return Standing(
            chosen,
            asked.get(member.id, 0),
            {kind.value: n for kind, n in earned.credits.items()},
            earned.earned,
            earned.spent,
            earned.held,
            earned.toward_next,
        )

    async def profile_fields(
        self, tx: Transaction, member: Member, now: datetime
    ) -> tuple[Field, ...]:
        """What `profile` shows about helping (registered with the members feature)."""
        return messages.profile_fields(await self.standing_in(tx, member, now))

    async def card_line(self, tx: Transaction, member: Member, now: datetime) -> str | None:
        """What helping earned, for the progress card (registered with the progress feature)."""
        return messages.card_line(await self.standing_in(tx, member, now))

    async def find(
        self, community: Community, user_id: str, subject: str | None, now: datetime
    ) -> Offered:
        """Link this week's blocker to a subject (the one given, or the best match of its
        words) and offer the member up to three helpers for it."""
        pack = self._content.for_community(community)
        vocabulary = Vocabulary.from_pack(pack)
        async with self._db.write() as tx:
            member = await active_member(tx, community.id, user_id)
            week = open_week(now, member.timezone)
            checkin = await self._checkins.checkin_of_week(tx, member.id, week)
            text = "" if checkin is None else checkin.blockers.strip()[:MAX_BLOCKER_TEXT]
            if not text:
                raise UserError(messages.NO_BLOCKER)
            before = await store.request_of_week(tx, member.id, week)
            if before is not None and before.status not in (Status.OFFERED, Status.UNANSWERED):
                raise UserError(messages.already_asked(before))
            suggestions = vocabulary.suggest(text)
            # What the member picked in the check-in form counts like a `subject:` given,
            # unless the pack no longer has it; with neither, the words are matched.
            picked = subject or (
                checkin.blocker_subject
                if checkin is not None and subject_known(pack, checkin.blocker_subject)
                else None
            )
            chosen = _subject(pack, picked, suggestions)
            pool = await Pool.gather(tx, community.id, self._members, now, self._rules)
            # Whoever was already asked about this blocker (and declined) is not offered again.
            asked: set[int] = set()
            if before is not None:
                offers = await store.offers_of(tx, before.id)
                asked = {helper for _, helper, was_asked, _ in offers if was_asked}
            routing = pool.route(member, text, chosen, pack, now, asked)
            status = Status.OFFERED if routing else Status.UNANSWERED
            request_id = await store.open_request(
                tx, community.id, member.id, week, text, chosen or "", status, now
            )
            await store.add_offers(tx, request_id, [c.helper for c in routing])
            request = await store.request(tx, community.id, request_id)
        if request is None:
            raise RuntimeError("a request vanished while it was written")
        alternatives = tuple(
            (f"{'m' if s.kind is Kind.MILESTONE else 't'}:{s.id}", s.title) for s in suggestions
        )
        proposed = tuple(
            Proposed(rank, c.helper, pool.names[c.helper], c.reason)
            for rank, c in enumerate(routing, 1)
        )
        return Offered(
            request,
            subject_title(pack, chosen),
            proposed,
            # Buttons to pick another subject only when the words were matched: a pick made
            # in the form (or with `subject:`) is the member's own.
            () if picked else tuple(a for a in alternatives if a[0] != chosen),
        )

    async def ask(
        self, community: Community, user_id: str, request_id: int, rank: int, now: datetime
    ) -> Member:
        """The member's yes to one offered helper: the conversation is queued. Returns the
        helper."""
        pack = self._content.for_community(community)
        async with self._db.write() as tx:
            member = await active_member(tx, community.id, user_id)
            request = await self._own_request(tx, community, member, request_id)
            if request.status is not Status.OFFERED:
                raise UserError(messages.already_asked(request))
            offered = {
                r: (h, declined) for r, h, _, declined in await store.offers_of(tx, request.id)
            }
            if rank not in offered or offered[rank][1]:
                raise UserError(messages.NO_SUCH_OFFER)
            channel = _channel(community)
            if channel is None:
                raise UserError(messages.NO_CHANNEL)
            helper = await self._available(tx, community, offered[rank][0], member, now)
            await store.mark_asked(tx, request.id, helper.id, now)
            await enqueue(
                tx,
                community=community,
                key=f"help:{community.id}:{request.id}:{helper.id}",
                target=Target.group(channel, [member.user_id, helper.user_id]),
                reply=messages.introduction(request, member, helper, pack),
                now=now,
            )
        return helper

    async def _available(
        self, tx: Transaction, community: Community, helper_id: int, asker: Member, now: datetime
    ) -> Member:
        """The helper, when they can still be asked by `asker` now."""
        everyone = {m.id: m for m in await self._members.active_in(tx, community.id)}
        helper = everyone.get(helper_id)
        chosen = None if helper is None else await store.volunteer(tx, helper.id)
        if helper is None or chosen is None or not chosen.active:
            raise UserError(messages.GONE)
        today = helper.today(now)
        pause = await pause_under_way(tx, helper.id, today)
        if pause is not None and pause.covers(today):
            raise UserError(messages.GONE)
        blocks = await store.blocks_in(tx, community.id)
        if (asker.id, helper.id) in blocks or (helper.id, asker.id) in blocks:
            raise UserError(messages.GONE)
        asked = await store.asks_since(tx, community.id, now - LIMIT_WINDOW)
        if asked.get(helper.id, 0) >= chosen.weekly_limit:
            raise UserError(messages.FULL)
        return helper

    async def _member(self, tx: Transaction, community: Community, member_id: int) -> Member | None:
        """An active member of the community by id."""
        found = [m for m in await self._members.active_in(tx, community.id) if m.id == member_id]
        return found[0] if found else None

    async def _own_request(
        self, tx: Transaction, community: Community, member: Member, request_id: int
    ) -> Request:
        request = await store.request(tx, community.id, request_id)
        if request is None or request.member_id != member.id:
            raise UserError(messages.NO_SUCH_REQUEST)
        return request

    async def decline(
        self, community: Community, user_id: str, request_id: int, now: datetime
    ) -> None:
        """The asked helper says no; the member hears it and may pick another helper."""
        async with self._db.write() as tx:
            helper = await active_member(tx, community.id, user_id)
            request = await store.request(tx, community.id, request_id)
            if request is None or not await store.decline(tx, request.id, helper.id, now):
                raise UserError(messages.NOT_ASKED)
            member = await self._member(tx, community, request.member_id)
            if member is None:
                return
            others = [
                (rank, h)
                for rank, h, asked, declined in await store.offers_of(tx, request.id)
                if not asked and not declined
            ]
            await enqueue(
                tx,
                community=community,
                key=f"help-declined:{community.id}:{request.id}:{helper.id}",
                target=Target.direct(member.user_id),
                reply=messages.declined(request, helper, [r for r, _ in others]),
                now=now,
            )

    async def answer(
        self, community: Community, user_id: str, request_id: int, helped: bool, now: datetime
    ) -> bool:
        """The member says whether the conversation helped. False when they already had."""
        async with self._db.write() as tx:
            member = await active_member(tx, community.id, user_id)
            request = await self._own_request(tx, community, member, request_id)
            if request.status in (Status.HELPED, Status.UNHELPED):
                return False
            if request.status is not Status.ASKED:
                raise UserError(messages.NOT_YET_ASKED)
            await store.answer(tx, request.id, helped, now)
        return True

    async def block(
        self, community: Community, user_id: str, other_user: str, undo: bool, now: datetime
    ) -> bool:
        """Never offer one of the two to the other (either direction). False when nothing
        changed."""
        async with self._db.write() as tx:
            member = await active_member(tx, community.id, user_id)
            other = await self._members.find_in(tx, community.id, other_user)
            if other is None or other.id == member.id:
                raise UserError(messages.NOT_A_MEMBER)
            if undo:
                return await store.remove_block(tx, member.id, other.id)
            return await store.add_block(tx, member.id, other.id, now)

    # What jobs and other features use, inside an open transaction.

    async def follow_ups(self, tx: Transaction, community: Community, now: datetime) -> int:
        """Ask each member whose conversation opened FOLLOW_UP_AFTER ago whether it helped."""
        due = await store.due_follow_ups(tx, community.id, now - FOLLOW_UP_AFTER)
        active = {m.id: m for m in await self._members.active_in(tx, community.id)} if due else {}
        for request in due:
            member = active.get(request.member_id)
            await store.mark_followed_up(tx, request.id, now)
            if member is None:
                continue
            await enqueue(
                tx,
                community=community,
                key=f"help-follow-up:{community.id}:{request.id}",
                target=Target.direct(member.user_id),
                reply=messages.follow_up(request),
                now=now,
            )
        return len(due)

    async def counts(
        self, tx: Transaction, community_id: int, since: date, until: date | None = None
    ) -> Counts:
        """Blockers of the check-in weeks from `since` (a Monday) up to `until` (excluded; no
        end when None): routed to helpers, asked, helped, unanswered (nobody qualified or had
        room), and the most active helpers."""
        by_status = await store.statuses_since(tx, community_id, since, until)
        top = await store.top_helpers(tx, community_id, since, TOP_HELPERS, until)
        routed = sum(n for s, n in by_status.items() if s is not Status.UNANSWERED)
        asked = sum(by_status.get(s, 0) for s in (Status.ASKED, Status.HELPED, Status.UNHELPED))
        return Counts(
            routed,
            asked,
            by_status.get(Status.HELPED, 0),
            by_status.get(Status.UNANSWERED, 0),
            tuple(top),
        )

    async def stats_fields(
        self, tx: Transaction, community: Community, since: date
    ) -> tuple[Field, ...]:
        """What `stats` shows organizers about helping (registered with progress)."""
        return messages.stats_fields(await self.counts(tx, community.id, since))


def _subject(
    pack: ContentPack, given: str | None, suggestions: tuple[Suggestion, ...]
) -> str | None:
    """The subject the member picked (checked against the pack), or the best match."""
    if given:
        kind, _, ident = given.partition(":")
        milestones = {m.id for p in pack.phases for m in p.milestones}
        topics = {t.id for t in pack.topics}
        if (kind == "m" and ident in milestones) or (kind == "t" and ident in topics):
            return given
        raise UserError(messages.UNKNOWN_SUBJECT)
    found = link(suggestions)
    if found.milestones:
        return f"m:{found.milestones[0]}"
    if found.topics:
        return f"t:{found.topics[0]}"
    return None


def _channel(community: Community) -> str | None:
    """Where a Discord private thread opens: the check-ins channel, else the matchups one."""
    return community.channels.get(Purpose.CHECKINS) or community.channels.get(Purpose.MATCHUPS)
