"""Retro logic: the form of a member's newest quarter, saving answers (a goal becomes a goal),
who is asked now, and which classes' summaries are due (see :mod:`bot.retros.model` for the
calendar)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.checkins.service import CheckinService
from bot.classes.model import class_month
from bot.classes.service import ClassService
from bot.communities.model import Community, Purpose
from bot.content.provider import ContentProvider
from bot.errors import UserError
from bot.goals.service import GoalService
from bot.helpers.topics import Vocabulary
from bot.members.model import Member
from bot.members.service import MemberService, active_member
from bot.milestones.service import progress
from bot.milestones.ticks import ticked_in_community, ticks_per_member
from bot.pauses.service import PauseService
from bot.retros import messages, store
from bot.retros.model import (
    ASK_FROM,
    ASK_WINDOW,
    CLOSE_AFTER,
    MIN_ANSWERS,
    QUARTER,
    WAIT_FOR_CHANNEL,
    Answered,
    Answers,
    Ask,
    Draft,
    Retro,
    Summary,
    last_ask_day,
    quarter_end,
    quarters_done,
)
from bot.storage.database import Database
from bot.storage.transaction import Transaction
from bot.weeks import local_time

BLOCKER_WEEKS = 4
"""The blockers of the class's check-ins of the last four weeks are grouped by topic."""
TOP_BLOCKERS = 3


class RetroService:
    def __init__(
        self,
        db: Database,
        content: ContentProvider,
        members: MemberService,
        pauses: PauseService,
        goals: GoalService,
        classes: ClassService,
        checkins: CheckinService,
    ) -> None:
        self._db = db
        self._content = content
        self._members = members
        self._pauses = pauses
        self._goals = goals
        self._classes = classes
        self._checkins = checkins

    async def draft(self, community: Community, user_id: str, now: datetime) -> Draft:
        """The form of the caller's newest finished quarter."""
        member = await self._members.require(community.id, user_id)
        quarter = _newest_quarter(member, now)
        async with self._db.read() as tx:
            existing = await store.get(tx, member.id, quarter)
        return Draft(quarter, quarter_end(member.start_date, quarter), existing)

    async def answer(
        self, community: Community, user_id: str, answers: Answers, now: datetime
    ) -> Answered:
        async with self._db.write() as tx:
            member = await active_member(tx, community.id, user_id)
            quarter = _newest_quarter(member, now)
            before = await store.get(tx, member.id, quarter)
            retro = before or Retro(
                0, member.id, quarter, class_month(member), None, None, "", "", "", None, False
            )
            retro = replace(
                retro,
                answered_at=now,
                went_well=_given(answers.went_well, retro.went_well),
                to_change=_given(answers.to_change, retro.to_change),
                goal=_given(answers.goal, retro.goal),
                share=retro.share if answers.share is None else answers.share,
            )
            if not (retro.went_well or retro.to_change or retro.goal):
                raise UserError(messages.NOTHING_WRITTEN)
            added, full = None, False
            if retro.goal and retro.goal_number is None:
                due = quarter_end(member.start_date, quarter + 1) - timedelta(days=1)
                goal = await self._goals.add_in(tx, member, retro.goal, due, now)
                added, full = (None, True) if goal is None else (goal.number, False)
                retro = replace(retro, goal_number=added)
            await store.save(tx, retro)
        first = before is None or before.answered_at is None
        return Answered(retro, first, added, full)

    async def pending(self, tx: Transaction, now: datetime) -> set[int]:
        """The communities where the retros job may find work now, for every community at
        once: a member who may be asked (their quarter ended within the window around today,
        whatever their time zone, and they have no retro of it yet), or a class's summary not
        decided yet."""
        utc_today = now.date()

        def windows(oldest: date) -> list[tuple[int, date, date]]:
            # A member's today is within a day of UTC's; asked while today - start - quarter
            # * QUARTER is in [0, ASK_WINDOW).
            found, quarter = [], 1
            while (last := utc_today + timedelta(days=1) - quarter * QUARTER) >= oldest:
                first = utc_today - timedelta(days=1) - quarter * QUARTER - ASK_WINDOW
                found.append((quarter, first + timedelta(days=1), last))
                quarter += 1
            return found

        asks = await store.communities_to_ask(tx, windows)
        return asks | await store.communities_undecided(tx)

    async def asks_due(self, tx: Transaction, community_id: int, now: datetime) -> list[Ask]:
        """Who is asked for a retro now, recorded as asked: active members who take direct
        messages (`nudges on`), are not paused, and whose quarter ended within two weeks, from
        10:00 on the day after it ended, on their clock."""
        candidates: list[Ask] = []
        for member in await self._members.active_in(tx, community_id):
            wall = local_time(now, member.timezone)
            quarter = quarters_done(member.start_date, wall.date())
            if not member.nudges or quarter == 0:
                continue
            ended = quarter_end(member.start_date, quarter)
            if wall.date() - ended >= ASK_WINDOW:
                continue
            if wall.date() == ended and wall.time() < ASK_FROM:
                continue
            candidates.append(Ask(member, quarter))
        if not candidates:
            return []
        since = min(a.quarter for a in candidates)
        recorded = await store.quarters_recorded(tx, community_id, since)
        pauses = await self._pauses.of_community(tx, community_id, now.date() - timedelta(days=2))
        due = []
        for ask in candidates:
            member = ask.member
            if (member.id, ask.quarter) in recorded:
                continue
            if any(p.covers(member.today(now)) for p in pauses.get(member.id, ())):
                continue
            if await store.ask(tx, member.id, ask.quarter, class_month(member), now):
                due.append(ask)
        return due

    async def summaries_due(
        self, tx: Transaction, community: Community, now: datetime
    ) -> list[Summary]:
        """The classes whose retro closes now, recorded as decided; those with enough answers
        come back to be posted. Without a check-ins channel to post in, a summary with enough
        answers stays undecided until one is set, for `WAIT_FOR_CHANNEL` at most."""
        today = now.astimezone(ZoneInfo(community.timezone)).date()
        postable = community.channels.get(Purpose.CHECKINS) is not None
        due: list[Summary] = []
        for (month, quarter), retros in (await store.undecided(tx, community.id)).items():
            classmates = await self._classes.members_of(tx, community.id, month)
            last = max(
                (quarter_end(m.start_date, quarter) for m in classmates),
                default=last_ask_day(month, quarter),
            )
            ids = {m.id for m in classmates}
            # Only the class's members now: one who left, or moved to another month, is not.
            answered = [r for r in retros if r.answered_at is not None and r.member_id in ids]
            everyone = ids <= {r.member_id for r in answered}
            if today < last + CLOSE_AFTER and not (today >= last and everyone):
                continue
            post = len(answered) >= MIN_ANSWERS
            if post and not postable:
                if today < last + CLOSE_AFTER + WAIT_FOR_CHANNEL:
                    continue  # waits for a channel; decided (and posted) once there is one
                post = False  # too late to be news: recorded as not posted
            await store.decide(tx, community.id, month, quarter, len(answered), post, now)
            if post:
                summary = await self._summary(
                    tx, community, (month, quarter), classmates, answered, now
                )
                due.append(summary)
        return due

    async def _summary(
        self,
        tx: Transaction,
        community: Community,
        which: tuple[date, int],
        classmates: list[Member],
        answered: list[Retro],
        now: datetime,
    ) -> Summary:
        """The summary of the class of `which` (its month and quarter)."""
        month, quarter = which
        pack = self._content.for_community(community)
        ids = {m.id for m in classmates}
        began = datetime.combine(month + (quarter - 1) * QUARTER, time(0), UTC)
        ticks = await ticks_per_member(tx, community.id, began)
        done = await ticked_in_community(tx, community.id)
        finished: dict[int, int] = {}
        for member_id in ids:
            for phase in progress(pack, done.get(member_id, set())):
                if phase.complete:
                    finished[phase.phase.number] = finished.get(phase.phase.number, 0) + 1
        since = now.date() - timedelta(weeks=BLOCKER_WEEKS)
        blockers = await self._checkins.newest_blockers(tx, community.id, since)
        vocabulary = Vocabulary.from_pack(pack)
        named: dict[str, set[int]] = {}
        for member_id, text in sorted(blockers.items()):
            if member_id in ids and (found := vocabulary.suggest(text, limit=1)):
                named.setdefault(found[0].title, set()).add(member_id)
        common = sorted(
            ((title, len(who)) for title, who in named.items() if len(who) >= 2),
            key=lambda t: (-t[1], t[0]),
        )
        names = {m.id: m.display_name for m in classmates}
        shared = [r for r in answered if r.goal and r.share]
        return Summary(
            class_month=month,
            quarter=quarter,
            members=len(classmates),
            answers=len(answered),
            milestones=sum(n for i, n in ticks.items() if i in ids),
            phases=[(p, finished[p.number]) for p in pack.phases if p.number in finished],
            blockers=common[:TOP_BLOCKERS],
            goals=[(names[r.member_id], r.goal) for r in shared],
            private_goals=sum(1 for r in answered if r.goal) - len(shared),
        )


def _newest_quarter(member: Member, now: datetime) -> int:
    quarter = quarters_done(member.start_date, member.today(now))
    if quarter == 0:
        raise UserError(messages.no_quarter_yet(quarter_end(member.start_date, 1)))
    return quarter


def _given(new: str | None, old: str) -> str:
    return old if new is None else new.strip()
