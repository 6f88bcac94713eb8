"""Goals through the dispatcher: adding with sane dates, listing, ticking off, reminders."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import Cohort
from bot.clock import ManualClock
from bot.goals.service import MAX_OPEN
from bot.outbox import TargetKind
from bot.replies import Tone
from tests.bot.stepping import step_until
from tests.support import ok, run, text_of


async def _error(cohort: Cohort, line: str) -> str:
    answer = await run(cohort, line)
    assert answer.tone is Tone.ERROR, answer
    return answer.body


async def test_goals_are_numbered_listed_and_ticked_off(cohort: Cohort) -> None:
    await ok(cohort, "join timezone:Europe/Berlin")
    first = await ok(cohort, 'goal add text:"Ship a RAG demo" due:2026-12-31')
    assert first.title == "Goal 1 added"
    assert "due Thu 2026-12-31 (in 32 days)" in first.body
    await ok(cohort, 'goal add text:"Read the attention paper"')
    done = await ok(cohort, "goal done 1")
    assert done.title == "Goal 1 done"
    again = await ok(cohort, "goal done id:1")
    assert "already done" in again.body
    listing = await ok(cohort, "goal")
    assert listing.items == (
        "**2.** Read the attention paper",
        "✅ **1.** Ship a RAG demo, was due Thu 2026-12-31",
    )
    assert "1 open, 1 done" in listing.body


async def test_goal_dates_must_make_sense(cohort: Cohort) -> None:
    await ok(cohort, "join timezone:Pacific/Kiritimati")  # already Monday 2026-11-30 there
    assert "has passed: pick 2026-11-30 or later" in await _error(
        cohort, "goal add text:x due:2026-11-29"
    )
    assert "no later than 2028-11-29" in await _error(cohort, "goal add text:x due:2029-01-01")
    assert "expects a date like" in await _error(cohort, "goal add text:x due:31/12/2026")
    assert "You have no goal 7" in await _error(cohort, "goal done 7")


async def test_goal_text_is_shown_inert(cohort: Cohort) -> None:
    await ok(cohort, "join")
    await ok(cohort, 'goal add text:"<@everyone> **big** [x](https://evil.example)"')
    listing = await ok(cohort, "goal list")
    assert listing.items == (r"**1.** \<@everyone\> \*\*big\*\* \[x\]\(https://evil.example\)",)
    assert "<@everyone> **big**" in text_of(listing)


async def test_open_goals_are_capped(cohort: Cohort) -> None:
    await ok(cohort, "join")
    for number in range(MAX_OPEN):
        await ok(cohort, f"goal add text:goal-{number}")
    assert "the most there can be" in await _error(cohort, "goal add text:one-more")


async def test_a_due_goal_is_reminded_once_on_its_day_unless_nudges_are_off_or_paused(
    cohort: Cohort, clock: ManualClock
) -> None:
    await ok(cohort, "join timezone:America/St_Johns")
    await ok(cohort, 'goal add text:"Ship it" due:2026-12-02')
    await ok(cohort, "goal add text:later due:2026-12-03")
    await ok(cohort, "goal add text:dropped due:2026-12-03")
    await ok(cohort, "goal done 3")
    await ok(cohort, "join timezone:UTC", "bob")
    await ok(cohort, "goal add text:quiet due:2026-12-02", "bob")
    await ok(cohort, "nudges off", "bob")
    await ok(cohort, "join timezone:UTC", "cy")
    await ok(cohort, "goal add text:away due:2026-12-02", "cy")
    await ok(cohort, "pause until:2026-12-07", "cy")
    delivered = await step_until(cohort, clock, datetime(2026, 12, 4, tzinfo=UTC))
    sent = [(when, m.target.user_ids, m.key) for when, m in delivered]
    assert all(m.target.kind is TargetKind.DIRECT for _, m in delivered)
    # 09:00 at UTC-3:30 is 12:30 UTC; the hourly look after it is at 13:00.
    assert sent == [
        (datetime(2026, 12, 2, 13, tzinfo=UTC), ("ada",), "goal-due:1:1"),
        (datetime(2026, 12, 3, 13, tzinfo=UTC), ("ada",), "goal-due:1:2"),
    ]
    assert delivered[0][1].reply.actions[0].command == "goal done id:1"
