"""What the digests feature holds about a member: the feeds they added as organizer. Export
lists them; forget-me keeps the feeds (the community follows them) and forgets who added
them, leaving other organizers' feeds as they were."""

from __future__ import annotations

import sqlalchemy as sa

from bot.app import Cohort
from bot.digests.personal import DigestMemberData
from bot.feature import FORGOTTEN, Erasure
from bot.members.model import Member
from bot.members.service import MemberService
from bot.replies import Tone
from bot.storage.tables import feeds
from tests.fakes.feed_server import FeedServer, Post, rss20
from tests.support import COMMUNITY, caller, reply


async def _organizer(cohort: Cohort, user: str, server: FeedServer, path: str) -> Member:
    """A member who organizes the community and added the feed at `path`."""
    answer = reply(await cohort.dispatcher.run_line(caller(user), "join timezone:UTC"))
    assert answer.tone is not Tone.ERROR, answer.body
    server.serve(path, rss20([Post(f"{user} story", f"https://a.org/{user}", user)]))
    line = f"feeds add {server.url(path)} tags:rag"
    answer = reply(await cohort.dispatcher.run_line(caller(user, admin=True), line))
    assert answer.tone is Tone.SUCCESS, answer.body
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    member = await cohort.services.get(MemberService).find(community.id, user)
    assert member is not None
    return member


async def _added_by(cohort: Cohort) -> dict[str, str]:
    async with cohort.db.read() as tx:
        rows = await tx.execute(sa.select(feeds.c.url, feeds.c.added_by).order_by(feeds.c.id))
        return {r.url: r.added_by for r in rows}


async def test_the_export_lists_the_feeds_the_member_added_as_organizer(
    digest_core: Cohort, feed_server: FeedServer
) -> None:
    ada = await _organizer(digest_core, "ada", feed_server, "/ada")
    await _organizer(digest_core, "bob", feed_server, "/bob")
    async with digest_core.db.read() as tx:
        export = await DigestMemberData().export_member(tx, ada)
    assert list(export) == ["feeds added"]
    [feed] = export["feeds added"]
    assert feed["address"] == feed_server.url("/ada")
    assert feed["tags"] == ["rag"]
    assert feed["following"] is True
    assert isinstance(feed["added_at"], str)


async def test_erasing_forgets_who_added_the_feeds_and_keeps_them_and_the_others(
    digest_core: Cohort, feed_server: FeedServer
) -> None:
    ada = await _organizer(digest_core, "ada", feed_server, "/ada")
    await _organizer(digest_core, "bob", feed_server, "/bob")
    erasure = Erasure(ada)
    async with digest_core.db.write() as tx:
        await DigestMemberData().erase_member(tx, erasure)
    added_by = await _added_by(digest_core)
    assert added_by == {feed_server.url("/ada"): FORGOTTEN, feed_server.url("/bob"): "bob"}
    async with digest_core.db.read() as tx:
        assert await DigestMemberData().export_member(tx, ada) == {"feeds added": []}
