"""What the helpers feature holds about a member: their helper settings, their blocks, the
blockers they routed in their own words and the requests they were offered; exported, and
erased with the words named for redaction, on the asking side and on the helping side."""

from __future__ import annotations

from bot.app import Cohort
from bot.helpers.personal import HelperData
from bot.storage.tables import help_offers, help_requests, helper_blocks, helpers
from tests.bot.personal import erase, export, holder, table_text
from tests.support import member_of, ok, table_rows

ADA_BLOCKER = "Ada-cannot-rebase-her-git-branch"


async def _routed(cohort: Cohort) -> None:
    """Ada's blocker routed to bob, who helps; cy blocks ada."""
    await ok(cohort, "setup checkins:#ci", "root", admin=True)
    for name in ("ada", "bob", "cy"):
        await ok(cohort, "join timezone:UTC", name)
    await ok(cohort, "done git-daily", "bob")
    await ok(cohort, "helper on topics:python limit:2", "bob")
    await ok(cohort, f'checkin hours:2 done:x blockers:"{ADA_BLOCKER}"')
    await ok(cohort, "helper find subject:t:python")
    await ok(cohort, "helper ask 1 1")
    await ok(cohort, "helper block @ada", "cy")


async def test_export_holds_the_blockers_routed_and_the_requests_offered(cohort: Cohort) -> None:
    await _routed(cohort)
    data = holder(cohort, HelperData)
    mine = await export(cohort, data, await member_of(cohort, "ada"))
    (routed,) = mine["blockers_routed"]
    assert (routed["text"], routed["subject"], routed["status"]) == (
        ADA_BLOCKER,
        "t:python",
        "asked",
    )
    assert mine["helper"] == []
    bobs = await export(cohort, data, await member_of(cohort, "bob"))
    assert bobs["helper"] == [
        {"active": True, "weekly_limit": 2, "topics": ["python"], "phases": []}
    ]
    assert len(bobs["offered_as_helper"]) == 1
    assert ADA_BLOCKER not in str(bobs)
    cys = await export(cohort, data, await member_of(cohort, "cy"))
    assert [b["member"] for b in cys["blocks"]] == ["ada"]


async def test_erasing_the_asker_deletes_her_blockers_and_names_their_words(
    cohort: Cohort,
) -> None:
    await _routed(cohort)
    erasure = await erase(cohort, holder(cohort, HelperData), await member_of(cohort, "ada"))
    assert ADA_BLOCKER in erasure.strings
    assert ADA_BLOCKER not in await table_text(cohort, help_requests)
    assert await table_rows(cohort, help_offers) == []
    assert await table_rows(cohort, helper_blocks) == []  # blocks of her and on her go
    assert len(await table_rows(cohort, helpers)) == 1  # bob still helps


async def test_erasing_a_helper_takes_them_out_of_every_offer(cohort: Cohort) -> None:
    await _routed(cohort)
    await erase(cohort, holder(cohort, HelperData), await member_of(cohort, "bob"))
    assert await table_rows(cohort, helpers) == []
    assert await table_rows(cohort, help_offers) == []
    assert len(await table_rows(cohort, help_requests)) == 1  # ada's blocker is hers
