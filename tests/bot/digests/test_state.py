"""A feed's state machine as a pure function: what one check changes, and nothing else."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.digests.fetcher import FetchResult, Outcome
from bot.digests.model import Feed, Policy
from bot.digests.parse import ParsedFeed
from bot.digests.state import Fetched, transition

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
POLICY = Policy()
FEED = Feed(
    id=1,
    community_id=1,
    url="https://a.example/feed",
    title="",
    tags=(),
    default_id=None,
    added_at=NOW - timedelta(days=3),
    enabled=True,
    disabled_reason=None,
    etag=None,
    last_modified=None,
    body_hash=None,
    fetch_ms=None,
    checked_at=None,
    succeeded_at=None,
    next_check_at=None,
    failures=0,
    problem=None,
    baselined=False,
)
PARSED = ParsedFeed("A title", ())


def fetched(outcome: Outcome = Outcome.FETCHED, **values: object) -> Fetched:
    problem = str(values.pop("problem", ""))
    result = FetchResult(outcome, seconds=0.25, problem=problem, **values)  # type: ignore[arg-type]
    parsed = PARSED if outcome is Outcome.FETCHED and not problem else None
    return Fetched(result, parsed, problem, "hash" if parsed else None)


def test_a_good_check_makes_the_feed_healthy_and_baselined_and_schedules_the_next() -> None:
    change = transition(replace(FEED, failures=2), fetched(etag="e1"), NOW, POLICY, move_free=False)
    assert change.values == {
        "checked_at": NOW,
        "claimed_until": None,
        "fetch_ms": 250,
        "succeeded_at": NOW,
        "failures": 0,
        "etag": "e1",
        "last_modified": None,
        "next_check_at": NOW + POLICY.period,
        "baselined": True,
        "problem": None,
        "body_hash": "hash",
        "title": "A title",
    }
    assert (change.failed, change.disabled) == (False, None)


def test_a_failure_backs_off_doubling_and_the_last_allowed_one_disables() -> None:
    first = transition(FEED, fetched(Outcome.FAILED, problem="timeout"), NOW, POLICY, False)
    assert first.failed
    assert first.disabled is None
    assert first.values["next_check_at"] == NOW + POLICY.retry
    third = replace(FEED, failures=2)
    change = transition(third, fetched(Outcome.FAILED, problem="timeout"), NOW, POLICY, False)
    assert change.values["next_check_at"] == NOW + 4 * POLICY.retry
    last = replace(FEED, failures=POLICY.max_failures - 1)
    change = transition(last, fetched(Outcome.FAILED, problem="timeout"), NOW, POLICY, False)
    assert change.disabled is not None
    assert "timeout" in change.disabled
    assert (change.values["enabled"], change.values["next_check_at"]) == (False, None)


def test_a_retry_after_longer_than_the_backoff_is_honoured() -> None:
    answer = fetched(Outcome.FAILED, problem="HTTP 429", retry_after=7200.0)
    change = transition(FEED, answer, NOW, POLICY, False)
    assert change.values["next_check_at"] == NOW + timedelta(hours=2)


def test_gone_disables_at_once_without_counting_a_failure() -> None:
    change = transition(FEED, fetched(Outcome.GONE, status=410), NOW, POLICY, False)
    assert change.disabled is not None
    assert "410" in change.disabled
    assert not change.failed
    assert "failures" not in change.values


@pytest.mark.parametrize(("free", "moves"), [(True, True), (False, False)])
def test_a_permanent_move_takes_the_new_address_only_when_it_is_free(
    free: bool, moves: bool
) -> None:
    answer = fetched(moved_to="https://b.example/feed")
    change = transition(FEED, answer, NOW, POLICY, move_free=free)
    assert ("url" in change.values) is moves
    assert (change.disabled is None) is moves


def test_the_feed_it_is_handed_is_left_as_it_was() -> None:
    before = replace(FEED)
    transition(FEED, fetched(Outcome.FAILED, problem="x"), NOW, POLICY, False)
    assert before == FEED
