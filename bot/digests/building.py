"""Building digests from stored items: the weekly post (in the scheduler's transaction),
the latest one, the preview, the focus topics and the curated readings. It never touches the
network, except for the preview, which has the refresh check stale feeds first."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.communities.model import Community, Purpose
from bot.content.model import ContentPack, Reading
from bot.content.provider import ContentProvider
from bot.digests import messages, store
from bot.digests.following import topics_named
from bot.digests.model import Digest, Item, Posted, PostedEntry, Section
from bot.digests.rank import (
    FRESH_FOR,
    MAX_AGE,
    Ranked,
    Shown,
    TopicMatcher,
    beyond_reach,
    focus_topics,
    group,
    pick,
    pick_readings,
    select,
)
from bot.digests.refreshing import RefreshService
from bot.errors import UserError
from bot.fire_times import next_fire, trigger
from bot.members.model import Member
from bot.members.service import MemberService
from bot.outbox import Target, enqueue
from bot.roadmap.service import standing
from bot.storage.database import Database
from bot.storage.transaction import Transaction

CANDIDATES_PER_FEED = 50
"""The newest unseen items of each feed a digest considers; only three per feed go in."""
FIRST_LOOK = 5
"""The newest items of each feed ranked first: usually enough to know the digest."""
SHOWN_FOR = timedelta(days=90)
"""How far back earlier digests are checked for repeats; older items are excluded anyway."""


class DigestBuilder:
    def __init__(
        self,
        db: Database,
        content: ContentProvider,
        members: MemberService,
        refreshing: RefreshService,
        writing: asyncio.Lock,
    ) -> None:
        self._db = db
        self._content = content
        self._members = members
        self._refreshing = refreshing
        self._writing = writing

    async def build(
        self, tx: Transaction, community: Community, now: datetime
    ) -> tuple[Digest, list[PostedEntry]]:
        """The digest the community would get at `now`, and its entries as they are kept."""
        pack = self._content.for_community(community)
        matcher = TopicMatcher(pack.topics)
        members = await self._members.active_in(tx, community.id)
        focus = focus_topics(
            matcher, await store.focus(tx, community.id), [m.focus for m in members]
        )
        canonicals, keys = await store.shown_since(tx, community.id, now - SHOWN_FOR)
        chosen = await choose(tx, community, matcher, focus, Shown(canonicals, keys), now)
        sections: list[Section] = []
        entries: list[PostedEntry] = []
        for topic, ranked in group(chosen, focus, matcher):
            title = matcher.titles.get(topic, topic)
            items = tuple(
                Item(r.candidate.title, r.candidate.url, r.candidate.source) for r in ranked
            )
            sections.append(Section(topic, title, items))
            entries.extend(
                PostedEntry(
                    topic,
                    r.candidate.title,
                    r.candidate.url,
                    r.candidate.source,
                    r.candidate.canonical,
                    r.candidate.title_key,
                )
                for r in ranked
            )
        phases = Counter(_phase(pack, m, now) for m in members)
        readings = pick_readings(
            pack.readings, phases, focus, await store.featured_readings(tx, community.id)
        )
        feeds = await store.count_feeds(tx, community.id)
        digest = Digest(
            tuple(sections), tuple(readings), tuple(matcher.titles[t] for t in focus), feeds
        )
        return digest, entries

    async def post(
        self, tx: Transaction, community: Community, week: str, now: datetime, late: bool
    ) -> Digest | None:
        """Build the week's digest from stored items and queue it, in the caller's
        transaction. None when there is no digest channel or the week was already posted."""
        channel = community.channels.get(Purpose.DIGEST)
        if channel is None:
            return None
        digest, entries = await self.build(tx, community, now)
        parts = messages.posts(digest, week, late)
        for number, reply in enumerate(parts, 1):
            queued = await enqueue(
                tx,
                community=community,
                key=f"digest:{community.id}:{week}:{number}",
                target=Target.channel(channel),
                reply=reply,
                now=now,
            )
            if not queued:
                return None
        await store.add_digest(
            tx,
            community_id=community.id,
            week=week,
            now=now,
            readings=[r.id for r in digest.readings],
            parts=len(parts),
            entries=entries,
        )
        return digest

    async def latest(self, community: Community) -> Posted | None:
        async with self._db.read() as tx:
            posted = await store.latest_digest(tx, community.id)
            feeds = await store.count_feeds(tx, community.id)
        if posted is None:
            return None
        pack = self._content.for_community(community)
        titles = {t.id: t.title for t in pack.topics}
        sections: dict[str, list[Item]] = {}
        for entry in posted.entries:
            sections.setdefault(entry.topic, []).append(Item(entry.title, entry.url, entry.source))
        by_id = {r.id: r for r in pack.readings}
        digest = Digest(
            tuple(Section(t, titles.get(t, t), tuple(items)) for t, items in sections.items()),
            tuple(by_id[r] for r in posted.readings if r in by_id),
            (),
            feeds,
        )
        return Posted(digest, posted.week, posted.created_at)

    async def preview(self, community: Community, now: datetime) -> tuple[Digest, int, str]:
        """The digest the next post would carry, after checking feeds not checked lately;
        with how many feeds were checked now and when it is due, as local wall time."""
        report = await self._refreshing.refresh_community(community, now)
        async with self._db.read() as tx:
            digest, _ = await self.build(tx, community, now)
        schedule = community.schedule(Purpose.DIGEST)
        due = next_fire(trigger(schedule, community.timezone), now)
        when = "at the digest time"
        if due is not None and schedule.enabled:
            local = due.astimezone(ZoneInfo(community.timezone))
            when = f"on {local:%A %Y-%m-%d %H:%M} ({community.timezone})"
        return digest, report.checked, when

    async def focus(self, community: Community) -> tuple[tuple[str, ...], bool]:
        """The focus topics' titles and whether organizers chose them."""
        pack = self._content.for_community(community)
        matcher = TopicMatcher(pack.topics)
        async with self._db.read() as tx:
            chosen = await store.focus(tx, community.id)
            members = await self._members.active_in(tx, community.id)
        topics = focus_topics(matcher, chosen, [m.focus for m in members])
        return tuple(matcher.titles[t] for t in topics), bool(chosen)

    async def set_focus(self, community: Community, topics: tuple[str, ...]) -> None:
        async with self._writing, self._db.write() as tx:
            await store.set_focus(tx, community.id, topics)

    async def readings(
        self,
        community: Community,
        user_id: str,
        topic: str | None,
        phase: int | None,
        now: datetime,
    ) -> tuple[str, list[Reading]]:
        """Curated readings with a title for them. Without a topic or phase: those of the
        caller's phase (phase 1 before they join), on their focus topics first."""
        pack = self._content.for_community(community)
        if phase is not None and pack.phase(phase) is None:
            raise UserError(messages.no_phase(phase, len(pack.phases)))
        matcher = TopicMatcher(pack.topics)
        topics = topics_named(pack, topic) if topic else ()
        focus: tuple[str, ...] = ()
        if not topics and phase is None:
            member = await self._members.find(community.id, user_id)
            if member is not None and member.active:
                phase = _phase(pack, member, now)
                focus = matcher.match(member.focus)
            else:
                phase = 1
        chosen = [
            r
            for r in pack.readings
            if (phase is None or phase in r.phases) and (not topics or set(topics) & set(r.topics))
        ]
        chosen.sort(key=lambda r: not set(r.topics) & set(focus))
        found = None if phase is None else pack.phase(phase)
        title = messages.readings_title(
            [matcher.titles[t] for t in topics],
            None if found is None else (found.number, found.title),
        )
        return title, chosen


async def choose(
    tx: Transaction,
    community: Community,
    matcher: TopicMatcher,
    focus: tuple[str, ...],
    shown: Shown,
    now: datetime,
) -> list[Ranked]:
    """The digest's items from the newest CANDIDATES_PER_FEED of each feed. The newest
    FIRST_LOOK of each are ranked first; when no item left out could have been picked
    (:func:`bot.digests.rank.beyond_reach`), that is the answer, else all are ranked. Either
    way the pick is the one ranking all of them gives, for far fewer rows read."""
    since, dated_after = now - FRESH_FOR, now - MAX_AGE
    first, beyond = await store.candidates(tx, community.id, since, FIRST_LOOK, dated_after)
    chosen, floor = pick(first, matcher, focus, shown, now)
    if beyond_reach(beyond, floor, focus, now):
        return chosen
    every, _ = await store.candidates(tx, community.id, since, CANDIDATES_PER_FEED, dated_after)
    return select(every, matcher, focus, shown, now)


def _phase(pack: ContentPack, member: Member, now: datetime) -> int:
    """The phase a member is in; phase 1 until their start date."""
    plan = standing(pack, member, now).plan
    return plan.phase.number if plan else 1
