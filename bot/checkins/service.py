"""Check-in logic: the form, saving the open week's check-in, and each member's streak today.

A check-in always counts for the member's open week (:func:`bot.weeks.open_week`);
sending one again in that week updates it. Each member's totals (streak, check-in count,
hours, newest week) are kept in the same transaction (see :mod:`bot.checkins.store`), so
readers of many members at once (leaderboards, nudges, stats) only carry the streak over the
few closed weeks since, and the leaderboards rank in SQL. Whatever changes what a week counts
for (a holiday, a pause, a freeze given) asks :meth:`CheckinService.recompute` to judge a
member's totals again from their rows. The readers below take an open transaction, so
scheduled jobs can use them inside their claiming transaction.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import replace
from datetime import date, datetime

import sqlalchemy as sa

from bot.checkins import messages, spares_store, store
from bot.checkins.calendars import judged, member_calendar
from bot.checkins.model import Cached, Checkin, Draft, Entry, Saved
from bot.checkins.streaks import Calendar, History, Streak, first_break, fold, judge, settle
from bot.communities.model import Community
from bot.content.model import ContentPack
from bot.content.provider import ContentProvider
from bot.errors import UserError
from bot.holidays.calendar import holiday_weeks
from bot.members.model import Member
from bot.members.service import MemberService, active_member
from bot.milestones import messages as milestones_messages
from bot.milestones.service import MAX_PER_CHECKIN, finished_phases, lookup, move_on
from bot.milestones.ticks import tick, ticked
from bot.pauses.calendar import community_pauses
from bot.storage.database import Database
from bot.storage.transaction import Transaction
from bot.weeks import WEEK, in_grace, open_week

Subjects = Callable[
    [Transaction, Member, ContentPack, str, datetime], Awaitable[tuple[tuple[str, str], ...]]
]
"""What a blocker may be about, for the form: (value, title) pairs, most relevant first, for a
member, the pack and the blocker already written (the helpers feature registers it)."""
NO_SUBJECT = ("auto", "none")
"""Given as the blocker's subject: pick nothing, let the words be matched."""


def subject_known(pack: ContentPack, subject: str) -> bool:
    """Whether a blocker's subject (`m:<milestone id>` or `t:<topic id>`) is in the pack."""
    kind, _, ident = subject.partition(":")
    if kind == "m":
        return any(m.id == ident for p in pack.phases for m in p.milestones)
    return kind == "t" and any(t.id == ident for t in pack.topics)


class CheckinService:
    def __init__(self, db: Database, content: ContentProvider, members: MemberService) -> None:
        self._db = db
        self._content = content
        self._members = members
        self._subjects: Subjects | None = None

    def suggest_subjects_with(self, subjects: Subjects) -> None:
        """Let the form offer what the blocker is about (registered by the helpers feature)."""
        self._subjects = subjects

    async def draft(self, community: Community, user_id: str, now: datetime) -> Draft:
        pack = self._content.for_community(community)
        member = await self._members.require(community.id, user_id)
        week = open_week(now, member.timezone)
        subjects: tuple[tuple[str, str], ...] = ()
        async with self._db.read() as tx:
            existing = await store.get(tx, member.id, week)
            if self._subjects is not None:
                written = existing.blockers if existing else ""
                subjects = await self._subjects(tx, member, pack, written, now)
        return Draft(pack, week, in_grace(now, member.timezone), existing, subjects)

    async def save(self, community: Community, user_id: str, entry: Entry, now: datetime) -> Saved:
        pack = self._content.for_community(community)
        subject = entry.blocker_subject
        if subject is not None:
            subject = "" if subject.strip().lower() in NO_SUBJECT else subject.strip()
            if subject and not subject_known(pack, subject):
                raise UserError(messages.UNKNOWN_SUBJECT)
            entry = replace(entry, blocker_subject=subject)
        milestones = tuple(m for _, m in lookup(pack, entry.milestone_ids))
        async with self._db.write() as tx:
            member = await active_member(tx, community.id, user_id)
            week = open_week(now, member.timezone)
            existing, before = await store.this_week(tx, member.id, week)
            checkin = _merge(member.id, week, entry, existing, now)
            await store.save(tx, checkin)
            if existing is not None and before is not None:
                previous = streak = before.streak
                hours = before.hours - existing.hours + checkin.hours
                await store.keep(tx, member.id, replace(before, hours=hours))
            elif existing is None:
                previous, streak = await self._checked(tx, community.id, member, week, before)
                await store.keep(tx, member.id, _counted(before, week, streak, checkin.hours))
                await store.count_week(tx, community.id, week)
            else:  # a check-in without kept totals: only a database changed by hand
                previous = Streak()
                streak = (await self.recompute(tx, member, now)).streak
            new: tuple[str, ...] = ()
            if milestones:
                ids = [m.id for m in milestones]
                new = await tick(tx, member.id, ids, now)
            done = await ticked(tx, member.id) if new else {}
        finished = finished_phases(pack, done, new)
        return Saved(
            member=member,
            checkin=checkin,
            created=existing is None,
            grace=in_grace(now, member.timezone),
            streak=streak,
            earned_freeze=streak.freezes > previous.freezes,
            completed=tuple(m for m in milestones if m.id in new),
            move_on=move_on(pack, member, finished[0], now) if finished else None,
        )

    # Keeping the totals right when something else changes what a week counts for.

    async def recompute(self, tx: Transaction, member: Member, now: datetime) -> Cached:
        """Judge a member's totals again from their check-in rows, holidays and pauses, and
        keep them; in the caller's transaction. Returns them (empty without check-ins)."""
        return await _recompute(tx, member.id, member.community_id, member.timezone, now)

    async def week_changed(
        self, tx: Transaction, community_id: int, week: date, now: datetime
    ) -> None:
        """A community's week became, or stopped being, a holiday: judge again every member
        whose kept streak already judged it without a check-in (a checked week counts
        whatever else it is)."""
        for member_id, zone in (await store.judged_unchecked(tx, community_id, week)).items():
            await _recompute(tx, member_id, community_id, zone, now)

    async def settle(self, community_id: int, now: datetime) -> None:
        """Judge every live kept streak of a community through the newest closed week of the
        member's time zone, so each kept streak is the streak today. Writes only when some
        member missed a week since their last check-in: at most once a week each."""
        async with self._db.read() as tx:
            behind = await self._unsettled(tx, community_id, now)
        if not behind:
            return
        async with self._db.write() as tx:
            behind = await self._unsettled(tx, community_id, now)
            holidays = await holiday_weeks(tx, community_id)
            oldest = min(kept.through for _, kept in behind.values())
            pauses = await community_pauses(tx, community_id, oldest)
            settled = {}
            for member_id, (zone, kept) in behind.items():
                week = open_week(now, zone)
                calendar = Calendar(holidays, pauses.get(member_id, ()))
                settled[member_id] = (
                    week - WEEK,
                    settle(kept.streak, kept.through, week, calendar),
                )
            await store.keep_settled(tx, settled)

    async def _unsettled(
        self, tx: Transaction, community_id: int, now: datetime
    ) -> dict[int, tuple[str, Cached]]:
        zones = await self._members.zones(tx, community_id)
        closed = {zone: open_week(now, zone) - WEEK for zone in zones}
        return await store.unsettled(tx, community_id, closed)

    # What other features read, inside their own open transaction.

    def streak_scores(self) -> sa.Subquery:
        """(member_id, score): each member's current streak, right after :meth:`settle`."""
        return store.streak_scores()

    def hours_scores(self, community_id: int, since: date | None) -> sa.Subquery:
        """(member_id, score): each member's hours from the week `since` (None: all weeks)."""
        return store.hours_scores(community_id, since)

    async def streaks_now(
        self, tx: Transaction, members: Sequence[Member], now: datetime
    ) -> dict[int, Streak]:
        """The streak today of each of these members, by member id."""
        found = await self.judged_now(tx, members, now)
        return {m.id: found[m.id][0] if m.id in found else Streak() for m in members}

    async def judged_now(
        self, tx: Transaction, members: Sequence[Member], now: datetime
    ) -> dict[int, tuple[Streak, Calendar]]:
        """The streak today of each of these members who has checked in, with the calendar
        that judged it (its pauses: those ending after the week the streak was judged
        through)."""
        kept = await judged(tx, members)
        open_weeks: dict[str, date] = {}
        found: dict[int, tuple[Streak, Calendar]] = {}
        for member in members:
            if member.id not in kept:
                continue
            if member.timezone not in open_weeks:
                open_weeks[member.timezone] = open_week(now, member.timezone)
            known, calendar = kept[member.id]
            week = open_weeks[member.timezone]
            found[member.id] = (settle(known.streak, known.through, week, calendar), calendar)
        return found

    async def history(
        self, tx: Transaction, community_id: int, member: Member, now: datetime
    ) -> tuple[History, dict[date, int]]:
        """Every week of the member's check-in history marked, and the hours of each."""
        hours = await store.hours_by_week(tx, member.id)
        known = await member_calendar(tx, community_id, member.id)
        return fold(hours.keys(), known, open_week(now, member.timezone)), hours

    async def checkin_of_week(self, tx: Transaction, member_id: int, week: date) -> Checkin | None:
        return await store.get(tx, member_id, week)

    async def checked_in(
        self, tx: Transaction, community_id: int, weeks: Collection[date]
    ) -> set[tuple[int, date]]:
        """(member id, week) for every check-in of the community in these weeks."""
        return await store.checked_in(tx, community_id, weeks)

    async def checked_in_of(
        self, tx: Transaction, member_ids: Sequence[int], weeks: Collection[date]
    ) -> set[tuple[int, date]]:
        """(member id, week) for every check-in of these members in these weeks."""
        return await store.checked_in_of(tx, member_ids, weeks)

    async def count_checked_in(self, tx: Transaction, community_id: int, week: date) -> int:
        """How many of the community's members have checked in for a week."""
        return await store.count_checked_in(tx, community_id, week)

    async def per_week(self, tx: Transaction, community_id: int, since: date) -> dict[date, int]:
        """How many of the community's active members checked in, per week from `since`."""
        return await store.per_week(tx, community_id, since)

    async def last_weeks(self, tx: Transaction, community_id: int) -> dict[int, date]:
        """The newest check-in week of each member who has one, by member id (kept totals)."""
        kept = await store.cached_in_community(tx, community_id)
        return {i: c.last_week for i, c in kept.items()}

    async def last_weeks_before(
        self, tx: Transaction, community_id: int, cutoffs: dict[str, date]
    ) -> dict[int, date | None]:
        """Active members whose newest check-in week is earlier than their time zone's cutoff,
        or who never checked in (None), with that week, by member id."""
        return await store.last_weeks_before(tx, community_id, cutoffs)

    async def newest_blockers(
        self, tx: Transaction, community_id: int, since: date
    ) -> dict[int, str]:
        """The blockers of each member's newest check-in since `since`, when it named any."""
        return await store.newest_blockers(tx, community_id, since)

    async def streak_breaks(
        self, tx: Transaction, members: Sequence[Member], now: datetime
    ) -> dict[int, date]:
        """For each of these members whose live streak a closed week since their newest
        check-in breaks (nothing keeps it and no freeze is left), that first week."""
        kept = await judged(tx, members)
        found: dict[int, date] = {}
        for member in members:
            if member.id not in kept or not kept[member.id][0].streak.alive:
                continue
            known, calendar = kept[member.id]
            week = first_break(
                known.streak, known.through, open_week(now, member.timezone), calendar
            )
            if week is not None:
                found[member.id] = week
        return found

    async def spares(
        self, tx: Transaction, member_ids: Collection[int]
    ) -> dict[int, list[tuple[date, datetime]]]:
        """(week, when) for every week a freeze earned by helping kept, oldest first, for
        each of these members."""
        return await spares_store.spares_of(tx, list(member_ids))

    async def spare(self, tx: Transaction, member: Member, week: date, now: datetime) -> bool:
        """Keep `week` of the member's streak with a freeze they earned by helping; False
        when it was kept already. The kept totals are judged again with the week kept."""
        spared = await spares_store.spare(tx, member.id, week, now)
        if spared:
            await self.recompute(tx, member, now)
        return spared

    async def blockers_of_week(self, tx: Transaction, community_id: int, week: date) -> list[str]:
        """The blockers the community's check-ins for a week named, one text per check-in."""
        return await store.blockers_of_week(tx, community_id, week)

    async def _checked(
        self,
        tx: Transaction,
        community_id: int,
        member: Member,
        week: date,
        before: Cached | None,
    ) -> tuple[Streak, Streak]:
        """The member's streak before and after a first check-in for `week`."""
        if before is None:
            previous = Streak()
        elif week > before.through:
            gap = week > before.through + WEEK
            known = await member_calendar(tx, community_id, member.id) if gap else Calendar()
            previous = settle(before.streak, before.through, week, known)
        else:
            # An earlier week than the newest check-in: the member moved west across time
            # zones. Judge the whole history again, up to the newest week.
            weeks = set(await store.hours_by_week(tx, member.id)) | {week}
            known = await member_calendar(tx, community_id, member.id)
            return before.streak, fold(weeks, known, max(weeks)).streak
        after, _ = judge(previous, week, True, Calendar())
        return previous, after


async def _recompute(
    tx: Transaction, member_id: int, community_id: int, zone: str, now: datetime
) -> Cached:
    hours = await store.hours_by_week(tx, member_id)
    if not hours:
        await store.forget_totals(tx, member_id)
        return Cached(open_week(now, zone), Streak(), 0, 0, open_week(now, zone))
    newest = max(hours)
    end = max(open_week(now, zone), newest)
    streak = fold(hours.keys(), await member_calendar(tx, community_id, member_id), end).streak
    through = end if end in hours else end - WEEK
    kept = Cached(through, streak, len(hours), sum(hours.values()), newest)
    await store.keep(tx, member_id, kept)
    return kept


def _counted(before: Cached | None, week: date, streak: Streak, hours: int) -> Cached:
    """The totals after a first check-in for `week`."""
    if before is None:
        return Cached(week, streak, 1, hours, week)
    through, last = max(week, before.through), max(week, before.last_week)
    return Cached(through, streak, before.checkins + 1, before.hours + hours, last)


def _merge(
    member_id: int, week: date, entry: Entry, existing: Checkin | None, now: datetime
) -> Checkin:
    """This week's check-in with the new answers over the earlier ones."""
    done = entry.done if entry.done is not None else (existing.done if existing else None)
    hours = entry.hours if entry.hours is not None else (existing.hours if existing else None)
    if done is None or hours is None:
        missing = [name for name, value in (("done", done), ("hours", hours)) if value is None]
        raise UserError(messages.missing(missing))
    earlier_ids = existing.milestone_ids if existing else ()
    milestone_ids = tuple(dict.fromkeys((*earlier_ids, *entry.milestone_ids)))
    if len(milestone_ids) > MAX_PER_CHECKIN:
        raise UserError(milestones_messages.too_many(len(milestone_ids), MAX_PER_CHECKIN))
    blockers = _pick(entry.blockers, existing.blockers if existing else "")
    subject = entry.blocker_subject
    if subject is None:
        # A blocker written anew without a pick may be about something else: match its words.
        kept = existing is not None and blockers == existing.blockers
        subject = existing.blocker_subject if existing is not None and kept else ""
    return Checkin(
        member_id=member_id,
        week=week,
        done=done,
        hours=hours,
        next_steps=_pick(entry.next_steps, existing.next_steps if existing else ""),
        blockers=blockers,
        blocker_subject=subject if blockers.strip() else "",
        milestone_ids=milestone_ids,
        confidence=entry.confidence
        if entry.confidence is not None
        else (existing.confidence if existing else None),
        created_at=existing.created_at if existing else now,
        updated_at=now,
    )


def _pick(new: str | None, old: str) -> str:
    return old if new is None else new
