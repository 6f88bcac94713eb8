"""The weekly report on a real database: a month and more of simulated members, the report
posted once a week through the outbox to the reports channel only, its numbers, and the nudge
its buttons send (once, never to a paused member or one who turned nudges off)."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from bot import pictures
from bot.app import Cohort
from bot.clock import ManualClock
from bot.content.limits import fits
from bot.milestones.service import all_ids
from bot.outbox import Message, TargetKind
from bot.replies import Tone
from bot.reports import chart
from bot.reports.figures import OTHER
from bot.reports.model import Report, Risk
from bot.reports.service import ReportService
from bot.storage.tables import match_rounds, outbox, submissions
from tests.bot.stepping import step_until
from tests.support import COMMUNITY, member_of, ok, run, table_rows, text_of

WEEK = timedelta(days=7)
FIRST = datetime(2026, 11, 4, 12, 0, tzinfo=UTC)  # a Wednesday of 2026-W45


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def wednesday(week: int) -> datetime:
    return FIRST + (week - 45) * WEEK


# The weeks each member checks in: steady ones, a streak that lost its freeze in W49 and
# misses W52, one who fades after W49, one who turns nudges off, one who pauses, one who
# never checks in, one who leaves, one who joins late.
CHECKS = {
    "s1": range(45, 53),
    "s2": range(45, 53),
    "s3": range(45, 53),
    "s4": (45, 46, 47, 48, 50, 51),
    "fay": range(45, 50),
    "oli": range(45, 50),
    "pat": range(45, 50),
    "zed": (),
    "lou": (45, 46, 47),
    "new": (51, 52),
}
BLOCKERS = {
    (51, "s1"): "gradient descent again",
    (52, "s1"): "gradient descent math is confusing",
    (52, "s2"): "I cannot get my python environment working",
    (52, "s3"): "my cat was sick",
}


async def _org(cohort: Cohort, line: str) -> None:
    await ok(cohort, line, "org", admin=True)


async def _answer_round(cohort: Cohort, member: str, answer: str) -> None:
    """`member` answers for the newest round; nobody in the other groups answers."""
    rounds = await table_rows(cohort, match_rounds)
    newest = max(rounds, key=lambda r: r["id"])
    await ok(cohort, f"match met round:{newest['id']} answer:{answer}", member)


async def _week(cohort: Cohort, week: int) -> None:
    """What the members do on the Wednesday of `week`."""
    pack_ids = all_ids(cohort.content.builtin())
    if week == 50:
        await ok(cohort, "nudges off", "oli")
        await ok(cohort, "pause until:2027-01-20", "pat")
        for user in ("s1", "s2", "s3", "s4"):
            await ok(cohort, "match join", user)
    if week == 51:
        await ok(cohort, "leave", "lou")
        await ok(cohort, "join timezone:UTC", "new")
    for user, weeks in CHECKS.items():
        if week not in weeks:
            continue
        line = "checkin hours:3 done:x"
        if blocker := BLOCKERS.get((week, user)):
            line += f' blockers:"{blocker}"'
        if (week, user) == (52, "s1"):
            line += " milestones:" + ",".join(pack_ids[:12])  # all of phase 1
        if (week, user) == (51, "s2"):
            line += " milestones:python-fluency"
        await ok(cohort, line, user)
    if week == 51:
        await ok(cohort, "challenge submit https://example.org/s1-w51", "s1")
        await _answer_round(cohort, "s1", "no")
    if week == 52:
        await ok(cohort, "challenge submit https://example.org/s1-w52", "s1")
        await ok(cohort, "challenge submit https://example.org/s2-w52", "s2")
        assigned = await ok(cohort, "challenge review", "s3")
        entries = sorted(r["id"] for r in await table_rows(cohort, submissions))
        assert "s1-w52" in text_of(assigned)
        await ok(cohort, f'challenge review {entries[-2]} score:4 comment:"clear"', "s3")
        await _answer_round(cohort, "s1", "yes")


async def _simulate(cohort: Cohort, clock: ManualClock) -> list[tuple[datetime, Message]]:
    clock.set(FIRST)
    await _org(
        cohort,
        "setup timezone:UTC reports:#orgs challenges:#challenges matchups:#matchups",
    )
    for user in CHECKS:
        if user != "new":
            await ok(cohort, "join timezone:UTC", user)
    delivered: list[tuple[datetime, Message]] = []
    for week in range(45, 53):
        delivered += await step_until(cohort, clock, wednesday(week))
        await _week(cohort, week)
    delivered += await step_until(cohort, clock, at("2026-12-28T09:30"))
    return delivered


async def _the_report_is_posted_once_a_week_to_the_reports_channel_only(
    cohort: Cohort, simulated: list[tuple[datetime, Message]]
) -> None:
    reports = [(when, m) for when, m in simulated if m.key.startswith("report:")]
    mondays = [at("2026-11-09T08:00") + n * WEEK for n in range(8)]
    assert [when for when, _ in reports] == mondays
    assert [m.key for _, m in reports] == [f"report:1:2026-W{n}" for n in range(45, 53)]
    assert {(m.target.kind, m.target.channel_id) for _, m in reports} == {
        (TargetKind.CHANNEL, "orgs")
    }
    in_orgs = [m.key for _, m in simulated if m.target.channel_id == "orgs"]
    assert in_orgs == [m.key for _, m in reports]  # nothing else goes there
    last = reports[-1][1].reply
    assert last.private is False
    assert last.image is not None
    assert last.image.data.startswith(b"\x89PNG")
    assert fits(last) == []
    async with cohort.db.read() as tx:
        keys = list(await tx.scalars(sa.select(outbox.c.key).where(outbox.c.key.like("report:%"))))
    assert len(keys) == len(set(keys)) == 8


async def _report(cohort: Cohort) -> Report:
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    service = cohort.services.get(ReportService)
    return await service.preview(community, at("2026-12-28T08:00"))


async def _the_report_has_the_weeks_numbers_and_last_weeks(
    cohort: Cohort, simulated: list[tuple[datetime, Message]]
) -> None:
    report = await _report(cohort)
    this, before = report.this, report.before
    assert this.monday == date(2026, 12, 21)
    assert (this.headcount.active, this.headcount.new, this.headcount.left) == (9, 0, 0)
    assert this.headcount.paused == 1
    assert (before.headcount.active, before.headcount.new, before.headcount.left) == (9, 1, 1)
    assert [(w.week.isoformat(), w.expected, w.checked_in) for w in report.rates[-2:]] == [
        ("2026-12-14", 8, 5),
        ("2026-12-21", 8, 4),
    ]
    assert len(report.rates) == 9
    risks = [(a.member.user_id, a.risk, a.streak) for a in report.at_risk]
    assert risks == [
        ("s4", Risk.STREAK, 6),
        ("oli", Risk.MISSED, 0),
        ("fay", Risk.MISSED, 0),
        ("zed", Risk.MISSED, 0),
    ]
    assert (report.at_risk_before, report.back) == (1, 0)
    subjects = [(s.key, n) for s, n in this.blockers.by_subject]
    assert subjects == [("dev-environment", 1), ("gradients", 1), (OTHER.key, 1)]
    assert [(s.key, n) for s, n in before.blockers.by_subject] == [("gradients", 1)]
    assert this.reviews.submitted == 2
    assert [s.author for s in this.reviews.unreviewed] == ["s2"]
    assert (before.reviews.submitted, len(before.reviews.unreviewed)) == (1, 1)
    assert this.matchups is not None
    assert before.matchups is not None
    assert (this.matchups.groups, this.matchups.met, this.matchups.unanswered) == (2, 1, 1)
    assert (before.matchups.met, before.matchups.not_met, before.matchups.unanswered) == (0, 1, 1)
    assert (this.finished.milestones, this.finished.members, this.finished.phases) == (
        12,
        1,
        ((1, 1),),
    )
    assert (before.finished.milestones, before.finished.phases) == (1, ())


async def _the_posted_report_says_what_changed_and_offers_a_nudge_for_each_at_risk(
    cohort: Cohort, simulated: list[tuple[datetime, Message]]
) -> None:
    posted = next(m for _, m in reversed(simulated) if m.key == "report:1:2026-W52").reply
    text = text_of(posted)
    assert "Weekly report · 2026-W52 (21 Dec - 27 Dec)" in text
    assert "9 active (same as last week); 0 new, 0 left, 1 paused" in text
    assert "4 of 8 expected checked in: 50%; the week before, 62%" in text
    assert "Blockers: 3 (2 more than last week)" in text
    assert "Derivatives and gradient descent (phase 1): 1 (last week 1)" in text
    assert "my cat" not in text
    assert "gradient descent math" not in text
    assert "2, 1 with no review yet (last week 1, 1 still unreviewed). Waiting: s2." in text
    assert "1 of 2 groups met, 0 did not, 1 ghosted" in text
    assert "12 ticked off by 1 member (11 more than last week). Phases completed: phase 1" in text
    assert "Helping: no blocker routed to helpers (last week 0 routed, 0 helped, 0 " in text
    assert "s4: a 6-week streak breaks without this week's check-in" in text
    assert "zed: missed two weeks in a row (no check-in yet)" in text
    assert [a.command for a in posted.actions] == [
        "report nudge <@s4>",
        "report nudge <@oli>",
        "report nudge <@fay>",
        "report nudge <@zed>",
    ]


async def test_two_months_of_weekly_reports_and_the_nudges_they_offer(
    cohort: Cohort, clock: ManualClock
) -> None:
    # One simulation of two months (the slow part) checked four ways.
    simulated = await _simulate(cohort, clock)
    await _the_report_is_posted_once_a_week_to_the_reports_channel_only(cohort, simulated)
    await _the_report_has_the_weeks_numbers_and_last_weeks(cohort, simulated)
    await _the_posted_report_says_what_changed_and_offers_a_nudge_for_each_at_risk(
        cohort, simulated
    )
    await _a_nudge_goes_once_and_never_to_a_paused_member_or_one_who_opted_out(cohort, clock)


async def _a_nudge_goes_once_and_never_to_a_paused_member_or_one_who_opted_out(
    cohort: Cohort, clock: ManualClock
) -> None:
    first = await ok(cohort, "report nudge <@fay>", "org", admin=True)
    assert first.title == "Nudge sent"
    again = await ok(cohort, "report nudge fay", "org", admin=True)
    assert again.title == "Already nudged"
    opted_out = await run(cohort, "report nudge <@oli>", "org", admin=True)
    assert opted_out.tone is Tone.ERROR
    assert "nudges off" in opted_out.body
    paused = await run(cohort, "report nudge pat", "org", admin=True)
    assert paused.tone is Tone.ERROR
    assert "paused until 2027-01-20" in paused.body
    gone = await run(cohort, "report nudge lou", "org", admin=True)
    assert gone.tone is Tone.ERROR
    refused = await run(cohort, "report nudge fay", "s1")
    assert refused.tone is Tone.ERROR
    assert "Only organizers" in refused.body
    delivered = await step_until(cohort, clock, clock.now() + timedelta(hours=1))
    nudges = [m for _, m in delivered if m.key.startswith("report-nudge:")]
    fay = await member_of(cohort, "fay")
    assert [(m.key, m.target.kind, m.target.user_ids) for m in nudges] == [
        (f"report-nudge:1:{fay.id}:2026-W52", TargetKind.DIRECT, ("fay",))
    ]
    body = nudges[0].reply.body
    assert "Hi fay!" in body
    assert "you are missed" in body
    assert "`nudges off`" in body
    assert nudges[0].reply.actions[0].command == "checkin"


async def test_no_report_without_a_reports_channel_of_its_own(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _org(cohort, "setup timezone:UTC challenges:#general")
    await ok(cohort, "join timezone:UTC")
    delivered = await step_until(cohort, clock, at("2026-12-08T12:00"))
    assert [m.key for _, m in delivered if m.key.startswith("report:")] == []
    refused = await run(cohort, "report settings channel:#general", "org", admin=True)
    assert refused.tone is Tone.ERROR
    assert "challenges" in refused.body
    await _org(cohort, "setup reports:#general")  # set around the check: still never posted
    delivered = await step_until(cohort, clock, at("2026-12-15T12:00"))
    assert [m.key for _, m in delivered if m.key.startswith("report:")] == []


def _never_drawn(_: object) -> bytes:
    time.sleep(60)
    return b""


async def test_a_report_whose_chart_is_stuck_goes_out_without_it(
    cohort: Cohort, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(chart, "report_chart", _never_drawn)
    monkeypatch.setattr(pictures, "DEADLINE_SECONDS", 0.5)
    clock.set(FIRST)
    await _org(cohort, "setup timezone:UTC reports:#orgs")
    await ok(cohort, "join timezone:UTC")
    delivered = await step_until(cohort, clock, at("2026-11-09T09:00"))
    (report,) = [m for _, m in delivered if m.key.startswith("report:")]
    assert report.target.channel_id == "orgs"
    assert report.reply.image is None
    assert "Check-in rate" in text_of(report.reply)


async def test_report_settings_choose_the_channel_day_and_time(
    cohort: Cohort, clock: ManualClock
) -> None:
    shown = await ok(cohort, "report settings", "org", admin=True)
    assert "no channel yet, mon 08:00" in text_of(shown)
    changed = await ok(
        cohort, "report settings channel:#orgs day:fri time:17:30", "org", admin=True
    )
    assert "goes to #orgs, fri 17:30 (UTC)" in text_of(changed)
    await ok(cohort, "join timezone:UTC")
    delivered = await step_until(cohort, clock, at("2026-12-12T12:00"))
    reports = [(when, m.key) for when, m in delivered if m.key.startswith("report:")]
    assert reports == [
        (at("2026-12-04T17:30"), "report:1:2026-W48"),
        (at("2026-12-11T17:30"), "report:1:2026-W49"),
    ]


async def test_report_preview_is_for_organizers_and_fits_every_platform(
    cohort: Cohort, clock: ManualClock
) -> None:
    await ok(cohort, "join timezone:UTC")
    await ok(cohort, "checkin hours:2 done:x")
    assert "Only organizers" in (await run(cohort, "report")).body
    preview = await ok(cohort, "report", "org", admin=True)
    assert preview.private is True
    assert preview.title is not None
    assert preview.title.startswith("Weekly report · 2026-W47")
    assert preview.image is not None


async def test_members_write_while_the_reports_chart_is_drawn(
    cohort: Cohort, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    drawing, drawn = asyncio.Event(), asyncio.Event()

    async def slow(*_: object) -> bytes:
        drawing.set()
        await drawn.wait()
        return b"chart"

    monkeypatch.setattr(pictures, "draw", slow)
    clock.set(FIRST)
    await _org(cohort, "setup timezone:UTC reports:#orgs")
    await ok(cohort, "join timezone:UTC")
    clock.set(at("2026-11-09T08:00"))
    tick = asyncio.ensure_future(cohort.scheduler.tick())
    async with asyncio.timeout(10):
        await drawing.wait()
        await ok(cohort, "checkin hours:2 done:x")  # the chart holds no write turn
    drawn.set()
    await tick
    keys = [row["key"] for row in await table_rows(cohort, outbox)]
    assert [k for k in keys if k.startswith("report:")] == ["report:1:2026-W45"]
