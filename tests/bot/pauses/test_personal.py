"""What the pauses feature holds about a member: their pauses, exported and erased."""

from __future__ import annotations

from bot.app import Cohort
from bot.pauses.personal import PauseData
from bot.storage.tables import pauses
from tests.bot.personal import erase, export, holder, member_rows, two_members


async def test_export_holds_the_members_pauses(cohort: Cohort) -> None:
    ada, _ = await two_members(cohort)
    exported = await export(cohort, holder(cohort, PauseData), ada)
    (pause,) = exported["pauses"]
    assert (pause["starts_on"], pause["ends_on"]) == ("2026-11-29", "2026-12-14")
    assert pause["created_at"].startswith("2026-11-29T15:00")


async def test_erase_deletes_the_members_pauses_only(cohort: Cohort) -> None:
    ada, bob = await two_members(cohort)
    await erase(cohort, holder(cohort, PauseData), ada)
    assert await member_rows(cohort, pauses, ada.id) == 0
    assert await member_rows(cohort, pauses, bob.id) == 1
