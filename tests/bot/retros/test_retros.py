"""Quarterly retros: asked once a quarter by direct message from 10:00 on the member's clock,
never while paused or after `nudges off`; answered by form or inline; a goal becomes a goal;
a class's summary goes to the check-ins channel once its answers are in (or once there is
one, for a quarter)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import Cohort
from bot.clock import ManualClock
from bot.goals.service import MAX_OPEN
from bot.outbox import Message, TargetKind
from bot.replies import Form, Tone
from bot.storage.tables import retro_summaries
from tests.bot.retros.support import run_job
from tests.bot.stepping import step_until
from tests.support import caller, member_of, ok, run, table_rows, text_of


async def test_each_member_is_asked_once_a_quarter_from_ten_on_their_clock(
    cohort: Cohort, clock: ManualClock
) -> None:
    people = {
        "ada": "timezone:UTC start:2026-09-01",  # quarter 1 ends: asked Tue 1 Dec
        "bob": "timezone:America/New_York start:2026-09-01",
        "cy": "timezone:UTC start:2026-09-01",  # nudges off: never asked
        "dee": "timezone:UTC start:2026-09-01",  # paused until 7 Dec: asked then
        "eve": "timezone:UTC start:2026-06-01",  # quarter 2 ends on 30 Nov
        "fay": "timezone:UTC start:2026-08-15",  # quarter 1 ended 16 days ago: too late
    }
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))
    for user, options in people.items():
        await ok(cohort, f"join {options}", user)
    await ok(cohort, "nudges off", "cy")
    await ok(cohort, "pause until:2026-12-07", "dee")
    ids = {(await member_of(cohort, u)).id: u for u in people}
    delivered = await step_until(cohort, clock, datetime(2026, 12, 7, 1, tzinfo=UTC))
    asked = [(when, m) for when, m in delivered if m.key.startswith("retro:")]
    seen = {(ids[int(m.key.split(":")[2])], int(m.key.split(":")[3])): when for when, m in asked}
    assert sorted(seen) == [("ada", 1), ("bob", 1), ("dee", 1), ("eve", 2)]
    assert len(asked) == 4  # once each
    assert seen["eve", 2] == datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
    assert seen["ada", 1] == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    assert seen["bob", 1] == datetime(2026, 12, 1, 15, 0, tzinfo=UTC)  # 10:00 in New York
    assert seen["dee", 1] == datetime(2026, 12, 7, 0, 0, tzinfo=UTC)  # back from the pause
    message = next(m for _, m in asked if ids[int(m.key.split(":")[2])] == "ada")
    assert message.target.kind is TargetKind.DIRECT
    assert message.target.user_ids == ("ada",)
    assert message.reply.title == "Your quarter 1 retro"
    assert [a.command for a in message.reply.actions] == ["retro"]


async def test_the_form_answers_and_the_goal_that_becomes_a_goal(
    cohort: Cohort, clock: ManualClock
) -> None:
    await ok(cohort, "join timezone:UTC start:2026-09-01")
    early = await run(cohort, "retro")
    assert early.tone is Tone.ERROR
    assert "after your first 13 weeks, on Tue 2026-12-01" in early.body
    clock.set(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    answer = await cohort.dispatcher.run_line(caller("ada"), "retro")
    assert isinstance(answer, Form)
    assert answer.title == "Quarter 1 retro"
    assert [f.name for f in answer.fields] == ["well", "change", "goal", "share"]
    assert answer.fields[3].value == "no"  # nothing is shared unless the member says so
    empty = await run(cohort, "retro share:yes")
    assert empty.tone is Tone.ERROR
    assert "Your retro has no answers yet" in empty.body
    saved = await ok(
        cohort,
        'retro well:"shipped the parser" change:"fewer tutorials" goal:"Ship a RAG demo" share:yes',
    )
    assert "Your goal is now goal 1, due at the end of next quarter" in saved.body
    assert "is shown, with your name," in saved.body
    goals = await ok(cohort, "goal list")
    assert goals.items == ("**1.** Ship a RAG demo, due Mon 2027-03-01 (in 90 days)",)
    again = await ok(cohort, 'retro goal:"Something else" share:no')
    assert "Your retro is updated" in again.body
    assert "stays goal 1" in again.body
    assert "is not shown" in again.body
    assert len((await ok(cohort, "goal list")).items) == 1  # no second goal
    refilled = await cohort.dispatcher.run_line(caller("ada"), "retro")
    assert isinstance(refilled, Form)
    assert [f.value for f in refilled.fields] == [
        "shipped the parser",
        "fewer tutorials",
        "Something else",
        "no",
    ]


async def test_a_class_summary_names_only_shared_goals_and_common_blockers(
    cohort: Cohort, clock: ManualClock
) -> None:
    await ok(cohort, "setup checkins:#ci", "org", admin=True)
    for user, start in (("ada", "01"), ("bob", "02"), ("cy", "03")):
        await ok(cohort, f"join timezone:UTC start:2026-09-{start}", user)
    await ok(cohort, "join timezone:UTC start:2026-10-01", "dee")  # another class
    await ok(
        cohort,
        'checkin hours:4 done:x blockers:"git rebase keeps failing" milestones:python-fluency',
        "ada",
    )
    await ok(cohort, 'checkin hours:2 done:y blockers:"stuck with git and github"', "bob")
    await ok(cohort, 'checkin hours:2 done:z blockers:"CUDA drivers hate me"', "cy")
    await ok(cohort, 'checkin hours:2 done:z blockers:"git rebase again"', "dee")
    asked = []
    for day in (1, 2, 3):
        asked += await run_job(cohort, clock, datetime(2026, 12, day, 10, 30, tzinfo=UTC))
    assert len(asked) == 3
    await ok(cohort, 'retro well:good goal:"Ship a RAG demo" share:yes', "ada")
    await ok(cohort, 'retro well:fine goal:"bobs-secret-goal"', "bob")
    assert await run_job(cohort, clock, datetime(2026, 12, 3, 11, 0, tzinfo=UTC)) == []
    await ok(cohort, "retro well:ok", "cy")
    (summary,) = await run_job(cohort, clock, datetime(2026, 12, 3, 12, 0, tzinfo=UTC))
    assert summary.key == "retro-summary:1:2026-09:1"
    assert summary.target.kind is TargetKind.CHANNEL
    assert summary.target.channel_id == "ci"
    text = text_of(summary.reply)
    assert summary.reply.title == "Class of September 2026: quarter 1 retro"
    assert "3 of its 3 members looked back" in text
    assert "ticked off 1 milestone" in text
    assert "Use Git and GitHub every day (2)" in text  # dee is in another class
    assert summary.reply.items == ("ada: Ship a RAG demo",)
    assert "1 more goal set privately" in text
    for private in ("bobs-secret-goal", "CUDA", "good", "fine"):
        assert private not in text
    later = await run_job(cohort, clock, datetime(2026, 12, 20, 12, 0, tzinfo=UTC))
    assert later == []  # posted once


async def test_months_of_a_community_ask_every_quarter_and_post_each_class_once(
    cohort: Cohort, clock: ManualClock
) -> None:
    await ok(cohort, "setup checkins:#ci", "org", admin=True)
    starts = {
        "ann": "2026-09-10",
        "ama": "2026-09-15",
        "ben": "2026-09-20",  # never answers
        "cat": "2026-10-05",  # alone in her class: too few answers for a summary
        "dan": "2026-12-01",  # starts later
    }
    for user, start in starts.items():
        await ok(cohort, f"join timezone:UTC start:{start}", user)
    ids = {(await member_of(cohort, u)).id: u for u in starts}
    asks: list[tuple[str, int, str]] = []
    summaries: list[tuple[str, str]] = []
    day = datetime(2026, 12, 1, 10, 30, tzinfo=UTC)
    while day < datetime(2027, 4, 1, tzinfo=UTC):
        if f"{day:%m-%d}" == "03-18":
            await ok(cohort, "pause until:2027-03-25", "ben")
        for message in await run_job(cohort, clock, day):
            kind, _, *rest = message.key.split(":")
            if kind == "retro":
                user, quarter = ids[int(rest[0])], int(rest[1])
                asks.append((user, quarter, f"{day:%Y-%m-%d}"))
                if user != "ben":
                    await ok(cohort, f'retro well:fine goal:"{user} goal {quarter}"', user)
            else:
                summaries.append((message.key, f"{day:%Y-%m-%d}"))
        day += timedelta(days=1)
    assert asks == [
        ("ann", 1, "2026-12-10"),
        ("ama", 1, "2026-12-15"),
        ("ben", 1, "2026-12-20"),
        ("cat", 1, "2027-01-04"),
        ("dan", 1, "2027-03-02"),
        ("ann", 2, "2027-03-11"),
        ("ama", 2, "2027-03-16"),
        ("ben", 2, "2027-03-25"),  # paused on the 21st, when his quarter ended
    ]
    # A week after ben, the last of the class, was asked: two answers of three.
    assert summaries == [
        ("retro-summary:1:2026-09:1", "2026-12-27"),
        ("retro-summary:1:2026-09:2", "2027-03-28"),
    ]
    assert len((await ok(cohort, "goal list", "ann")).items) == 2


async def _class_without_a_channel(cohort: Cohort, clock: ManualClock) -> None:
    """ada and bob, the class of September 2026, both answer their first retro on its first
    day, in a community with no check-ins channel: the class's retro closes at once."""
    for user in ("ada", "bob"):
        await ok(cohort, "join timezone:UTC start:2026-09-01", user)
    asked = await run_job(cohort, clock, datetime(2026, 12, 1, 10, 30, tzinfo=UTC))
    assert len(asked) == 2
    for user in ("ada", "bob"):
        await ok(cohort, f'retro well:fine goal:"{user} goal" share:yes', user)
    assert await run_job(cohort, clock, datetime(2026, 12, 1, 11, 30, tzinfo=UTC)) == []


def _summaries(delivered: list[Message]) -> list[str]:
    return [m.key for m in delivered if m.key.startswith("retro-summary:")]


async def test_a_summary_held_for_lack_of_a_checkins_channel_is_posted_once_one_is_set(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _class_without_a_channel(cohort, clock)
    assert await table_rows(cohort, retro_summaries) == []  # not decided: it waits
    later = datetime(2027, 2, 10, 11, 30, tzinfo=UTC)  # ten weeks on, still waiting
    assert await run_job(cohort, clock, later) == []
    await ok(cohort, "setup checkins:#ci", "org", admin=True)
    (posted,) = await run_job(cohort, clock, later + timedelta(hours=1))
    assert posted.key == "retro-summary:1:2026-09:1"
    assert posted.target.channel_id == "ci"
    assert "ada goal" in text_of(posted.reply)
    # Decided once: later runs post nothing more.
    assert await run_job(cohort, clock, later + timedelta(hours=2)) == []
    (row,) = await table_rows(cohort, retro_summaries)
    assert row["posted"] is True


async def test_a_summary_waits_a_quarter_for_a_channel_and_then_never_comes(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _class_without_a_channel(cohort, clock)
    # The latest day the class could close is 2026-12-08; a quarter after it, 2027-03-09.
    last_day = datetime(2027, 3, 8, 23, 30, tzinfo=UTC)
    assert _summaries(await run_job(cohort, clock, last_day)) == []
    assert await table_rows(cohort, retro_summaries) == []
    assert _summaries(await run_job(cohort, clock, last_day + timedelta(hours=1))) == []
    decided = {r["quarter"]: r for r in await table_rows(cohort, retro_summaries)}
    assert (decided[1]["posted"], decided[1]["answers"]) == (False, 2)
    await ok(cohort, "setup checkins:#ci", "org", admin=True)
    assert _summaries(await run_job(cohort, clock, last_day + timedelta(hours=2))) == []


async def test_a_member_with_every_goal_slot_taken_keeps_the_goal_in_the_retro(
    cohort: Cohort, clock: ManualClock
) -> None:
    await ok(cohort, "join timezone:UTC start:2026-09-01")
    for number in range(MAX_OPEN):
        await ok(cohort, f"goal add text:goal-{number}")
    clock.set(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    full = await ok(cohort, 'retro well:fine goal:"Ship a RAG demo"')
    assert "you have the most open goals there can be" in full.body
    await ok(cohort, "goal done 1")
    again = await ok(cohort, "retro share:no")
    assert "Your goal is now goal 21" in again.body
