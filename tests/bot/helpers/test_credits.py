"""Credits for helping: which acts count (no farming), and the freezes they earn, held and spend."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from bot.helpers.credits import (
    CREDITS_PER_FREEZE,
    MAX_HELP_FREEZES,
    Act,
    ActKind,
    balance,
    credited,
)

ME = 1
MONDAY = datetime(2026, 11, 30, 12, tzinfo=UTC)
DOCS = Path(__file__).parents[3] / "docs" / "accountability.md"


def _review(ref: int, author: int, days: float = 0) -> Act:
    return Act(ActKind.REVIEW, ref, author, MONDAY + timedelta(days=days))


def test_a_review_of_your_own_submission_earns_nothing() -> None:
    assert credited(ME, [_review(1, ME)]) == []


def test_one_credit_per_submission() -> None:
    assert len(credited(ME, [_review(1, 2), _review(1, 2, days=8)])) == 1


def test_reviewing_the_same_person_twice_a_week_earns_once() -> None:
    same_week = [_review(1, 2), _review(2, 2, days=3)]
    assert [a.ref for a in credited(ME, same_week)] == [1]
    next_week = [_review(1, 2), _review(2, 2, days=7)]
    assert [a.ref for a in credited(ME, next_week)] == [1, 2]
    two_people = [_review(1, 2), _review(2, 3, days=1)]
    assert [a.ref for a in credited(ME, two_people)] == [1, 2]


def test_meetings_count_once_per_group_and_helped_blockers_once_per_person_a_week() -> None:
    acts = [
        Act(ActKind.MEETING, 7, None, MONDAY),
        Act(ActKind.MEETING, 7, None, MONDAY + timedelta(hours=1)),
        Act(ActKind.HELPED, 10, 5, MONDAY),
        Act(ActKind.HELPED, 11, 5, MONDAY + timedelta(days=2)),
        Act(ActKind.HELPED, 12, 6, MONDAY + timedelta(days=2)),
    ]
    assert [(a.kind, a.ref) for a in credited(ME, acts)] == [
        (ActKind.HELPED, 10),
        (ActKind.MEETING, 7),
        (ActKind.HELPED, 12),
    ]


def test_three_credits_earn_a_freeze_and_a_member_holds_at_most_two() -> None:
    acts = [_review(n, 100 + n, days=n) for n in range(7)]
    found = balance(ME, acts, [])
    assert (found.total, found.earned, found.held, found.forfeited, found.toward_next) == (
        7,
        2,
        2,
        0,
        1,
    )
    more = balance(ME, [*acts, _review(7, 107, 7), _review(8, 108, 8)], [])
    assert (more.earned, more.held, more.forfeited) == (2, 2, 1)


def test_a_spend_makes_room_for_the_next_freeze_in_time_order() -> None:
    acts = [_review(n, 100 + n, days=n) for n in range(9)]
    spent_early = balance(ME, acts, [MONDAY + timedelta(days=6, hours=1)])
    assert (spent_early.earned, spent_early.spent, spent_early.held) == (3, 1, 2)
    spent_late = balance(ME, acts, [MONDAY + timedelta(days=30)])
    assert (spent_late.earned, spent_late.forfeited, spent_late.held) == (2, 1, 1)
    assert balance(ME, [], [MONDAY]).spent == 0  # nothing held: nothing spent


def test_the_rules_in_the_docs_are_the_rules_in_the_code() -> None:
    text = DOCS.read_text(encoding="utf-8")
    assert f"Every **{CREDITS_PER_FREEZE}** credits earn a freeze" in text
    assert f"holds at most **{MAX_HELP_FREEZES}** of these freezes" in text


acts = st.lists(
    st.builds(
        Act,
        st.sampled_from(list(ActKind)),
        st.integers(1, 20),
        st.one_of(st.none(), st.integers(1, 5)),
        st.integers(0, 60).map(lambda d: MONDAY + timedelta(days=d)),
    ),
    max_size=40,
)
spends = st.lists(st.integers(0, 60).map(lambda d: MONDAY + timedelta(days=d, hours=1)))


@given(acts, spends)
def test_the_balance_always_adds_up(some: list[Act], spent: list[datetime]) -> None:
    found = balance(ME, some, spent)
    assert 0 <= found.held <= MAX_HELP_FREEZES
    assert found.held == found.earned - found.spent
    assert found.earned + found.forfeited == found.total // CREDITS_PER_FREEZE
    assert found.toward_next == found.total % CREDITS_PER_FREEZE
    assert found == balance(ME, list(reversed(some)), list(reversed(spent)))
