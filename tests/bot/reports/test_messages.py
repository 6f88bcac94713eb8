"""The report's wording stays within every platform's limits, however many members are at
risk and however long their names."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.challenges.model import Submission
from bot.content.limits import fits
from bot.helpers.model import Counts
from bot.matchups.model import Outcome
from bot.members.model import Member
from bot.progress.model import WeekStats
from bot.reports import messages
from bot.reports.model import (
    AtRisk,
    Blockers,
    Finished,
    Headcount,
    Report,
    Reviews,
    Risk,
    Subject,
    Week,
)

MONDAY = date(2026, 12, 7)


def _member(number: int) -> Member:
    joined = datetime(2026, 1, 1, tzinfo=UTC)
    name = f"{number} " + "a very long display name *with* <@markup> " * 3
    return Member(
        number, 1, f"U{number:06d}", name[:100], "UTC", joined.date(), 5, "", True, joined, None
    )


def _week(monday: date) -> Week:
    subjects = tuple((Subject(f"s{n}", "A milestone title " * 4, 2), 10 - n) for n in range(9))
    submission = Submission(1, 1, 1, _member(1).display_name, "https://x.org", "", 0, None, 0)
    return Week(
        monday=monday,
        headcount=Headcount(900, 20, 30, 5),
        blockers=Blockers(subjects),
        reviews=Reviews(40, (submission,) * 12),
        matchups=Outcome(100, 60, 25, 15),
        finished=Finished(300, 120, ((1, 10), (2, 4))),
        helping=Counts(150, 90, 60, 40, tuple((_member(n).display_name, 9 - n) for n in range(5))),
    )


def test_a_big_report_fits_every_platform_and_nudges_the_first_five() -> None:
    at_risk = tuple(
        AtRisk(_member(n), Risk.STREAK if n < 3 else Risk.MISSED, MONDAY, 9) for n in range(40)
    )
    rates = tuple(
        WeekStats(MONDAY - timedelta(weeks=8 - n), 900, 500 + n, n == 4) for n in range(9)
    )
    report = Report(_week(MONDAY), _week(MONDAY - timedelta(weeks=1)), rates, at_risk, 30, 12)
    reply = messages.report(report, b"png", private=False)
    assert fits(reply) == []
    assert len(reply.actions) == 5
    assert reply.actions[0].command == "report nudge <@U000000>"
    assert reply.items[-1] == "and 25 more: see `stats`"
    assert "`report nudge @member` nudges anyone else" in reply.body
    assert "\\*with\\*" in reply.items[0]  # names are shown literally
    helping = reply.body.split("**Helping**: ")[1]
    assert helping.startswith("150 blockers routed to helpers (same as last week), 90 asked")
    assert "Most active helpers: 0 a very long display name \\*with\\* \\<@mar…" in helping
    assert "<@" not in helping.replace("\\<@", "")  # no helper's name becomes a mention
