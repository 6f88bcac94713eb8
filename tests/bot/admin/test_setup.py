"""The organizer `setup` command and who may run it."""

from __future__ import annotations

import pytest

from bot.app import Cohort
from bot.replies import Tone
from tests.support import caller, reply, text_of


async def test_members_who_are_not_organizers_are_refused(cohort: Cohort) -> None:
    answer = reply(await cohort.dispatcher.run_line(caller("eve"), "setup timezone:UTC"))
    assert answer.tone is Tone.ERROR
    assert "Only organizers" in answer.body


async def test_a_named_organizer_may_run_setup_and_can_be_removed(cohort: Cohort) -> None:
    admin = caller("owner", admin=True)
    await cohort.dispatcher.run_line(admin, "setup organizer:@bob")
    ok = reply(await cohort.dispatcher.run_line(caller("bob"), "setup"))
    assert ok.tone is not Tone.ERROR
    await cohort.dispatcher.run_line(admin, "setup remove-organizer:@bob")
    refused = reply(await cohort.dispatcher.run_line(caller("bob"), "setup"))
    assert refused.tone is Tone.ERROR


async def test_setup_saves_time_zone_channels_and_schedules(cohort: Cohort) -> None:
    admin = caller("owner", admin=True)
    answer = reply(
        await cohort.dispatcher.run_line(
            admin,
            "setup timezone:Europe/Berlin challenges:<#C1|challenges> "
            "post:challenges day:wed time:7:30",
        )
    )
    assert answer.tone is Tone.SUCCESS
    shown = text_of(await cohort.dispatcher.run_line(admin, "setup"))
    assert "Time zone: Europe/Berlin" in shown
    assert "Challenges: #C1, wed 07:30" in shown
    assert "Digest: no channel yet, fri 16:00" in shown


async def test_day_without_post_names_the_missing_option(cohort: Cohort) -> None:
    answer = reply(await cohort.dispatcher.run_line(caller("o", admin=True), "setup day:mon"))
    assert answer.tone is Tone.ERROR
    assert "`post:`" in answer.body


async def test_a_crontab_line_can_replace_day_and_time(cohort: Cohort) -> None:
    admin = caller("owner", admin=True)
    saved = reply(
        await cohort.dispatcher.run_line(admin, 'setup post:digest cron:"0 9 * * mon,thu"')
    )
    assert "digest cron 0 9 \\* \\* mon,thu" in saved.body
    assert "Digest: no channel yet, cron 0 9 * * mon,thu" in text_of(saved)
    bad = reply(await cohort.dispatcher.run_line(admin, 'setup post:digest cron:"every monday"'))
    assert bad.tone is Tone.ERROR
    assert "five fields" in bad.body
    back = reply(await cohort.dispatcher.run_line(admin, "setup post:digest cron:off day:tue"))
    assert "Digest: no channel yet, tue 16:00" in text_of(back)


@pytest.mark.parametrize(
    ("line", "apart"),
    [
        ("* * * * *", "1 minute apart"),
        ("*/30 9 * * mon", "30 minutes apart"),
        ("0,45 9 * * mon", "45 minutes apart"),
        ("0,10 9 29 2 *", "10 minutes apart"),  # only on 29 February, still twice an hour
    ],
)
async def test_a_crontab_firing_more_often_than_hourly_is_refused(
    cohort: Cohort, line: str, apart: str
) -> None:
    admin = caller("owner", admin=True)
    answer = reply(await cohort.dispatcher.run_line(admin, f'setup post:digest cron:"{line}"'))
    assert answer.tone is Tone.ERROR
    assert "at most once an hour" in answer.body
    assert apart in answer.body
    assert "Digest: no channel yet, fri 16:00" in text_of(
        await cohort.dispatcher.run_line(admin, "setup")
    )


@pytest.mark.parametrize("line", ["0 * * * *", "30 9,10 * * mon", "0 9 * * *"])
async def test_a_crontab_firing_at_most_hourly_is_saved(cohort: Cohort, line: str) -> None:
    admin = caller("owner", admin=True)
    answer = reply(await cohort.dispatcher.run_line(admin, f'setup post:digest cron:"{line}"'))
    assert answer.tone is Tone.SUCCESS, answer.body


async def test_removing_someone_who_is_not_an_organizer_saves_nothing(cohort: Cohort) -> None:
    admin = caller("owner", admin=True)
    answer = reply(await cohort.dispatcher.run_line(admin, "setup remove-organizer:@nobody"))
    assert "Saved" not in answer.body
    assert "Nothing changed: @nobody was not a named organizer." in text_of(answer)
    both = text_of(
        await cohort.dispatcher.run_line(
            admin, "setup timezone:Asia/Tokyo remove-organizer:@nobody"
        )
    )
    assert "Saved: time zone Asia/Tokyo." in both
    assert "Unchanged: @nobody was not a named organizer." in both


async def test_a_schedule_option_without_post_names_the_option_given(cohort: Cohort) -> None:
    admin = caller("owner", admin=True)
    answer = reply(await cohort.dispatcher.run_line(admin, 'setup cron:"0 9 * * mon"'))
    assert answer.tone is Tone.ERROR
    assert answer.body.startswith("`cron` sets the schedule of one kind of post: add `post:`")
    assert "day and time" not in answer.body
    timed = reply(await cohort.dispatcher.run_line(admin, "setup time:10:00"))
    assert timed.body.startswith("`time` sets the schedule")
