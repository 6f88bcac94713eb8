"""Streak arithmetic: checked, holiday, paused, frozen and missed weeks, tables and properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.checkins.streaks import (
    FREEZE_EVERY,
    MAX_FREEZES,
    Calendar,
    Mark,
    Streak,
    first_break,
    fold,
    judge,
    settle,
)
from bot.pauses.model import Pause
from bot.weeks import WEEK

FIRST = date(2026, 10, 5)  # a Monday
LETTERS = {
    Mark.CHECKED: "C",
    Mark.HOLIDAY: "H",
    Mark.PAUSED: "P",
    Mark.FROZEN: "F",
    Mark.MISSED: "M",
    Mark.SPARED: "S",
    Mark.OPEN: "O",
}


def scenario(weeks: str) -> tuple[set[date], Calendar, date]:
    """One letter a week from FIRST, the last one being the open week: `x` a check-in,
    `.` nothing, `h` a holiday, `X` a check-in in a holiday week, `p` a week whose Sunday
    the member was paused on."""
    checked: set[date] = set()
    holidays: set[date] = set()
    pauses: list[Pause] = []
    for index, letter in enumerate(weeks):
        week = FIRST + index * WEEK
        if letter in "xX":
            checked.add(week)
        if letter in "hX":
            holidays.add(week)
        if letter == "p":
            sunday = week + timedelta(days=6)
            pauses.append(Pause(sunday, sunday + timedelta(days=1)))
    open_week = FIRST + (len(weeks) - 1) * WEEK
    return checked, Calendar(frozenset(holidays), tuple(pauses)), open_week


STREAKS = [
    # weeks, the marks from the first check-in, current, best, freezes
    ("x", "C", 1, 1, 0),
    ("xx.", "CCO", 2, 2, 0),
    ("x.x", "CMC", 1, 1, 0),
    ("x..", "CMO", 0, 1, 0),
    ("xxxx", "CCCC", 4, 4, 1),
    ("xxxx.x", "CCCCFC", 5, 5, 0),
    ("xxxx..x", "CCCCFMC", 1, 4, 0),
    ("xxxxxxxx..x", "CCCCCCCCFFC", 9, 9, 0),
    ("xxxxxxxxxxxx...x", "CCCCCCCCCCCCFFMC", 1, 12, 0),  # a third freeze is never held
    ("xxxx.xxxx", "CCCCFCCCC", 8, 8, 1),  # the eighth week earns one again
    ("xhx", "CHC", 2, 2, 0),
    ("xXx", "CCC", 3, 3, 0),  # a check-in in a holiday week counts
    ("xxxxhx", "CCCCHC", 5, 5, 1),  # a holiday spends no freeze
    ("xpp.x", "CPPMC", 1, 1, 0),
    ("xxxxp.x", "CCCCPFC", 5, 5, 0),
    ("..x", "C", 1, 1, 0),  # weeks before the first check-in are not judged
    ("h.x", "C", 1, 1, 0),
    ("x.h.", "CMHO", 0, 1, 0),  # a holiday does not mend a broken streak
]


@pytest.mark.parametrize(("weeks", "marks", "current", "best", "freezes"), STREAKS)
def test_streak_marks_and_totals(
    weeks: str, marks: str, current: int, best: int, freezes: int
) -> None:
    checked, calendar, open_week = scenario(weeks)
    history = fold(checked, calendar, open_week)
    assert "".join(LETTERS[m] for _, m in history.marks) == marks
    assert history.streak == Streak(current, best, freezes)


def test_no_check_ins_means_no_history() -> None:
    history = fold(set(), Calendar(), FIRST)
    assert history.streak == Streak()
    assert history.marks == ()


def test_a_pause_keeps_a_week_when_it_covers_its_sunday() -> None:
    week = FIRST
    until_saturday = Calendar(pauses=(Pause(week, week + timedelta(days=6)),))
    through_sunday = Calendar(pauses=(Pause(week + timedelta(days=6), week + WEEK),))
    assert until_saturday.keeps(week) is None
    assert through_sunday.keeps(week) is Mark.PAUSED


def test_judging_a_missed_week_spends_a_freeze_before_breaking() -> None:
    held = Streak(current=6, best=6, freezes=1)
    frozen, mark = judge(held, FIRST, False, Calendar())
    assert (frozen, mark) == (Streak(6, 6, 0), Mark.FROZEN)
    broken, mark = judge(frozen, FIRST + WEEK, False, Calendar())
    assert (broken, mark) == (Streak(0, 6, 0), Mark.MISSED)


LETTER = st.sampled_from("xxxx..hXp")


@st.composite
def histories(draw: st.DrawFn) -> str:
    """A history that starts with a check-in, up to two years long."""
    return "x" + "".join(draw(st.lists(LETTER, max_size=104)))


def incrementally(checked: set[date], calendar: Calendar, open_week: date) -> Streak:
    """The streak as the service keeps it: cached after each check-in, carried forward."""
    through, streak = None, Streak()
    for week in sorted(checked):
        previous = streak if through is None else settle(streak, through, week, calendar)
        streak, _ = judge(previous, week, True, calendar)
        through = week
    if through is None or through == open_week:
        return streak
    return settle(streak, through, open_week, calendar)


@given(weeks=histories())
def test_carrying_a_cached_streak_forward_agrees_with_judging_every_week(weeks: str) -> None:
    checked, calendar, open_week = scenario(weeks)
    assert incrementally(checked, calendar, open_week) == fold(checked, calendar, open_week).streak


@given(weeks=histories())
def test_streak_totals_stay_within_their_bounds(weeks: str) -> None:
    checked, calendar, open_week = scenario(weeks)
    history = fold(checked, calendar, open_week)
    streak = history.streak
    assert 0 <= streak.freezes <= MAX_FREEZES
    assert 0 <= streak.current <= streak.best <= len(checked)
    assert len(history.marks) == (open_week - min(checked)).days // 7 + 1
    counted = [m for _, m in history.marks]
    assert counted.count(Mark.CHECKED) == len(checked)


@given(weeks=histories())
def test_holiday_and_paused_weeks_leave_the_streak_as_it_was(weeks: str) -> None:
    checked, calendar, open_week = scenario(weeks)
    streak = Streak()
    for week, mark in fold(checked, calendar, open_week).marks:
        if mark is Mark.OPEN:
            break
        after, judged = judge(streak, week, week in checked, calendar)
        assert judged is mark
        if mark in (Mark.HOLIDAY, Mark.PAUSED):
            assert after == streak
        streak = after


@given(count=st.integers(min_value=1, max_value=60))
def test_an_unbroken_run_counts_every_week_and_earns_capped_freezes(count: int) -> None:
    checked, calendar, open_week = scenario("x" * count)
    assert fold(checked, calendar, open_week).streak == Streak(
        count, count, min(MAX_FREEZES, count // FREEZE_EVERY)
    )


@pytest.mark.parametrize(
    ("streak", "calendar", "expected"),
    [
        (Streak(2, 2, 0), Calendar(), FIRST + WEEK),
        (Streak(2, 2, 1), Calendar(), FIRST + 2 * WEEK),  # its own freeze goes first
        (Streak(2, 2, 0), Calendar(holidays=frozenset({FIRST + WEEK})), FIRST + 2 * WEEK),
        (Streak(2, 2, 0), Calendar(spared=frozenset({FIRST + WEEK})), FIRST + 2 * WEEK),
        (Streak(0, 2, 0), Calendar(), None),  # a broken streak has nothing left to keep
    ],
)
def test_first_break_is_the_first_closed_week_that_would_break_a_live_streak(
    streak: Streak, calendar: Calendar, expected: date | None
) -> None:
    assert first_break(streak, FIRST, FIRST + 4 * WEEK, calendar) == expected


def test_first_break_is_none_when_the_open_week_comes_first() -> None:
    assert first_break(Streak(1, 1, 0), FIRST, FIRST + WEEK, Calendar()) is None


def test_a_spared_week_keeps_the_streak_like_a_holiday() -> None:
    calendar = Calendar(spared=frozenset({FIRST + WEEK}))
    history = fold({FIRST, FIRST + 2 * WEEK}, calendar, FIRST + 3 * WEEK)
    assert history.mark(FIRST + WEEK) is Mark.SPARED
    assert history.streak.current == 2
