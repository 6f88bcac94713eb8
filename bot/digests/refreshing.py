"""Refreshing feeds, outside any scheduler transaction: claiming the due ones, fetching and
parsing each within a deadline, and recording what changed, with backoff and disabling.

Refreshing claims due feeds with a short lease first, so several processes, or a preview
racing the refresher, never fetch the same feed at once. Feeds of any communities that share a
URL and conditional state are fetched once per round.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.communities.model import Community, Purpose
from bot.communities.service import CommunityService
from bot.digests import messages, store
from bot.digests.fetcher import Batch, FeedFetcher, FetchRequest, FetchResult, Outcome
from bot.digests.model import Feed, Listing, Policy, RefreshReport
from bot.digests.parse import Parse, ParseError
from bot.digests.state import Fetched, transition
from bot.outbox import Target, enqueue
from bot.storage.database import Database
from bot.storage.transaction import Transaction

log = logging.getLogger(__name__)

BATCH_WINDOW = 0.05
"""Seconds the results of a refresh gather at most before they are written together."""
BATCH_PAUSE = 0.01
"""Seconds without a new result that end the gathering early: results that stop coming are
written at once, not held for the rest of the window (a feed still being read, as a slow or
hostile one can be until its deadline, would otherwise hold the last others back)."""
_UNKNOWN_MS = 1_000_000
"""How long a refresh expects a feed it never fetched to take: longer than any it knows."""

_Key = tuple[str, str | None, str | None, str | None]
_Results = asyncio.Queue[tuple[list[Feed], Fetched] | None]


class RefreshService:
    def __init__(
        self,
        db: Database,
        fetcher: FeedFetcher,
        parse: Parse,
        policy: Policy,
        communities: CommunityService,
        writing: asyncio.Lock,
    ) -> None:
        self._db = db
        self._fetcher = fetcher
        self.parse = parse  # read by the composition root, which stops worker processes
        self.policy = policy
        self._communities = communities
        # One writer at a time in this process (shared with the other digest services): on
        # SQLite, concurrent BEGIN IMMEDIATEs would only queue up on the busy timeout.
        self._writing = writing

    @property
    def fetcher(self) -> FeedFetcher:
        return self._fetcher

    async def refresh(self, now: datetime) -> RefreshReport:
        """Check every feed whose time has come, in every community, as of `now` (the time
        the refresh loop's round started)."""
        async with self._db.read() as tx:
            due = await store.due_feeds(tx, now)
        return await self._refresh(due, now)

    async def refresh_community(self, community: Community, now: datetime) -> RefreshReport:
        """Check the community's feeds not checked lately (and not in a backoff pause)."""
        async with self._db.read() as tx:
            due = await store.due_feeds(
                tx, now, community.id, stale_before=now - self.policy.stale_after
            )
        return await self._refresh(due, now)

    async def check(self, url: str, now: datetime) -> Fetched:
        """Fetch and parse one address once, as `feeds add` does before following it."""
        async with self._fetcher.batch() as batch:
            return await self._fetch(batch, FetchRequest(url), None, now)

    async def _refresh(self, due: Sequence[Feed], now: datetime) -> RefreshReport:
        report = RefreshReport()
        if not due:
            return report
        until = now + self.policy.lease
        async with self._writing, self._db.write() as tx:
            claimed = set(await store.claim(tx, [f.id for f in due], now, until))
        groups: dict[_Key, list[Feed]] = {}
        for feed in due:
            if feed.id in claimed:
                key = (feed.url, feed.etag, feed.last_modified, feed.body_hash)
                groups.setdefault(key, []).append(feed)
        results: _Results = asyncio.Queue()

        async def fetch(key: _Key, feeds: list[Feed]) -> None:
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
            async with self._fetcher.batch() as batch:
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
        self, results: _Results, now: datetime, report: RefreshReport, recorded: set[int]
    ) -> None:
        """Record fetch results as they arrive, those of up to BATCH_WINDOW in one
        transaction (fewer when they pause for BATCH_PAUSE), until the None that says
        fetching is over (written at once); add the ids of the feeds recorded to `recorded`.
        Writing overlaps the fetches still under way, and a few transactions cost far less
        than one per feed."""
        finished = False
        while not finished:
            ready = [await results.get()]
            try:
                async with asyncio.timeout(BATCH_WINDOW):
                    while None not in ready:
                        async with asyncio.timeout(BATCH_PAUSE):
                            ready.append(await results.get())
            except TimeoutError:  # the window closed, or the results paused
                pass
            finished = None in ready
            checked = [r for r in ready if r is not None]
            if not checked:
                continue
            checks = [(f, fetched) for feeds, fetched in checked for f in feeds]
            try:
                async with self._writing, self._db.write() as tx:
                    done = await self.record(tx, checks, now)
                _add(report, done)
                recorded.update(feed.id for feed, _ in checks)
            except Exception:
                # These feeds stay claimed until their lease ends; a later round retries them.
                log.exception("recording %d feed check(s) failed", len(checked))

    async def _fetch(
        self, batch: Batch, request: FetchRequest, last_hash: str | None, now: datetime
    ) -> Fetched:
        """Fetch and parse one feed within the policy's deadline, so that no feed delays the
        others' results (each is recorded as it comes) by more than that."""
        seconds = self.policy.deadline.total_seconds()
        try:
            async with asyncio.timeout(seconds):
                return await self._fetch_and_parse(batch, request, last_hash, now)
        except TimeoutError:
            problem = f"no answer fetched and read within {seconds:g} s"
            result = FetchResult(Outcome.FAILED, problem=problem, seconds=seconds)
            return Fetched(result, None, problem)

    async def _fetch_and_parse(
        self, batch: Batch, request: FetchRequest, last_hash: str | None, now: datetime
    ) -> Fetched:
        result = await batch.fetch(request)
        if result.outcome is not Outcome.FETCHED:
            return Fetched(result, None, result.problem)
        body_hash = hashlib.sha256(result.body).hexdigest()
        if body_hash == last_hash:
            # The document parsed last time, from a server that sends no validators to say
            # so with a 304: it counts as one, and is not parsed again.
            return Fetched(replace(result, outcome=Outcome.NOT_MODIFIED, body=b""), None, "")
        try:
            parsed = await self.parse(result.body, result.content_type, result.final_url, now)
        except ParseError as error:
            return Fetched(result, None, str(error))
        return Fetched(result, parsed, "", body_hash)

    async def record(
        self, tx: Transaction, checks: Sequence[tuple[Feed, Fetched]], now: datetime
    ) -> RefreshReport:
        """Record feed checks: the items of all of them in a few statements, then each feed's
        state. Statements are what costs on the write path, so they are batched."""
        report = RefreshReport()
        listings = [
            Listing(feed.id, fetched.parsed.entries, seen=not feed.baselined)
            for feed, fetched in checks
            if fetched.parsed is not None
        ]
        stored = await store.store_entries(tx, listings, now)
        baselined = {feed.id for feed, _ in checks if feed.baselined}
        report.new_items += sum(s.new for feed_id, s in stored.items() if feed_id in baselined)
        # Items drop off a feed as new ones arrive: forget those gone long ago, and those
        # beyond the most a feed keeps; only feeds that grew, and only those that hold such
        # items (what storing found tells, so most checks run neither statement).
        forget = now - self.policy.forget_after
        grown = {feed_id: s for feed_id, s in stored.items() if s.new}
        stale = [f for f, s in grown.items() if s.unlisted_since and s.unlisted_since < forget]
        crowded = [f for f, s in grown.items() if s.held > self.policy.max_items]
        await store.prune_items(tx, stale, crowded, forget, self.policy.max_items)
        changes = []
        disabled: list[tuple[Feed, str]] = []
        taken: set[tuple[int, str]] = set()  # addresses feeds of this batch move to
        for feed, fetched in checks:
            target = fetched.moves_to
            free = False
            if target is not None and target != feed.url:
                moved = (feed.community_id, target)
                free = moved not in taken and (
                    await store.feed_by_url(tx, feed.community_id, target) is None
                )
            change = transition(feed, fetched, now, self.policy, free)
            if "url" in change.values:
                taken.add((feed.community_id, change.values["url"]))
            changes.append((feed.id, change.values))
            report.checked += 1
            report.failed += int(change.failed)
            if change.disabled is not None:
                report.disabled += 1
                disabled.append((feed, change.disabled))
        await store.update_feeds(tx, changes)
        for feed, reason in disabled:
            report.notices += await self._notify(tx, feed, reason, now)
        return report

    async def _notify(self, tx: Transaction, feed: Feed, reason: str, now: datetime) -> int:
        """Tell the organizers a feed was disabled, through the outbox; how many rows queued."""
        community = await self._communities.get_in(tx, feed.community_id)
        organizers = await self._communities.organizers_in(tx, community.id)
        targets = [Target.direct(user) for user in organizers]
        if not targets and (channel := community.channels.get(Purpose.DIGEST)):
            # Nobody is named organizer (platform admins are not listed): the digest channel
            # is where someone who can fix it will see it.
            targets = [Target.channel(channel)]
        queued = 0
        for index, target in enumerate(targets):
            queued += int(
                await enqueue(
                    tx,
                    community=community,
                    key=f"feed-disabled:{community.id}:{feed.id}:{now:%Y%m%dT%H%M%S}:{index}",
                    target=target,
                    reply=messages.feed_disabled(feed, reason),
                    now=now,
                )
            )
        return queued


def _add(report: RefreshReport, done: RefreshReport) -> None:
    report.checked += done.checked
    report.new_items += done.new_items
    report.failed += done.failed
    report.disabled += done.disabled
    report.notices += done.notices


def _expected_ms(feeds: Sequence[Feed]) -> int:
    """How long fetching these feeds (one address) should take, from their last checks."""
    known = [f.fetch_ms for f in feeds if f.fetch_ms is not None]
    return max(known) if len(known) == len(feeds) else _UNKNOWN_MS
