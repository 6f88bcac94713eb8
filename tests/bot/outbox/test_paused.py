"""A paused community's posts wait in the outbox, untouched, until it resumes; the others'
go out meanwhile."""

from __future__ import annotations

from bot.app import Cohort
from bot.identity import CommunityRef, Platform
from bot.outbox import Drainer, Target
from bot.replies import Reply
from bot.storage.tables import outbox
from tests.fakes.sender import RecordingSender
from tests.support import COMMUNITY, queue_message, table_rows

AWAY = CommunityRef(Platform.CONSOLE, "away")


async def test_a_paused_communitys_posts_wait_until_it_resumes(cohort: Cohort) -> None:
    sender = RecordingSender()
    drainer = Drainer(cohort.db, cohort.clock, sender)
    await cohort.communities.pause(AWAY, cohort.clock.now())
    await queue_message(cohort, "away:1", Target.channel("C1"), Reply(body="held"), AWAY)
    await queue_message(cohort, "here:1", Target.channel("C2"), Reply(body="sent"), COMMUNITY)

    await drainer.drain()
    assert sender.keys() == {"here:1": 1}
    held = {r["key"]: (r["status"], r["attempts"]) for r in await table_rows(cohort, outbox)}
    assert held["away:1"] == ("pending", 0)

    await cohort.communities.resume(AWAY, cohort.clock.now())
    await drainer.drain()
    assert sender.keys() == {"here:1": 1, "away:1": 1}
