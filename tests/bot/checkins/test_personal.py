"""What the check-ins feature holds about a member: exported whole, erased whole (their words
named for redaction), and nobody else's touched."""

from __future__ import annotations

from bot.app import Cohort
from bot.checkins.personal import CheckinData
from bot.storage.tables import checkins, streaks
from tests.bot.personal import (
    ADA_WORDS,
    BOB_WORDS,
    erase,
    export,
    holder,
    member_rows,
    table_text,
    two_members,
)


async def test_export_holds_the_members_check_ins_with_their_words_and_streak(
    cohort: Cohort,
) -> None:
    ada, _ = await two_members(cohort)
    exported = await export(cohort, holder(cohort, CheckinData), ada)
    (checkin,) = exported["checkins"]
    assert (checkin["done"], checkin["next_steps"], checkin["blockers"]) == ADA_WORDS
    assert checkin["hours"] == 4
    assert checkin["week_start"] == "2026-11-23"
    assert checkin["milestone_ids"] == ["python-fluency"]
    assert exported["streak"] == [
        {
            "through_week": "2026-11-23",
            "current_weeks": 1,
            "best_weeks": 1,
            "freezes": 0,
            "checkins": 1,
            "hours": 4,
            "last_week": "2026-11-23",
        }
    ]
    assert not any(word in str(exported) for word in BOB_WORDS)


async def test_erase_deletes_the_members_check_ins_and_streak_and_names_their_words(
    cohort: Cohort,
) -> None:
    ada, bob = await two_members(cohort)
    erasure = await erase(cohort, holder(cohort, CheckinData), ada)
    assert set(ADA_WORDS) <= erasure.strings
    assert await member_rows(cohort, checkins, ada.id) == 0
    assert await member_rows(cohort, streaks, ada.id) == 0
    left = await table_text(cohort, checkins)
    assert not any(word in left for word in ADA_WORDS)
    assert all(word in left for word in BOB_WORDS)
    assert await member_rows(cohort, streaks, bob.id) == 1
