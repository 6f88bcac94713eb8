"""Challenge logic: which challenge comes next, posting it and its summary through the outbox,
and the rules for submissions, reviews and kudos."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta
from itertools import zip_longest
from zoneinfo import ZoneInfo

from bot.challenges import messages, store
from bot.challenges.model import Current, PostedNow, ReviewGiven, Submission
from bot.commands import suggest
from bot.communities.model import Community, Purpose
from bot.content.model import Challenge, ContentPack
from bot.content.provider import ContentProvider
from bot.errors import UserError
from bot.fire_times import next_fire, trigger
from bot.identity import Caller
from bot.members.service import MemberService
from bot.outbox import Target, enqueue
from bot.roadmap.service import standing
from bot.storage.database import Database
from bot.storage.transaction import Transaction

OPEN_FOR = timedelta(days=7)
AUTO = "auto"
"""The default track: the phase most of the community's active members are in, each week."""
TRACKS = (AUTO, "all", "1", "2", "3", "4", "5")


def track_order(pack: ContentPack, track: str) -> list[Challenge]:
    """The order a track posts challenges in: one phase's challenges as written, or every
    phase in rotation (the first of each phase, then the second of each, ...). A challenge
    that continues another is the next week of the same work, so it always follows it."""
    by_phase: dict[int, list[list[Challenge]]] = {}
    for challenge in pack.challenges:
        units = by_phase.setdefault(challenge.phase, [])
        if challenge.continues and units and units[-1][-1].id == challenge.continues:
            units[-1].append(challenge)
        else:
            units.append([challenge])
    if track != "all":
        return [c for unit in by_phase.get(int(track), []) for c in unit]
    rounds = zip_longest(*(by_phase[p] for p in sorted(by_phase)))
    return [c for round_ in rounds for unit in round_ if unit is not None for c in unit]


def busiest_phase(phases: Iterable[int]) -> int | None:
    """The phase most members are in, the earlier one on a tie; None without members."""
    counts = Counter(phases)
    return min(counts, key=lambda phase: (-counts[phase], phase)) if counts else None


def choose_next(order: list[Challenge], last_posted: dict[str, datetime]) -> Challenge | None:
    """The first challenge of the track never posted here; once all were, the one posted
    longest ago, so a community never sees a repeat before the whole track went by."""
    for challenge in order:
        if challenge.id not in last_posted:
            return challenge
    if not order:
        return None
    return min(order, key=lambda c: last_posted[c.id])


def next_post(community: Community, after: datetime) -> datetime | None:
    """When the schedule next posts a challenge after `after`."""
    return next_fire(trigger(community.schedule(Purpose.CHALLENGES), community.timezone), after)


def closes_at(community: Community, now: datetime) -> datetime:
    """When a challenge posted at `now` stops taking submissions: a week later, or when the
    next scheduled post replaces it if that comes sooner (a challenge posted now in mid-week,
    or a week that loses an hour to daylight saving time), so the announcement tells the truth."""
    following = next_post(community, now)
    return min(now + OPEN_FOR, following) if following is not None else now + OPEN_FOR


def weekly_key(community_id: int, local_day: date) -> str:
    """The scheduled post's key: one challenge per ISO week of the community's calendar."""
    year, week, _ = local_day.isocalendar()
    return f"challenge:{community_id}:{year}-W{week:02d}"


class ChallengeService:
    def __init__(self, db: Database, content: ContentProvider, members: MemberService) -> None:
        self._db = db
        self._content = content
        self._members = members

    async def reviews_given(
        self, tx: Transaction, member_ids: Collection[int]
    ) -> dict[int, list[ReviewGiven]]:
        """Every review each of these members wrote, oldest first, by member (credits for
        helping read them)."""
        return await store.reviews_written(tx, member_ids)

    async def reader_zone(self, community: Community, user_id: str) -> str:
        return await self._members.zone_of(community, user_id)

    async def adopt_renames(self, community: Community, pack: ContentPack) -> int:
        """Posts of challenge ids the pack has since renamed, with their submissions, count
        under the new ids, so the rotation and `challenge` keep seeing them."""
        renamed = pack.renamed_challenges()
        if not renamed:
            return 0
        async with self._db.write() as tx:
            return await store.rename(tx, community.id, renamed)

    async def next_for(self, community: Community, now: datetime) -> Challenge:
        async with self._db.read() as tx:
            return await self._next(tx, community, now)

    async def track(self, community: Community, now: datetime) -> str:
        """The track the community follows this week: its organizer's choice, or for `auto`
        the phase most of its active members are in (every phase in rotation without any)."""
        async with self._db.read() as tx:
            return await self._track(tx, community, now)

    async def _track(self, tx: Transaction, community: Community, now: datetime) -> str:
        if community.challenge_track != AUTO:
            return community.challenge_track
        pack = self._content.for_community(community)
        active = await self._members.active_in(tx, community.id)
        plans = (standing(pack, member, now).plan for member in active)
        phase = busiest_phase(plan.phase.number for plan in plans if plan is not None)
        return "all" if phase is None else str(phase)

    async def _next(self, tx: Transaction, community: Community, now: datetime) -> Challenge:
        pack = self._content.for_community(community)
        track = await self._track(tx, community, now)
        chosen = choose_next(track_order(pack, track), await store.last_posted(tx, community.id))
        if chosen is None:
            raise UserError(messages.empty_track(track))
        return chosen

    async def for_member(
        self, community: Community, user_id: str, now: datetime
    ) -> tuple[Challenge, bool]:
        """The challenge of the caller's own phase this week, and whether it is the week's
        challenge here: the current one when it is of that phase, else the next challenge of
        their phase not yet posted here."""
        member = await self._members.require(community.id, user_id)
        pack = self._content.for_community(community)
        plan = standing(pack, member, now).plan
        if plan is None:
            raise UserError(messages.NOT_STARTED)
        current = await self.current(community)
        if current is not None and current.challenge.phase == plan.phase.number:
            return current.challenge, True
        async with self._db.read() as tx:
            posted = await store.last_posted(tx, community.id)
        chosen = choose_next(track_order(pack, str(plan.phase.number)), posted)
        if chosen is None:
            raise UserError(messages.empty_track(str(plan.phase.number)))
        return chosen, False

    async def post(
        self,
        tx: Transaction,
        community: Community,
        key: str,
        now: datetime,
        late: bool,
        deadline: datetime | None = None,
    ) -> Challenge | None:
        """Summarize challenges whose deadline passed, then post the next one, all in the
        caller's transaction. None when the key was already used (nothing is posted twice)."""
        channel = community.channels.get(Purpose.CHALLENGES)
        if channel is None:
            raise UserError(messages.NO_CHANNEL)
        await self._summarize_due(tx, community, channel, now)
        challenge = await self._next(tx, community, now)
        deadline = deadline or closes_at(community, now)
        queued = await enqueue(
            tx,
            community=community,
            key=key,
            target=Target.channel(channel),
            reply=messages.announcement(challenge, deadline, late, community.timezone),
            now=now,
        )
        if not queued:
            return None
        await store.add_post(tx, community.id, challenge.id, now, deadline)
        return challenge

    async def post_now(self, community: Community, now: datetime) -> PostedNow:
        """Post the next challenge now. Days before the scheduled post (less than half a week),
        it takes that post's place, with its week's key so the schedule finds it made, and
        stays open until the post after; otherwise the scheduled post closes it."""
        following = next_post(community, now)
        replaces = None
        async with self._db.write() as tx:
            challenge = None
            if following is not None and following - now < OPEN_FOR / 2:
                deadline = closes_at(community, following)
                day = following.astimezone(ZoneInfo(community.timezone)).date()
                key = weekly_key(community.id, day)
                challenge = await self.post(tx, community, key, now, False, deadline)
                if challenge is not None:
                    replaces, following = following, next_post(community, following)
                else:  # that week's challenge is out already: the schedule posts nothing then
                    following = next_post(community, following)
            if challenge is None:
                latest = await store.latest_post(tx, community.id)
                sequence = latest.id + 1 if latest else 1
                key = f"challenge:{community.id}:now:{sequence}"
                deadline = now + OPEN_FOR if following is None else min(now + OPEN_FOR, following)
                challenge = await self.post(tx, community, key, now, False, deadline)
            post = await store.latest_post(tx, community.id)
        if challenge is None or post is None:
            raise UserError(messages.ALREADY_POSTING)
        return PostedNow(Current(post, challenge), replaces, following)

    async def _summarize_due(
        self, tx: Transaction, community: Community, channel: str, now: datetime
    ) -> None:
        pack = self._content.for_community(community)
        titles = {c.id: c.title for c in pack.challenges}
        for post in await store.due_for_summary(tx, community.id, now):
            entries = await store.submissions_for(tx, post.id)
            await enqueue(
                tx,
                community=community,
                key=f"challenge-summary:{community.id}:{post.id}",
                target=Target.channel(channel),
                reply=messages.summary(titles.get(post.challenge_id, post.challenge_id), entries),
                now=now,
            )
            await store.mark_summarized(tx, post.id)

    async def submitted_between(
        self, tx: Transaction, community_id: int, start: datetime, end: datetime
    ) -> list[Submission]:
        """The community's submissions first sent in [start, end), with their review counts,
        in the caller's transaction."""
        return await store.submitted_between(tx, community_id, start, end)

    def find(self, community: Community, challenge_id: str) -> Challenge:
        """A challenge of the community's pack by id, or an error naming the nearest ids."""
        challenges = self._content.for_community(community).challenges
        found = next((c for c in challenges if c.id == challenge_id), None)
        if found is None:
            hint = suggest(challenge_id, [c.id for c in challenges])
            raise UserError(messages.unknown_challenge(challenge_id, hint))
        return found

    def suggest_ids(self, community: Community, typed: str) -> list[str]:
        """Challenge ids whose id or title contains what was typed, in track order."""
        needle = typed.lower()
        track = "all" if community.challenge_track == AUTO else community.challenge_track
        order = track_order(self._content.for_community(community), track)
        return [c.id for c in order if needle in c.id or needle in c.title.lower()]

    async def current(self, community: Community) -> Current | None:
        async with self._db.read() as tx:
            post = await store.latest_post(tx, community.id)
        if post is None:
            return None
        pack = self._content.for_community(community)
        challenge = next((c for c in pack.challenges if c.id == post.challenge_id), None)
        if challenge is None:  # the community switched to a pack without it
            return None
        return Current(post, challenge)

    async def _open(self, community: Community, reader_zone: str, now: datetime) -> Current:
        current = await self.current(community)
        if current is None:
            raise UserError(messages.NOTHING_POSTED)
        if not current.open(now):
            raise UserError(messages.closed(current.post.deadline_at, reader_zone))
        return current

    async def submit(
        self, community: Community, caller: Caller, link: str, note: str, now: datetime
    ) -> tuple[Current, bool]:
        member = await self._members.require(community.id, caller.member.user_id)
        current = await self._open(community, member.timezone, now)
        async with self._db.write() as tx:
            created = await store.save_submission(tx, current.post.id, member.id, link, note, now)
        return current, created

    async def submissions(self, community: Community) -> tuple[Current, list[Submission]]:
        current = await self.current(community)
        if current is None:
            raise UserError(messages.NOTHING_POSTED)
        async with self._db.read() as tx:
            return current, await store.submissions_for(tx, current.post.id)

    async def assign_review(
        self, community: Community, caller: Caller, now: datetime
    ) -> tuple[Current, Submission | None]:
        """Someone else's submission to the current challenge, the least reviewed first."""
        member = await self._members.require(community.id, caller.member.user_id)
        current = await self._open(community, member.timezone, now)
        async with self._db.read() as tx:
            entries = await store.submissions_for(tx, current.post.id)
            done = await store.reviewed_by(tx, current.post.id, member.id)
        candidates = [s for s in entries if s.member_id != member.id and s.id not in done]
        candidates.sort(key=lambda s: (s.reviews, s.id))
        return current, (candidates[0] if candidates else None)

    async def review(
        self,
        community: Community,
        caller: Caller,
        submission_id: int,
        score: int,
        comment: str,
        now: datetime,
    ) -> Submission:
        member = await self._members.require(community.id, caller.member.user_id)
        current = await self._open(community, member.timezone, now)
        async with self._db.write() as tx:
            entry = await store.submission(tx, submission_id)
            if entry is None or entry.post_id != current.post.id:
                raise UserError(messages.no_submission(submission_id))
            if entry.member_id == member.id:
                raise UserError(messages.OWN_REVIEW)
            await store.save_review(tx, entry.id, member.id, score, comment, now)
            updated = await store.submission(tx, submission_id)
        if updated is None:
            raise RuntimeError("submission vanished while it was reviewed")
        return updated

    async def kudos(
        self, community: Community, caller: Caller, submission_id: int, now: datetime
    ) -> bool:
        member = await self._members.require(community.id, caller.member.user_id)
        current = await self.current(community)
        async with self._db.write() as tx:
            entry = await store.submission(tx, submission_id)
            if entry is None or current is None or entry.post_id != current.post.id:
                raise UserError(messages.no_submission(submission_id))
            if entry.member_id == member.id:
                raise UserError(messages.OWN_KUDOS)
            return await store.add_kudos(tx, entry.id, member.id, now)
