"""The report's rules as pure functions: which week it is about, headcounts, blockers by
subject, phases completed, and who is at risk."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.checkins.streaks import Streak
from bot.content.model import ContentPack
from bot.content.provider import ContentProvider
from bot.helpers.topics import Vocabulary
from bot.members.model import Member
from bot.pauses.model import Pause
from bot.reports import figures
from bot.reports.model import Risk

WEEK = timedelta(days=7)


def _member(number: int, joined: datetime, left: datetime | None = None) -> Member:
    return Member(
        number, 1, f"u{number}", f"m{number}", "UTC", joined.date(), 5, "", True, joined, left
    )


def _pack() -> ContentPack:
    root = Path(__file__).resolve().parents[3]
    return ContentProvider(root / "content", root / "packs").builtin()


@pytest.mark.parametrize(
    ("now", "timezone", "week"),
    [
        ("2026-12-07T08:00", "UTC", date(2026, 11, 30)),  # Monday morning: the week just ended
        ("2026-12-11T17:00", "UTC", date(2026, 11, 30)),  # Friday: still the last full week
        ("2026-12-13T23:30", "UTC", date(2026, 11, 30)),  # Sunday night: this week has not ended
        ("2026-12-13T23:30", "Europe/Berlin", date(2026, 12, 7)),  # already Monday in Berlin
    ],
)
def test_the_report_is_about_the_newest_week_that_has_ended(
    now: str, timezone: str, week: date
) -> None:
    moment = datetime.fromisoformat(now).replace(tzinfo=UTC)
    assert figures.report_week(moment, timezone) == week


def test_the_headcount_counts_who_joined_left_and_paused_in_the_week() -> None:
    monday = date(2026, 12, 7)
    start = datetime(2026, 12, 7, tzinfo=UTC)
    everyone = [
        _member(1, start - 4 * WEEK),
        _member(2, start + timedelta(days=2)),  # new
        _member(3, start - 4 * WEEK, left=start + timedelta(days=1)),  # left
        _member(4, start - 4 * WEEK, left=start - WEEK),  # gone before
        _member(5, start + WEEK),  # joins after the week
        _member(6, start - 4 * WEEK),  # paused over Sunday
    ]
    pauses = {6: (Pause(date(2026, 12, 10), date(2027, 1, 1)),)}
    count = figures.headcount(everyone, pauses, monday, "UTC")
    assert (count.active, count.new, count.paused, count.left) == (3, 1, 1, 1)


def test_blockers_are_counted_by_milestone_then_topic_and_the_rest_together() -> None:
    vocabulary = Vocabulary.from_pack(_pack())
    found = figures.blockers(
        [
            "gradient descent math is confusing",
            "derivatives and gradient descent",
            "I cannot get my python environment working",
            "my cat was sick",
            "the dog ate it",
        ],
        vocabulary,
    )
    assert [(s.key, n) for s, n in found.by_subject] == [
        ("gradients", 2),
        ("dev-environment", 1),
        ("", 2),  # what the pack names nothing about comes last
    ]
    assert found.total == 5
    assert found.by_subject[-1][0] == figures.OTHER


def test_a_phase_counts_in_the_week_its_last_milestone_was_ticked() -> None:
    pack = _pack()
    phase_one = [m.id for m in pack.phases[0].milestones]
    start = datetime(2026, 12, 7, tzinfo=UTC)
    end = start + WEEK
    ticks = [
        (1, phase_one[0], start - timedelta(days=1)),  # before the week
        (1, phase_one[1], start + timedelta(days=1)),  # member 1's last of phase 1
        (2, phase_one[0], start + timedelta(days=2)),  # member 2 finishes next week
        (2, phase_one[1], end + timedelta(days=1)),
    ]
    done = {1: set(phase_one), 2: set(phase_one)}
    found = figures.finished(pack, ticks, done, start, end)
    assert (found.milestones, found.members, found.phases) == (2, 2, ((1, 1),))


def test_at_risk_lists_long_streaks_at_stake_first_and_never_a_paused_member() -> None:
    now = datetime(2026, 12, 14, 8, 0, tzinfo=UTC)  # Monday morning: W50 still open
    joined = now - 10 * WEEK
    members = [_member(n, joined) for n in range(1, 6)]
    last = {2: date(2026, 11, 16), 3: date(2026, 12, 7), 4: date(2026, 12, 7), 5: date(2026, 11, 2)}
    streaks = {3: Streak(5, 5, 0), 4: Streak(5, 5, 1)}
    pauses = {5: (Pause(date(2026, 12, 1), date(2027, 1, 1)),)}
    found = figures.at_risk(members, last, streaks, set(), frozenset(), pauses, now)
    assert [(a.member.id, a.risk) for a in found] == [
        (3, Risk.STREAK),  # no freeze left: W50 decides
        (2, Risk.MISSED),  # W47 was the last
        (1, Risk.MISSED),  # never checked in
    ]
