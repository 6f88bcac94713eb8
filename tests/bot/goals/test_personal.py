"""What the goals feature holds about a member: their goals in their own words, exported,
and erased with the words named for redaction."""

from __future__ import annotations

from bot.app import Cohort
from bot.goals.personal import GoalData
from bot.storage.tables import goals
from tests.bot.personal import (
    ADA_GOAL,
    BOB_GOAL,
    erase,
    export,
    holder,
    member_rows,
    table_text,
    two_members,
)


async def test_export_holds_the_members_goals(cohort: Cohort) -> None:
    ada, _ = await two_members(cohort)
    exported = await export(cohort, holder(cohort, GoalData), ada)
    (goal,) = exported["goals"]
    assert (goal["number"], goal["text"], goal["due_on"], goal["done_at"]) == (
        1,
        ADA_GOAL,
        "2026-12-31",
        None,
    )
    assert BOB_GOAL not in str(exported)


async def test_erase_deletes_the_members_goals_and_names_their_words(cohort: Cohort) -> None:
    ada, bob = await two_members(cohort)
    erasure = await erase(cohort, holder(cohort, GoalData), ada)
    assert ADA_GOAL in erasure.strings
    assert await member_rows(cohort, goals, ada.id) == 0
    assert await member_rows(cohort, goals, bob.id) == 1
    left = await table_text(cohort, goals)
    assert ADA_GOAL not in left
    assert BOB_GOAL in left
