"""A feed's state machine: what one check (fetched and parsed, or failed) changes in the
feed. A pure function of its inputs; the refresh writes what it returns."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.digests import messages
from bot.digests.fetcher import FetchResult, Outcome
from bot.digests.model import Feed, FeedChange, Policy
from bot.digests.parse import ParsedFeed

MAX_URL = 500
"""The longest address a feed may move to (the column's size)."""


@dataclass(frozen=True, slots=True)
class Fetched:
    """One check of an address: the answer, the feed read from it, or why it failed."""

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

    @property
    def moves_to(self) -> str | None:
        """The address a permanent redirect points the feed at, when it may take it."""
        moved = self.result.moved_to
        return moved if moved and len(moved) <= MAX_URL and not self.problem else None


@dataclass(frozen=True, slots=True)
class Change:
    """What a check changes in a feed, and why the feed is disabled, if it is."""

    values: FeedChange
    failed: bool
    disabled: str | None


def transition(
    feed: Feed, fetched: Fetched, now: datetime, policy: Policy, move_free: bool
) -> Change:
    """A feed's new state after a check: healthy again, or failing and backing off, or
    disabled. `move_free` says whether the address a permanent redirect names is free (no
    feed of the community has it, in the database or earlier in the same batch)."""
    result = fetched.result
    values = FeedChange(checked_at=now, claimed_until=None, fetch_ms=round(result.seconds * 1000))
    disable: str | None = None
    failed = False
    if result.outcome is Outcome.GONE:
        disable = messages.gone()
    elif fetched.problem:
        failed = True
        failures = feed.failures + 1
        values["failures"] = failures
        values["problem"] = fetched.problem[:300]
        values["next_check_at"] = now + policy.backoff(failures, result.retry_after)
        if failures >= policy.max_failures:
            disable = messages.failed_too_often(failures, fetched.problem)
    else:
        values["succeeded_at"] = now
        values["failures"] = 0
        values["etag"] = (result.etag or "")[:300] or None
        values["last_modified"] = (result.last_modified or "")[:100] or None
        values["next_check_at"] = now + policy.period
        if fetched.parsed is not None:
            values["baselined"] = True
            values["problem"] = fetched.parsed.warning
            values["body_hash"] = fetched.body_hash
            if fetched.parsed.title and not feed.default_id:
                values["title"] = fetched.parsed.title
        elif feed.failures:
            # The failure is over; a warning from the last parse, if any, still holds.
            values["problem"] = None
        moved = fetched.moves_to
        if moved is not None and moved != feed.url:
            if move_free:
                values["url"] = moved
            else:
                disable = messages.moved_onto(moved)
    if disable is not None:
        values["enabled"] = False
        values["disabled_reason"] = disable[:300]
        values["next_check_at"] = None
    return Change(values, failed, disable)
