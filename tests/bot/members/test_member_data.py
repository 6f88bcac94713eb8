"""The members feature's MemberData: the profile exported, the row erased, its strings named."""

from __future__ import annotations

from bot.app import Cohort
from bot.feature import Erasure
from bot.members.personal import MemberRows
from tests.support import COMMUNITY, ok


async def test_erasing_deletes_only_the_members_row_and_names_their_strings(
    cohort: Cohort,
) -> None:
    await ok(cohort, "join timezone:Europe/Berlin focus:rag")
    await ok(cohort, "join", "bob")
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    ada = await cohort.members.find(community.id, "ada")
    assert ada is not None
    rows = MemberRows()
    async with cohort.db.read() as tx:
        exported = await rows.export_member(tx, ada)
    assert exported["profile"][0]["focus"] == "rag"
    assert exported["profile"][0]["joined_at"] == ada.joined_at.isoformat()
    erasure = Erasure(ada)
    async with cohort.db.write() as tx:
        await rows.erase_member(tx, erasure)
    assert erasure.strings == {"ada", "rag"}  # the display name is "ada" here too
    assert await cohort.members.find(community.id, "ada") is None
    assert await cohort.members.find(community.id, "bob") is not None
