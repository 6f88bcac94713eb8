"""Digest logic: following feeds, refreshing them (outside any scheduler transaction) with
backoff and disabling, and building, posting and showing the weekly digest.

Refreshing claims due feeds with a short lease first, so several processes, or a preview
racing the refresher, never fetch the same feed at once. Feeds of any communities that share a
URL and conditional state are fetched once per round. The weekly job only reads what is stored:
it never touches the network.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.communities import store as communities
from bot.communities.model import Community, Purpose
from bot.content.model import ContentPack, Reading
from bot.content.provider import ContentProvider
from bot.digests import messages, store
from bot.digests.fetcher import Batch, FeedFetcher, FetchRequest, FetchResult, Outcome
from bot.digests.model import Digest, Item, Section
from bot.digests.parse import Parse, ParsedFeed, ParseError, parse_in_thread
from bot.digests.rank import (
    FRESH_FOR,
    MAX_AGE,
    Shown,
    TopicMatcher,
    focus_topics,
    group,
    pick_readings,
    select,
)
from bot.digests.store import Feed, PostedEntry
from bot.errors import UserError
from bot.members import store as members
from bot.members.model import Member
from bot.outbox import Target, enqueue
from bot.roadmap.service import standing
from bot.scheduler import next_fire, trigger
from bot.storage.database import Database
from bot.storage.transaction import Transaction

log = logging.getLogger(__name__)

CANDIDATES_PER_FEED = 50
"""The newest unseen items of each feed a digest considers; only three per feed go in."""
SHOWN_FOR = timedelta(days=90)
"""How far back earlier digests are checked for repeats; older items are excluded anyway."""
BATCH_WINDOW = 0.05
"""Seconds the results of a refresh gather before they are written together."""
_UNKNOWN_MS = 1_000_000
"""How long a refresh expects a feed it never fetched to take: longer than any it knows."""


@dataclass(frozen=True, slots=True)
class Policy:
    period: timedelta = timedelta(hours=1)  # between two checks of a healthy feed
    retry: timedelta = timedelta(minutes=15)  # after a first failure; doubles each time
    max_backoff: timedelta = timedelta(hours=24)
    max_failures: int = 8  # in a row, then the feed is disabled (about three days)
    stale_after: timedelta = timedelta(minutes=30)  # a preview checks older feeds first
    lease: timedelta = timedelta(minutes=10)  # a claimed feed is left alone this long
    forget_after: timedelta = timedelta(days=45)  # items a feed stopped listing
    max_feeds: int = 50  # per community
    max_items: int = 1000  # stored per feed, the most recently listed; a document gives 300
    deadline: timedelta = timedelta(seconds=40)  # for one feed: fetch, wait for a parser, parse

    def backoff(self, failures: int, retry_after: float | None) -> timedelta:
        wait: timedelta = min(self.max_backoff, self.retry * 2 ** max(0, failures - 1))
        return max(wait, timedelta(seconds=retry_after or 0))


@dataclass
class RefreshReport:
    """What one refresh did. `notices` counts outbox rows written (feeds disabled)."""

    checked: int = 0
    new_items: int = 0
    failed: int = 0
    disabled: int = 0
    notices: int = 0


@dataclass(frozen=True, slots=True)
class _Fetched:
    result: FetchResult
    parsed: ParsedFeed | None
    problem: str  # why it failed, or ""
    body_hash: str | None = None  # of the body parsed

    @property
    def definitive(self) -> bool:
        """The address plainly is not a working feed: gone, one Cohort does not fetch, answered
        with something that is not a feed, or refused (a 404). Timeouts, 408, 429 and 5xx may
        pass; these do not."""
        outcome, status = self.result.outcome, self.result.status
        if outcome in (Outcome.GONE, Outcome.REFUSED):
            return True
        if outcome is Outcome.FETCHED:
            return self.parsed is None
        return status is not None and status not in (408, 429) and status < 500


@dataclass(frozen=True, slots=True)
class Posted:
    digest: Digest
    week: str
    created_at: datetime


class DigestService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        content: ContentProvider,
        fetcher: FeedFetcher,
        parse: Parse = parse_in_thread,
        policy: Policy | None = None,
    ) -> None:
        self._db = db
        self._clock = clock
        self._content = content
        self.fetcher = fetcher  # replaceable: tests point it at a loopback server
        self.parse = parse  # replaceable: tests count what is parsed
        self.policy = policy or Policy()
        # One writer at a time in this process: on SQLite, concurrent BEGIN IMMEDIATEs from
        # the fetch tasks would only queue up on the busy timeout.
        self._writing = asyncio.Lock()

    # -- feeds -------------------------------------------------------------------------------

    async def feeds(self, community: Community) -> tuple[list[Feed], dict[int, int]]:
        async with self._db.read() as tx:
            return await store.list_feeds(tx, community.id), await store.item_counts(
                tx, community.id
            )

    def topics(self, community: Community, text: str | None) -> tuple[str, ...]:
        """Topic ids named in a comma-separated list of ids or titles; UserError for others."""
        pack = self._content.for_community(community)
        matcher = TopicMatcher(pack.topics)
        chosen: list[str] = []
        unknown: list[str] = []
        for part in (p.strip() for p in (text or "").split(",")):
            if not part:
                continue
            exact = [t.id for t in pack.topics if part.casefold() in (t.id, t.title.casefold())]
            found = exact or list(matcher.match(part))
            if found:
                chosen.extend(t for t in found[:1] if t not in chosen)
            else:
                unknown.append(part)
        if unknown:
            raise UserError(messages.unknown_topics(unknown, [t.id for t in pack.topics]))
        return tuple(chosen)

    async def add_feed(
        self, community: Community, added_by: str, url: str, tags: Sequence[str]
    ) -> tuple[Feed, int, bool]:
        """Follow a feed after checking it once: the feed, how many items it holds now (all
        marked seen) and whether it was a disabled feed restarted. A URL that plainly is not a
        working feed is refused; one failing for a while (a timeout, a 503) is followed."""
        async with self._db.read() as tx:
            existing = await store.feed_by_url(tx, community.id, url)
            count = len(await store.list_feeds(tx, community.id))
        if existing is not None and existing.enabled:
            raise UserError(messages.already_following(existing))
        if existing is None and count >= self.policy.max_feeds:
            raise UserError(messages.too_many_feeds(self.policy.max_feeds))
        now = self._clock.now()
        async with self.fetcher.batch() as batch:
            fetched = await self._fetch(batch, FetchRequest(url), None, now)
        if fetched.definitive:
            answered = fetched.result.outcome is Outcome.FETCHED or fetched.result.status == 404
            raise UserError(messages.not_added(url, fetched.problem, hint=answered))
        final = fetched.result.moved_to or url
        async with self._writing, self._db.write() as tx:
            if existing is not None:
                await store.restart_feed(tx, existing.id, tags or existing.tags)
                feed_id: int | None = existing.id
            else:
                moved = await store.feed_by_url(tx, community.id, final)
                if moved is not None:
                    raise UserError(messages.already_following(moved))
                feed_id = await store.add_feed(
                    tx,
                    community_id=community.id,
                    url=final,
                    title="",
                    tags=tags,
                    default_id=None,
                    added_by=added_by,
                    now=now,
                )
            feed = None if feed_id is None else await store.get_feed(tx, feed_id)
            if feed is None:  # another organizer added it a moment ago
                raise UserError(messages.not_added(url, messages.ADDED_MEANWHILE))
            await self._record(tx, [(feed, fetched)], now, RefreshReport())
            updated = await store.get_feed(tx, feed.id) or feed
            counts = await store.item_counts(tx, community.id)
        return updated, counts.get(feed.id, 0), existing is not None

    async def remove_feed(self, community: Community, feed_id: int) -> Feed:
        async with self._writing, self._db.write() as tx:
            feed = await store.get_feed(tx, feed_id)
            if feed is None or feed.community_id != community.id:
                raise UserError(messages.no_feed(feed_id))
            await store.delete_feeds(tx, [feed.id])
        return feed

    async def use_defaults(self, community: Community, on: bool, by: str) -> tuple[list[str], int]:
        """Follow the content pack's feeds (their first check, by the refresher, marks what
        they hold as seen) or stop following them. Returns the titles added and how many were
        already followed, or ([], how many were removed)."""
        pack = self._content.for_community(community)
        now = self._clock.now()
        async with self._writing, self._db.write() as tx:
            followed = await store.list_feeds(tx, community.id)
            if not on:
                built_in = [f.id for f in followed if f.default_id]
                await store.delete_feeds(tx, built_in)
                return [], len(built_in)
            urls = {f.url for f in followed}
            room = self.policy.max_feeds - len(followed)
            added: list[str] = []
            for feed in pack.feeds:
                if feed.url in urls:
                    continue
                if len(added) >= room:
                    raise UserError(messages.too_many_feeds(self.policy.max_feeds))
                await store.add_feed(
                    tx,
                    community_id=community.id,
                    url=feed.url,
                    title=feed.title,
                    tags=feed.tags,
                    default_id=feed.id,
                    added_by=by,
                    now=now,
                )
                added.append(feed.title)
        return added, len(pack.feeds) - len(added)

    # -- refreshing --------------------------------------------------------------------------

    async def refresh(self) -> RefreshReport:
        """Check every feed whose time has come, in every community. The running bot calls
        it from :func:`bot.digests.refresher.run_refresher`; the console calls it directly."""
        now = self._clock.now()
        async with self._db.read() as tx:
            due = await store.due_feeds(tx, now)
        return await self._refresh(due, now)

    async def refresh_community(self, community: Community) -> RefreshReport:
        """Check the community's feeds not checked lately (and not in a backoff pause)."""
        now = self._clock.now()
        async with self._db.read() as tx:
            due = await store.due_feeds(
                tx, now, community.id, stale_before=now - self.policy.stale_after
            )
        return await self._refresh(due, now)

    async def _refresh(self, due: Sequence[Feed], now: datetime) -> RefreshReport:
        report = RefreshReport()
        if not due:
            return report
        until = now + self.policy.lease
        async with self._writing, self._db.write() as tx:
            claimed = set(await store.claim(tx, [f.id for f in due], now, until))
        groups: dict[tuple[str, str | None, str | None, str | None], list[Feed]] = {}
        for feed in due:
            if feed.id in claimed:
                key = (feed.url, feed.etag, feed.last_modified, feed.body_hash)
                groups.setdefault(key, []).append(feed)
        results: asyncio.Queue[tuple[list[Feed], _Fetched] | None] = asyncio.Queue()

        async def fetch(
            key: tuple[str, str | None, str | None, str | None], feeds: list[Feed]
        ) -> None:
            url, etag, last_modified, body_hash = key
            request = FetchRequest(url, etag, last_modified)
            await results.put((feeds, await self._fetch(batch, request, body_hash, now)))

        # The slowest first (a feed never fetched counts as slow): when there are more feeds
        # than fetch slots, a slow feed started last would keep the whole round waiting.
        ordered = sorted(groups.items(), key=lambda group: -_expected_ms(group[1]))
        recorded: set[int] = set()
        writer = asyncio.ensure_future(self._write(results, now, report, recorded))
        stopped = False
        try:
            async with self.fetcher.batch() as batch:
                outcomes = await asyncio.gather(
                    *(fetch(key, feeds) for key, feeds in ordered), return_exceptions=True
                )
        except asyncio.CancelledError:
            stopped = True
            raise
        finally:
            await results.put(None)
            await writer
            if stopped:
                # The bot is stopping: what was fetched is recorded above, and the feeds not
                # reached are freed now rather than when their lease ends, so the next start
                # checks them at once.
                async with self._writing, self._db.write() as tx:
                    await store.release(tx, claimed - recorded, until)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                # The feed stays claimed until its lease ends, then a later round retries it.
                log.error("refreshing a feed failed", exc_info=outcome)
        return report

    async def _write(
        self,
        results: asyncio.Queue[tuple[list[Feed], _Fetched] | None],
        now: datetime,
        report: RefreshReport,
        recorded: set[int],
    ) -> None:
        """Record fetch results as they arrive, those of up to BATCH_WINDOW in one
        transaction, until the None that says fetching is over (written at once); add the ids
        of the feeds recorded to `recorded`. Writing overlaps the fetches still under way, and
        a few transactions cost far less than one per feed."""
        loop = asyncio.get_running_loop()
        finished = False
        while not finished:
            ready = [await results.get()]
            until = loop.time() + BATCH_WINDOW
            while None not in ready:
                try:
                    async with asyncio.timeout_at(until):
                        ready.append(await results.get())
                except TimeoutError:
                    break
            finished = None in ready
            checked = [r for r in ready if r is not None]
            if not checked:
                continue
            checks = [(f, fetched) for feeds, fetched in checked for f in feeds]
            try:
                async with self._writing, self._db.write() as tx:
                    await self._record(tx, checks, now, report)
                recorded.update(feed.id for feed, _ in checks)
            except Exception:
                # These feeds stay claimed until their lease ends; a later round retries them.
                log.exception("recording %d feed check(s) failed", len(checked))

    async def _fetch(
        self, batch: Batch, request: FetchRequest, last_hash: str | None, now: datetime
    ) -> _Fetched:
        """Fetch and parse one feed within the policy's deadline, so that no feed delays the
        others' results (each is recorded as it comes) by more than that."""
        seconds = self.policy.deadline.total_seconds()
        try:
            async with asyncio.timeout(seconds):
                return await self._fetch_and_parse(batch, request, last_hash, now)
        except TimeoutError:
            problem = f"no answer fetched and read within {seconds:g} s"
            result = FetchResult(Outcome.FAILED, problem=problem, seconds=seconds)
            return _Fetched(result, None, problem)

    async def _fetch_and_parse(
        self, batch: Batch, request: FetchRequest, last_hash: str | None, now: datetime
    ) -> _Fetched:
        result = await batch.fetch(request)
        if result.outcome is not Outcome.FETCHED:
            return _Fetched(result, None, result.problem)
        body_hash = hashlib.sha256(result.body).hexdigest()
        if body_hash == last_hash:
            # The document parsed last time, from a server that sends no validators to say
            # so with a 304: it counts as one, and is not parsed again.
            return _Fetched(replace(result, outcome=Outcome.NOT_MODIFIED, body=b""), None, "")
        try:
            parsed = await self.parse(result.body, result.content_type, result.final_url, now)
        except ParseError as error:
            return _Fetched(result, None, str(error))
        return _Fetched(result, parsed, "", body_hash)

    async def _record(
        self,
        tx: Transaction,
        checks: Sequence[tuple[Feed, _Fetched]],
        now: datetime,
        report: RefreshReport,
    ) -> None:
        """Record feed checks: the items of all of them in a few statements, then each feed's
        state. Statements are what costs on the write path, so they are batched."""
        listings = [
            store.Listing(feed.id, fetched.parsed.entries, seen=not feed.baselined)
            for feed, fetched in checks
            if fetched.parsed is not None
        ]
        new = await store.store_entries(tx, listings, now)
        baselined = {feed.id for feed, _ in checks if feed.baselined}
        report.new_items += sum(n for feed_id, n in new.items() if feed_id in baselined)
        # Items drop off a feed as new ones arrive: forget those gone long ago.
        grown = [feed_id for feed_id, n in new.items() if n]
        await store.prune_items(tx, grown, now - self.policy.forget_after, self.policy.max_items)
        changes: list[tuple[int, dict[str, object]]] = []
        disabled: list[tuple[Feed, str]] = []
        moved_to: set[tuple[int, str]] = set()
        for feed, fetched in checks:
            values, disable = await self._state(tx, feed, fetched, now, moved_to, report)
            changes.append((feed.id, values))
            if disable is not None:
                disabled.append((feed, disable))
        await store.update_feeds(tx, changes)
        for feed, reason in disabled:
            await self._notify(tx, feed, reason, now, report)

    async def _state(
        self,
        tx: Transaction,
        feed: Feed,
        fetched: _Fetched,
        now: datetime,
        moved_to: set[tuple[int, str]],
        report: RefreshReport,
    ) -> tuple[dict[str, object], str | None]:
        """A feed's new state after a check, and why it is disabled, if it is: healthy
        again, or failing and backing off, or disabled. `moved_to` holds the addresses feeds
        of this batch move to, which the database does not show yet."""
        report.checked += 1
        result = fetched.result
        values: dict[str, object] = {
            "checked_at": now,
            "claimed_until": None,
            "fetch_ms": round(result.seconds * 1000),
        }
        disable: str | None = None
        if result.outcome is Outcome.GONE:
            disable = messages.gone()
        elif fetched.problem:
            report.failed += 1
            failures = feed.failures + 1
            values["failures"] = failures
            values["problem"] = fetched.problem[:300]
            values["next_check_at"] = now + self.policy.backoff(failures, result.retry_after)
            if failures >= self.policy.max_failures:
                disable = messages.failed_too_often(failures, fetched.problem)
        else:
            values.update(
                succeeded_at=now,
                failures=0,
                etag=(result.etag or "")[:300] or None,
                last_modified=(result.last_modified or "")[:100] or None,
                next_check_at=now + self.policy.period,
            )
            if fetched.parsed is not None:
                values["baselined"] = True
                values["problem"] = fetched.parsed.warning
                values["body_hash"] = fetched.body_hash
                if fetched.parsed.title and not feed.default_id:
                    values["title"] = fetched.parsed.title
            elif feed.failures:
                # The failure is over; a warning from the last parse, if any, still holds.
                values["problem"] = None
            moved = result.moved_to
            if moved and moved != feed.url and len(moved) <= 500:
                target = (feed.community_id, moved)
                if target not in moved_to and (
                    await store.feed_by_url(tx, feed.community_id, moved) is None
                ):
                    values["url"] = moved
                    moved_to.add(target)
                else:
                    disable = messages.moved_onto(moved)
        if disable is not None:
            values.update(enabled=False, disabled_reason=disable[:300], next_check_at=None)
            report.disabled += 1
        return values, disable

    async def _notify(
        self, tx: Transaction, feed: Feed, reason: str, now: datetime, report: RefreshReport
    ) -> None:
        """Tell the organizers a feed was disabled, through the outbox."""
        community = await communities.load(tx, feed.community_id)
        organizers = await communities.list_organizers(tx, community.id)
        targets = [Target.direct(user) for user in organizers]
        if not targets and (channel := community.channels.get(Purpose.DIGEST)):
            # Nobody is named organizer (platform admins are not listed): the digest channel
            # is where someone who can fix it will see it.
            targets = [Target.channel(channel)]
        for index, target in enumerate(targets):
            queued = await enqueue(
                tx,
                community=community,
                key=f"feed-disabled:{community.id}:{feed.id}:{now:%Y%m%dT%H%M%S}:{index}",
                target=target,
                reply=messages.feed_disabled(feed, reason),
                now=now,
            )
            report.notices += int(queued)

    # -- digests -----------------------------------------------------------------------------

    async def _build(
        self, tx: Transaction, community: Community, now: datetime
    ) -> tuple[Digest, list[PostedEntry]]:
        pack = self._content.for_community(community)
        matcher = TopicMatcher(pack.topics)
        members = await store.active_members(tx, community.id)
        focus = focus_topics(
            matcher, await store.focus(tx, community.id), [m.focus for m in members]
        )
        canonicals, keys = await store.shown_since(tx, community.id, now - SHOWN_FOR)
        chosen = select(
            await store.candidates(
                tx, community.id, now - FRESH_FOR, CANDIDATES_PER_FEED, now - MAX_AGE
            ),
            matcher,
            focus,
            Shown(canonicals, keys),
            now,
        )
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
        feeds = len(await store.list_feeds(tx, community.id))
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
        digest, entries = await self._build(tx, community, now)
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
            feeds = len(await store.list_feeds(tx, community.id))
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

    async def preview(self, community: Community) -> tuple[Digest, int, str]:
        """The digest the next post would carry, after checking feeds not checked lately;
        with how many feeds were checked now and when it is due, as local wall time."""
        report = await self.refresh_community(community)
        now = self._clock.now()
        async with self._db.read() as tx:
            digest, _ = await self._build(tx, community, now)
        schedule = community.schedule(Purpose.DIGEST)
        due = next_fire(trigger(schedule, community.timezone), now)
        when = "at the digest time"
        if due is not None and schedule.enabled:
            local = due.astimezone(ZoneInfo(community.timezone))
            when = f"on {local:%A %Y-%m-%d %H:%M} ({community.timezone})"
        return digest, report.checked, when

    # -- focus and readings ------------------------------------------------------------------

    async def focus(self, community: Community) -> tuple[tuple[str, ...], bool]:
        """The focus topics' titles and whether organizers chose them."""
        pack = self._content.for_community(community)
        matcher = TopicMatcher(pack.topics)
        async with self._db.read() as tx:
            chosen = await store.focus(tx, community.id)
            members = await store.active_members(tx, community.id)
        topics = focus_topics(matcher, chosen, [m.focus for m in members])
        return tuple(matcher.titles[t] for t in topics), bool(chosen)

    async def set_focus(self, community: Community, topics: Sequence[str]) -> None:
        async with self._writing, self._db.write() as tx:
            await store.set_focus(tx, community.id, topics)

    async def readings(
        self, community: Community, user_id: str, topic: str | None, phase: int | None
    ) -> tuple[str, list[Reading]]:
        """Curated readings with a title for them. Without a topic or phase: those of the
        caller's phase (phase 1 before they join), on their focus topics first."""
        pack = self._content.for_community(community)
        if phase is not None and pack.phase(phase) is None:
            raise UserError(messages.no_phase(phase, len(pack.phases)))
        matcher = TopicMatcher(pack.topics)
        topics = self.topics(community, topic) if topic else ()
        focus: tuple[str, ...] = ()
        if not topics and phase is None:
            async with self._db.read() as tx:
                member = await members.get(tx, community.id, user_id)
            if member is not None and member.active:
                phase = _phase(pack, member, self._clock.now())
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


def _expected_ms(feeds: Sequence[Feed]) -> int:
    """How long fetching these feeds (one address) should take, from their last checks."""
    known = [f.fetch_ms for f in feeds if f.fetch_ms is not None]
    return max(known) if len(known) == len(feeds) else _UNKNOWN_MS


def _phase(pack: ContentPack, member: Member, now: datetime) -> int:
    """The phase a member is in; phase 1 until their start date."""
    plan = standing(pack, member, now).plan
    return plan.phase.number if plan else 1
