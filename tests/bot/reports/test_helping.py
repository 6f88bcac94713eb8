"""The report's helping section on a real database: the blockers of the report's week routed
to helpers, asked, helped and with no helper, the most active helpers, and last week's."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.app import Cohort
from bot.clock import ManualClock
from bot.reports import messages
from bot.reports.service import ReportService
from tests.support import COMMUNITY, ok

BLOCKER = 'checkin hours:3 done:x blockers:"My git history is a mess, rebase confuses me"'
LAST_WEEK = datetime(2026, 12, 2, 12, tzinfo=UTC)  # a Wednesday of the week of 2026-11-30
THIS_WEEK = datetime(2026, 12, 9, 12, tzinfo=UTC)  # a Wednesday of the week of 2026-12-07
REPORT_DAY = datetime(2026, 12, 14, 8, tzinfo=UTC)  # the report on the week of 2026-12-07


async def _ask_and_help(cohort: Cohort, user: str, request: int) -> None:
    await ok(cohort, BLOCKER, user)
    await ok(cohort, "helper find", user)
    await ok(cohort, f"helper ask {request} 1", user)
    await ok(cohort, f"helper helped {request} yes", user)


async def test_the_report_counts_the_weeks_blockers_routed_helped_and_with_no_helper(
    cohort: Cohort, clock: ManualClock
) -> None:
    clock.set(LAST_WEEK)
    await ok(cohort, "setup timezone:UTC reports:#orgs checkins:#ci", "root", admin=True)
    for user in ("ada", "fay", "gus", "bob"):
        await ok(cohort, "join timezone:UTC", user)
    await ok(cohort, "done git-daily", "bob")
    await ok(cohort, "helper on limit:3", "bob")
    await _ask_and_help(cohort, "ada", 1)
    clock.set(THIS_WEEK)
    await ok(cohort, BLOCKER, "ada")
    await ok(cohort, "helper find", "ada")  # offered, not asked yet
    await _ask_and_help(cohort, "fay", 3)
    await ok(cohort, 'checkin hours:1 done:x blockers:"python is hard"', "gus")
    nobody = await ok(cohort, "helper find subject:m:python-fluency", "gus")
    assert nobody.title == "No helper yet"

    community = await cohort.communities.resolve(COMMUNITY, REPORT_DAY)
    report = await cohort.services.get(ReportService).preview(community, REPORT_DAY)
    this, before = report.this.helping, report.before.helping
    assert report.this.monday == date(2026, 12, 7)
    assert (this.routed, this.asked, this.helped, this.unanswered) == (2, 1, 1, 1)
    assert this.top_helpers == (("bob", 1),)
    assert (before.routed, before.asked, before.helped, before.unanswered) == (1, 1, 1, 0)
    body = messages.report(report, None).body
    assert (
        "**Helping**: 2 blockers routed to helpers (1 more than last week), 1 asked, 1 helped, "
        "1 with no helper (last week 1 routed, 1 helped, 0 with no helper). "
        "Most active helpers: bob (1)."
    ) in body
    assert "python is hard" not in body  # blockers are counted, never quoted
    assert "rebase" not in body


async def test_a_week_without_routed_blockers_says_so_with_last_weeks_figures(
    cohort: Cohort, clock: ManualClock
) -> None:
    clock.set(LAST_WEEK)
    await ok(cohort, "setup timezone:UTC reports:#orgs checkins:#ci", "root", admin=True)
    for user in ("ada", "bob"):
        await ok(cohort, "join timezone:UTC", user)
    await ok(cohort, "done git-daily", "bob")
    await ok(cohort, "helper on", "bob")
    await _ask_and_help(cohort, "ada", 1)
    community = await cohort.communities.resolve(COMMUNITY, REPORT_DAY)
    report = await cohort.services.get(ReportService).preview(community, REPORT_DAY)
    body = messages.report(report, None).body
    assert (
        "**Helping**: no blocker routed to helpers "
        "(last week 1 routed, 1 helped, 0 with no helper)."
    ) in body
