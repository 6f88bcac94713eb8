"""What the retros hold about a member: their answers in their own words, exported, and erased
with the goal named for redaction (a class summary still queued may quote it)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.app import Cohort
from bot.clock import ManualClock
from bot.retros.personal import RetroData
from bot.storage.tables import retros
from tests.bot.personal import erase, export, holder, member_rows, table_text
from tests.bot.retros.support import run_job
from tests.support import member_of, ok

ADA = ("ada-went-well-words", "ada-would-change-words", "ada-quarter-goal")


async def _answered(cohort: Cohort, clock: ManualClock) -> None:
    await ok(cohort, "setup checkins:#ci", "org", admin=True)
    for user in ("ada", "bob"):
        await ok(cohort, "join timezone:UTC start:2026-09-01", user)
    await run_job(cohort, clock, datetime(2026, 12, 1, 10, 30, tzinfo=UTC))
    well, change, goal = ADA
    await ok(cohort, f"retro well:{well} change:{change} goal:{goal} share:yes", "ada")
    await ok(cohort, "retro well:bob-words goal:bob-goal", "bob")


async def test_export_holds_the_members_retros(cohort: Cohort, clock: ManualClock) -> None:
    await _answered(cohort, clock)
    ada = await member_of(cohort, "ada")
    (retro,) = (await export(cohort, holder(cohort, RetroData), ada))["retros"]
    assert (retro["quarter"], retro["class"], retro["went_well"], retro["goal"]) == (
        1,
        "2026-09",
        ADA[0],
        ADA[2],
    )
    assert retro["asked_at"] == "2026-12-01T10:30:00+00:00"
    assert (retro["share"], retro["goal_number"]) == (True, 1)
    assert "bob-words" not in str(retro)


async def test_erase_deletes_the_members_retros_and_names_their_goal(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _answered(cohort, clock)
    ada, bob = await member_of(cohort, "ada"), await member_of(cohort, "bob")
    erasure = await erase(cohort, holder(cohort, RetroData), ada)
    assert ADA[2] in erasure.strings
    assert await member_rows(cohort, retros, ada.id) == 0
    assert await member_rows(cohort, retros, bob.id) == 1
    left = await table_text(cohort, retros)
    assert not any(words in left for words in ADA)
