"""The communities feature's MemberData: the organizer role and the organizers a member named."""

from __future__ import annotations

from bot.app import Cohort
from bot.communities import store
from bot.communities.personal import OrganizerRows
from bot.feature import FORGOTTEN, Erasure
from tests.support import COMMUNITY, ok


async def test_erasing_removes_the_role_and_anonymises_who_named_whom(cohort: Cohort) -> None:
    await ok(cohort, "setup organizer:@ada", "root", admin=True)
    await ok(cohort, "join")
    await ok(cohort, "setup organizer:@cleo")
    await ok(cohort, "setup organizer:@dan", "root", admin=True)
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    ada = await cohort.members.find(community.id, "ada")
    assert ada is not None
    rows = OrganizerRows()
    async with cohort.db.read() as tx:
        exported = await rows.export_member(tx, ada)
    assert [r["added_by"] for r in exported["organizer_role"]] == ["root"]
    assert [r["user_id"] for r in exported["organizers_you_named"]] == ["cleo"]
    async with cohort.db.write() as tx:
        await rows.erase_member(tx, Erasure(ada))
    assert await cohort.communities.organizers(community) == ["cleo", "dan"]
    async with cohort.db.read() as tx:
        after = await rows.export_member(tx, ada)
    assert after == {"organizer_role": [], "organizers_you_named": []}
    async with cohort.db.read() as tx:
        named = await store.organizers_added_by(tx, community.id, FORGOTTEN)
    assert [r["user_id"] for r in named] == ["cleo"]


async def test_other_features_read_communities_in_their_own_transaction(cohort: Cohort) -> None:
    await ok(cohort, "setup organizer:@cleo timezone:Asia/Tokyo", "root", admin=True)
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    async with cohort.db.read() as tx:
        assert (await cohort.communities.get_in(tx, community.id)).timezone == "Asia/Tokyo"
        assert await cohort.communities.organizers_in(tx, community.id) == ["cleo"]
