"""Progress and stats: the text, the PNG pictures, who may see what, and who is at risk."""

from __future__ import annotations

import struct
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.app import Cohort
from bot.checkins.service import CheckinService
from bot.checkins.streaks import Mark
from bot.clock import ManualClock
from bot.content.limits import fits
from bot.identity import Caller
from bot.progress.service import WEEKS_SHOWN, ProgressService
from bot.replies import Reply, Tone
from tests.support import COMMUNITY, caller, member_of, reply

WEEK = timedelta(days=7)


async def _run(cohort: Cohort, line: str, user: str = "ada") -> Reply:
    return reply(await cohort.dispatcher.run_line(caller(user, admin=user == "org"), line))


async def _ok(cohort: Cohort, line: str, user: str = "ada") -> Reply:
    answer = await _run(cohort, line, user)
    assert answer.tone is not Tone.ERROR, answer.body
    assert fits(answer) == [], line
    return answer


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def test_progress_answers_with_text_and_a_card(cohort: Cohort, clock: ManualClock) -> None:
    await _ok(cohort, "join timezone:Europe/Berlin hours:6")
    await _ok(cohort, 'checkin hours:4 done:"<@42> did **loads**" blockers:"`rm -rf`"')
    clock.advance(2 * WEEK)
    answer = await _ok(cohort, "progress")
    assert answer.title == "Progress of ada"
    assert "1 check-in in the first 2 weeks, 4 h in all." in answer.body
    assert r"\<@42\> did \*\*loads\*\*" in answer.body
    assert r"In the way: \`rm -rf\`" in answer.body
    assert answer.image is not None
    assert _png_size(answer.image.data) == (800, 640)
    assert "1 check-in in the first 2 weeks" in answer.image.alt


async def test_no_picture_is_drawn_where_the_caller_cannot_see_one(cohort: Cohort) -> None:
    await _ok(cohort, "join")
    blind = replace(caller("ada"), shows_images=False)
    answer = reply(await cohort.dispatcher.run_line(blind, "progress"))
    assert "Streak" in answer.body
    assert answer.image is None
    stats = reply(await cohort.dispatcher.run_line(replace(blind, is_platform_admin=True), "stats"))
    assert stats.title == "Community stats"
    assert stats.image is None


async def test_the_card_marks_each_of_the_last_26_weeks(cohort: Cohort, clock: ManualClock) -> None:
    await _ok(cohort, "join timezone:UTC")
    for _ in range(4):
        await _ok(cohort, "checkin hours:2 done:x")
        clock.advance(WEEK)
    clock.advance(WEEK)  # W52 frozen, W53 open
    service = cohort.services.get(ProgressService)
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    result = await service.progress(community, "ada", False, None, clock.now())
    assert len(result.weeks) == WEEKS_SHOWN
    assert [w.mark for w in result.weeks[-7:]] == [
        None,
        Mark.CHECKED,
        Mark.CHECKED,
        Mark.CHECKED,
        Mark.CHECKED,
        Mark.FROZEN,
        Mark.OPEN,
    ]
    assert result.streak.current == 4
    assert [w.hours for w in result.weeks[-6:]] == [2, 2, 2, 2, 0, 0]


async def test_other_members_progress_shows_only_when_they_are_public(cohort: Cohort) -> None:
    await _ok(cohort, "join", "ada")
    await _ok(cohort, "join", "bob")
    await _ok(cohort, 'checkin hours:3 done:"secret plans"', "bob")
    public = await _ok(cohort, "progress @bob")
    assert public.title == "Progress of bob"
    assert "secret plans" not in public.body  # answers are shown to their owner only
    await _ok(cohort, "profile set public:false", "bob")
    hidden = await _run(cohort, "progress <@bob>")
    assert hidden.tone is Tone.ERROR
    assert "bob keeps their progress private" in hidden.body
    assert (await _ok(cohort, "progress bob", "org")).title == "Progress of bob"
    assert "hasn't joined" in (await _run(cohort, "progress zed")).body


async def test_the_card_shows_any_display_name_literally(cohort: Cohort) -> None:
    odd = Caller(caller("odd").member, display_name="$\\frac{1}{0}$ **x** <@1>")
    await cohort.dispatcher.run_line(odd, "join")
    answer = reply(await cohort.dispatcher.run_line(odd, "progress"))
    assert answer.image is not None
    assert answer.title == r"Progress of $\\frac{1}{0}$ \*\*x\*\* \<@1\>"


async def test_stats_show_rates_and_members_at_risk_to_organizers(
    cohort: Cohort, clock: ManualClock
) -> None:
    assert "Only organizers" in (await _run(cohort, "stats")).body
    for user in ("ada", "bob", "cy"):
        await _ok(cohort, "join timezone:UTC", user)
    await _ok(cohort, "pause until:2026-12-28", "cy")
    await _ok(cohort, "checkin hours:3 done:x", "ada")  # W48, then nothing
    for _ in range(3):
        await _ok(cohort, "checkin hours:3 done:x", "bob")  # W48, W49, W50
        clock.advance(WEEK)
    await _ok(cohort, "checkin hours:3 done:x", "bob")  # W51, open
    stats = await _ok(cohort, "stats", "org")
    assert stats.items == ("ada: last check-in 2026-W48",)
    values = {f.name: f.value for f in stats.fields}
    assert values["Active members"] == "3"
    assert values["At risk"] == "1"
    assert values["Checked in for 2026-W51"] == "1 so far"
    assert values["Weekly active, 2026-W50"] == "1"
    assert values["Check-in rate"] == "67% over the last 3 weeks"  # cy's pause is excused
    assert stats.image is not None
    assert _png_size(stats.image.data) == (800, 480)


async def test_stats_never_claim_that_everyone_checked_in(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _ok(cohort, "join timezone:UTC", "ada")
    await _ok(cohort, "join timezone:UTC", "bob")
    await _ok(cohort, "checkin hours:3 done:x", "ada")  # W48; bob never checks in
    clock.advance(WEEK)
    stats = await _ok(cohort, "stats", "org")
    assert stats.items == ()
    assert "everyone checked in" not in stats.body
    assert "1 member has not checked in yet" in stats.body
    values = {f.name: f.value for f in stats.fields}
    assert values["Check-in rate"] == "50% over the last week"


async def test_the_card_shows_a_week_kept_by_helping(
    cohort: Cohort, clock: ManualClock, tmp_path_factory: pytest.TempPathFactory
) -> None:
    await _ok(cohort, "join timezone:UTC")
    await _ok(cohort, "checkin hours:2 done:x")
    clock.advance(2 * WEEK)  # the week after it closed with no check-in
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    ada = await member_of(cohort, "ada")
    checkins = cohort.services.get(CheckinService)
    async with cohort.db.write() as tx:
        (week,) = (await checkins.streak_breaks(tx, [ada], clock.now())).values()
        await checkins.spare(tx, ada, week, clock.now())
    service = cohort.services.get(ProgressService)
    result = await service.progress(community, "ada", False, None, clock.now())
    assert [w.mark for w in result.weeks[-3:]] == [Mark.CHECKED, Mark.SPARED, Mark.OPEN]
    assert result.streak.current == 1
    answer = await _ok(cohort, "progress")
    assert answer.image is not None
    (tmp_path_factory.getbasetemp() / "progress-spared.png").write_bytes(answer.image.data)


async def test_a_member_in_week_one_hears_of_a_start_not_of_25_empty_weeks(
    cohort: Cohort,
) -> None:
    await _ok(cohort, "join timezone:UTC")
    before = await _ok(cohort, "progress")
    assert "The first check-in starts the streak" in before.body
    await _ok(cohort, "checkin hours:2 done:x")
    answer = await _ok(cohort, "progress")
    assert "First check-in done: a great start, 2 h in all." in answer.body
    assert "26 weeks" not in answer.body
    assert answer.image is not None
    assert _png_size(answer.image.data) == (800, 640)
    assert "first check-in done" in answer.image.alt


async def test_a_long_standing_member_sees_the_last_weeks_counted(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _ok(cohort, "join timezone:UTC")
    for _ in range(30):
        await _ok(cohort, "checkin hours:5 done:x")
        clock.advance(WEEK)
    answer = await _ok(cohort, "progress")
    assert "Checked in 25 of the last 25 weeks" in answer.body
    assert answer.image is not None
    assert _png_size(answer.image.data) == (800, 640)
