"""The first due time of any job over every community, found with turns given to the event
loop so that a member's command never waits for a whole pass."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.communities.model import Community, Purpose, Schedule
from bot.due_times import TURN_EVERY, DueTimes
from bot.fire_times import next_fire, trigger
from bot.identity import CommunityRef, Platform
from bot.jobs import Job, Occurrence
from bot.storage.transaction import Transaction
from tests.support import loop_turns

START = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)
ZONES = ("UTC", "Europe/Berlin", "Asia/Tokyo", "America/New_York", "Australia/Sydney")


def _communities(count: int) -> list[Community]:
    return [
        Community(
            id=n,
            ref=CommunityRef(Platform.CONSOLE, f"c{n}"),
            timezone=ZONES[n % len(ZONES)],
            content_dir=None,
            created_at=START - timedelta(days=30),
            challenge_track="auto",
            channels={Purpose.CHALLENGES: "challenges"},
            schedules={
                Purpose.CHALLENGES: Schedule(
                    Purpose.CHALLENGES, n % 7, f"{n % 24:02d}:{n % 60:02d}"
                )
            },
        )
        for n in range(count)
    ]


async def _never(tx: Transaction, community: Community, occurrence: Occurrence) -> None:
    raise AssertionError("never run here")


CHALLENGE = Job("challenge", lambda c: c.schedule(Purpose.CHALLENGES), _never)


async def test_the_first_due_time_is_the_earliest_of_any_community_s() -> None:
    communities = _communities(300)
    due = DueTimes([CHALLENGE])
    expected = min(
        fire
        for c in communities
        if (fire := next_fire(trigger(c.schedules[Purpose.CHALLENGES], c.timezone), START))
    )
    assert await due.first(communities, START, START + timedelta(days=8)) == expected
    assert await due.first(communities, START, expected - timedelta(seconds=1)) is None
    # Asked again after it (the cache of next fire times moves on with the clock).
    later = await due.first(communities, expected, START + timedelta(days=8))
    assert later is not None
    assert later > expected


async def test_a_pass_over_many_communities_lets_waiting_tasks_run_between() -> None:
    async with loop_turns() as turns:
        await DueTimes([CHALLENGE]).first(_communities(1000), START, START + timedelta(days=8))
        assert turns() >= 1000 // TURN_EVERY - 1
