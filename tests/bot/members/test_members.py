"""Joining, the profile and leaving, through the dispatcher on a real database."""

from __future__ import annotations

from datetime import timedelta

from bot.app import Cohort
from bot.clock import ManualClock
from bot.replies import Tone
from tests.support import caller, reply, text_of


async def test_join_creates_the_community_and_the_member(cohort: Cohort) -> None:
    answer = reply(
        await cohort.dispatcher.run_line(caller(), "join timezone:Europe/Berlin hours:6")
    )
    assert answer.tone is Tone.SUCCESS
    shown = text_of(await cohort.dispatcher.run_line(caller(), "profile"))
    assert "Time zone: Europe/Berlin" in shown
    assert "Weekly target: 6 h" in shown
    assert "Journey: week 1" in shown


async def test_join_defaults_to_the_community_time_zone(cohort: Cohort) -> None:
    await cohort.dispatcher.run_line(caller("org", admin=True), "setup timezone:Asia/Tokyo")
    await cohort.dispatcher.run_line(caller(), "join")
    assert "Time zone: Asia/Tokyo" in text_of(await cohort.dispatcher.run_line(caller(), "profile"))


async def test_an_unknown_time_zone_is_refused_with_a_clear_error(cohort: Cohort) -> None:
    answer = reply(await cohort.dispatcher.run_line(caller(), "join timezone:Mars/Olympus"))
    assert answer.tone is Tone.ERROR
    assert "IANA time zone" in answer.body
    assert "haven't joined" in text_of(await cohort.dispatcher.run_line(caller(), "profile"))


async def test_joining_twice_points_to_profile_set(cohort: Cohort) -> None:
    await cohort.dispatcher.run_line(caller(), "join")
    answer = reply(await cohort.dispatcher.run_line(caller(), "join"))
    assert answer.tone is Tone.ERROR
    assert "profile set" in answer.body


async def test_profile_set_changes_only_what_is_given(cohort: Cohort) -> None:
    await cohort.dispatcher.run_line(caller(), 'join timezone:America/St_Johns focus:"nlp"')
    await cohort.dispatcher.run_line(caller(), "profile set hours:12 public:false")
    shown = text_of(await cohort.dispatcher.run_line(caller(), "profile"))
    assert "Weekly target: 12 h" in shown
    assert "On leaderboards: hidden" in shown
    assert "Time zone: America/St_Johns" in shown
    assert "Focus: nlp" in shown


async def test_profile_set_without_options_says_what_can_change(cohort: Cohort) -> None:
    await cohort.dispatcher.run_line(caller(), "join")
    answer = reply(await cohort.dispatcher.run_line(caller(), "profile set"))
    assert "Nothing to change" in answer.body


async def test_start_dates_far_ahead_or_far_back_are_refused(cohort: Cohort) -> None:
    ahead = reply(await cohort.dispatcher.run_line(caller(), "join start:2027-06-01"))
    assert "too far ahead" in ahead.body
    back = reply(await cohort.dispatcher.run_line(caller(), "join start:2019-01-01"))
    assert "too far back" in back.body
    ok = reply(await cohort.dispatcher.run_line(caller(), "join start:2026-09-01"))
    assert ok.tone is Tone.SUCCESS
    assert "Journey: week 13" in text_of(ok)


async def test_weeks_of_the_journey_follow_the_clock(cohort: Cohort, clock: ManualClock) -> None:
    await cohort.dispatcher.run_line(caller(), "join timezone:Pacific/Kiritimati")
    clock.advance(timedelta(days=15))
    assert "Journey: week 3" in text_of(await cohort.dispatcher.run_line(caller(), "profile"))


async def test_leave_keeps_history_and_join_brings_the_member_back(cohort: Cohort) -> None:
    await cohort.dispatcher.run_line(caller(), "join hours:9")
    left = reply(await cohort.dispatcher.run_line(caller(), "leave"))
    assert "history is kept" in left.body
    assert "haven't joined" in text_of(await cohort.dispatcher.run_line(caller(), "profile"))
    back = reply(await cohort.dispatcher.run_line(caller(), "join"))
    assert "Welcome back" in back.body


async def test_user_text_in_the_profile_is_escaped(cohort: Cohort) -> None:
    await cohort.dispatcher.run_line(caller(), 'join focus:"**loud** <@U1> [x](https://e.org)"')
    answer = reply(await cohort.dispatcher.run_line(caller(), "profile"))
    focus = next(f.value for f in answer.fields if f.name == "Focus")
    assert focus == "\\*\\*loud\\*\\* \\<@U1\\> \\[x\\]\\(https://e.org\\)"


async def test_rejoining_keeps_the_profile_the_member_had(
    cohort: Cohort, clock: ManualClock
) -> None:
    await cohort.dispatcher.run_line(
        caller(), 'join timezone:Asia/Tokyo start:2026-09-01 hours:12 focus:"nlp"'
    )
    await cohort.dispatcher.run_line(caller(), "profile set public:false")
    before = text_of(await cohort.dispatcher.run_line(caller(), "profile"))
    await cohort.dispatcher.run_line(caller(), "leave")
    clock.advance(timedelta(days=14))
    back = text_of(await cohort.dispatcher.run_line(caller(), "join"))
    assert "Started: 2026-09-01" in back
    assert "Journey: week 15" in back
    for line in ("Time zone: Asia/Tokyo", "Weekly target: 12 h", "Focus: nlp"):
        assert line in before
        assert line in back
    assert "On leaderboards: hidden" in back


async def test_rejoining_with_options_changes_only_those(cohort: Cohort) -> None:
    await cohort.dispatcher.run_line(caller(), 'join start:2026-09-01 hours:12 focus:"nlp"')
    await cohort.dispatcher.run_line(caller(), "leave")
    back = text_of(await cohort.dispatcher.run_line(caller(), "join hours:3"))
    assert "Weekly target: 3 h" in back
    assert "Started: 2026-09-01" in back
    assert "Focus: nlp" in back


async def test_join_without_a_time_zone_says_it_took_the_communitys(cohort: Cohort) -> None:
    await cohort.dispatcher.run_line(caller("org", admin=True), "setup timezone:Asia/Tokyo")
    told = text_of(await cohort.dispatcher.run_line(caller(), "join"))
    assert "community's time zone, Asia/Tokyo" in told
    assert "profile set timezone:" in told
    chosen = text_of(await cohort.dispatcher.run_line(caller("bea"), "join timezone:Europe/Paris"))
    assert "community's time zone" not in chosen
