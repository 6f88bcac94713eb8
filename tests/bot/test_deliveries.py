"""The organizer `outbox` commands."""

from __future__ import annotations

from bot.app import Cohort
from bot.replies import Tone
from tests.bot.test_outbox import _queue
from tests.fakes.sender import RecordingSender, forbidden
from tests.support import caller, reply, text_of

ORGANIZER = caller("org", admin=True)


async def test_failed_posts_are_listed_with_their_reason_and_can_be_requeued(
    cohort: Cohort,
) -> None:
    await _queue(cohort, "challenge:1:2026-W49")
    await cohort.drainer(RecordingSender(script=[forbidden()])).drain()
    listed = text_of(await cohort.dispatcher.run_line(ORGANIZER, "outbox failed"))
    assert "1 failed, challenge:1:2026-W49 to general" in listed
    assert "403 Missing Access" in listed
    assert "2026-11-29 15:00 UTC" in listed  # when it was queued, in the community's zone
    await cohort.dispatcher.run_line(ORGANIZER, "setup timezone:Asia/Tokyo")
    listed = text_of(await cohort.dispatcher.run_line(ORGANIZER, "outbox list failed"))
    assert "2026-11-30 00:00 (Asia/Tokyo)" in listed
    done = reply(await cohort.dispatcher.run_line(ORGANIZER, "outbox retry id:1"))
    assert done.tone is Tone.SUCCESS
    sender = RecordingSender()
    await cohort.drainer(sender).drain()
    assert sender.keys() == {"challenge:1:2026-W49": 1}
    assert "Nothing has failed" in text_of(
        await cohort.dispatcher.run_line(ORGANIZER, "outbox failed")
    )


async def test_only_failed_posts_of_this_community_can_be_requeued(cohort: Cohort) -> None:
    await _queue(cohort, "k")
    pending = reply(await cohort.dispatcher.run_line(ORGANIZER, "outbox retry id:1"))
    assert "is pending, not failed" in pending.body
    missing = reply(await cohort.dispatcher.run_line(ORGANIZER, "outbox retry id:99"))
    assert "There is no post `99`" in missing.body


async def test_members_cannot_see_the_outbox(cohort: Cohort) -> None:
    answer = reply(await cohort.dispatcher.run_line(caller("eve"), "outbox"))
    assert answer.tone is Tone.ERROR
