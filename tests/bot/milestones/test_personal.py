"""What the milestones feature holds about a member: their ticks and evidence links,
exported, and erased with the links named for redaction."""

from __future__ import annotations

from bot.app import Cohort
from bot.milestones.personal import MilestoneData
from bot.storage.tables import milestone_completions
from tests.bot.personal import (
    ADA_EVIDENCE,
    BOB_EVIDENCE,
    erase,
    export,
    holder,
    member_rows,
    table_text,
    two_members,
)


async def test_export_holds_the_members_ticks_with_their_evidence(cohort: Cohort) -> None:
    ada, _ = await two_members(cohort)
    exported = await export(cohort, holder(cohort, MilestoneData), ada)
    ticks = {t["milestone_id"]: t["evidence"] for t in exported["milestones_completed"]}
    assert ticks == {"python-fluency": None, "git-daily": ADA_EVIDENCE}
    assert BOB_EVIDENCE not in str(exported)


async def test_erase_deletes_the_members_ticks_and_names_their_links(cohort: Cohort) -> None:
    ada, bob = await two_members(cohort)
    erasure = await erase(cohort, holder(cohort, MilestoneData), ada)
    assert ADA_EVIDENCE in erasure.strings
    assert await member_rows(cohort, milestone_completions, ada.id) == 0
    assert await member_rows(cohort, milestone_completions, bob.id) == 2
    left = await table_text(cohort, milestone_completions)
    assert ADA_EVIDENCE not in left
    assert BOB_EVIDENCE in left
