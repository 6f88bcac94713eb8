"""Weekly challenges end to end on a real database: the scheduled post, submissions, peer
review, kudos and the summary after the deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import Cohort
from bot.clock import ManualClock
from bot.commands import Autocomplete
from bot.replies import Tone
from tests.fakes.sender import RecordingSender
from tests.support import caller, reply, text_of

ORGANIZER = caller("org", admin=True)
MONDAY_9 = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


async def _posted(cohort: Cohort, clock: ManualClock) -> RecordingSender:
    """Set up a challenges channel, reach Monday 09:00 and deliver what the scheduler posts."""
    await cohort.dispatcher.run_line(
        ORGANIZER, "setup challenges:#challenges post:challenges day:mon time:09:00"
    )
    clock.set(MONDAY_9 + timedelta(seconds=20))
    await cohort.scheduler.tick()
    sender = RecordingSender()
    await cohort.drainer(sender).drain()
    return sender


async def _members(cohort: Cohort, *names: str) -> None:
    for name in names:
        await cohort.dispatcher.run_line(caller(name), "join")


async def test_the_weekly_challenge_is_posted_once_to_the_challenges_channel(
    cohort: Cohort, clock: ManualClock
) -> None:
    sender = await _posted(cohort, clock)
    (post,) = sender.delivered
    assert post.target.channel_id == "challenges"
    assert post.key == "challenge:1:2026-W49"
    assert post.reply.title is not None
    assert post.reply.title.startswith("Weekly challenge: ")
    assert not post.reply.private
    await cohort.scheduler.tick()
    assert await cohort.drainer(sender).drain() == 0
    shown = text_of(await cohort.dispatcher.run_line(caller(), "challenge"))
    assert post.reply.title.removeprefix("Weekly challenge: ") in shown
    assert "Open until Monday 2026-12-07 09:00 UTC" in shown


async def test_without_a_channel_nothing_is_posted(cohort: Cohort, clock: ManualClock) -> None:
    await cohort.dispatcher.run_line(ORGANIZER, "setup post:challenges day:mon time:09:00")
    clock.set(MONDAY_9)
    await cohort.scheduler.tick()
    sender = RecordingSender()
    await cohort.drainer(sender).drain()
    assert not [m for m in sender.delivered if m.key.startswith("challenge")]
    answer = reply(await cohort.dispatcher.run_line(caller(), "challenge"))
    assert "No challenge has been posted here yet" in answer.body


async def test_a_second_submission_updates_the_first(cohort: Cohort, clock: ManualClock) -> None:
    await _posted(cohort, clock)
    await _members(cohort, "ada")
    first = reply(await cohort.dispatcher.run_line(caller(), "challenge submit https://a.org/v1"))
    assert first.body.startswith("Submitted")
    second = reply(
        await cohort.dispatcher.run_line(caller(), 'challenge submit https://a.org/v2 note:"v2"')
    )
    assert second.body.startswith("Updated your submission")
    listed = text_of(await cohort.dispatcher.run_line(caller(), "challenge submissions"))
    assert "1 so far" in listed
    assert "https://a.org/v2" in listed
    assert "https://a.org/v1" not in listed


async def test_submissions_need_a_joined_member_and_a_valid_link(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _posted(cohort, clock)
    stranger = reply(
        await cohort.dispatcher.run_line(caller("zed"), "challenge submit https://a.org")
    )
    assert "haven't joined" in stranger.body
    await _members(cohort, "ada")
    for line, problem in [
        ("challenge submit ftp://a.org", "http(s) link"),
        ("challenge submit https://a.org/" + "x" * 500, "the limit is 500"),
        ("challenge submit", "Option `link` is required"),
        ("challenge submit https://a.org note:" + "n" * 1001, "the limit is 1000"),
    ]:
        answer = reply(await cohort.dispatcher.run_line(caller(), line))
        assert answer.tone is Tone.ERROR
        assert problem in answer.body


async def test_review_hands_out_the_least_reviewed_submission_of_someone_else(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _posted(cohort, clock)
    await _members(cohort, "ada", "bob", "cy", "dee")
    for name in ("ada", "bob", "cy"):
        await cohort.dispatcher.run_line(caller(name), f"challenge submit https://x.org/{name}")
    await cohort.dispatcher.run_line(caller("dee"), 'challenge review id:1 score:5 comment:"great"')
    handed = text_of(await cohort.dispatcher.run_line(caller("ada"), "challenge review"))
    assert "https://x.org/bob" in handed  # 2 and 3 have no review yet; 1 is ada's own
    own = reply(
        await cohort.dispatcher.run_line(caller("ada"), 'challenge review id:1 score:1 comment:"x"')
    )
    assert "your own submission" in own.body
    missing = reply(
        await cohort.dispatcher.run_line(caller("ada"), "challenge review id:2 score:3")
    )
    assert "needs `score:` (1 to 5) and `comment:`" in missing.body
    bad = reply(
        await cohort.dispatcher.run_line(caller("ada"), 'challenge review id:2 score:9 comment:"x"')
    )
    assert "between 1 and 5" in bad.body


async def test_reviewing_every_other_submission_leaves_nothing_to_review(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _posted(cohort, clock)
    await _members(cohort, "ada", "bob")
    await cohort.dispatcher.run_line(caller("bob"), "challenge submit https://x.org/bob")
    await cohort.dispatcher.run_line(caller("ada"), 'challenge review id:1 score:4 comment:"ok"')
    answer = reply(await cohort.dispatcher.run_line(caller("ada"), "challenge review"))
    assert "Nothing to review right now" in answer.body


async def test_kudos_count_once_and_never_for_yourself(cohort: Cohort, clock: ManualClock) -> None:
    await _posted(cohort, clock)
    await _members(cohort, "ada", "bob")
    await cohort.dispatcher.run_line(caller("bob"), "challenge submit https://x.org/bob")
    assert "Kudos sent" in text_of(
        await cohort.dispatcher.run_line(caller("ada"), "challenge kudos id:1")
    )
    again = text_of(await cohort.dispatcher.run_line(caller("ada"), "challenge kudos id:1"))
    assert "already gave kudos" in again
    own = reply(await cohort.dispatcher.run_line(caller("bob"), "challenge kudos id:1"))
    assert own.tone is Tone.ERROR


async def test_after_the_deadline_a_summary_precedes_the_next_challenge(
    cohort: Cohort, clock: ManualClock
) -> None:
    first = (await _posted(cohort, clock)).delivered[0]
    await _members(cohort, "ada", "bob")
    await cohort.dispatcher.run_line(
        caller("ada"), 'challenge submit https://x.org/ada note:"<!channel> hi"'
    )
    await cohort.dispatcher.run_line(caller("bob"), 'challenge review id:1 score:5 comment:"neat"')
    clock.set(MONDAY_9 + timedelta(days=7, seconds=5))
    closed = reply(
        await cohort.dispatcher.run_line(caller("bob"), "challenge submit https://x.org/b")
    )
    assert "closed on 2026-12-07 09:00 UTC" in closed.body
    await cohort.scheduler.tick()
    sender = RecordingSender()
    await cohort.drainer(sender).drain()
    summary, following = sender.delivered
    assert summary.key == "challenge-summary:1:1"
    assert "1 submission(s) and 1 peer review(s)" in summary.reply.body
    assert "\\<!channel\\>" in summary.reply.items[0]  # the user's note stays inert
    assert following.key == "challenge:1:2026-W50"
    assert following.reply.title != first.reply.title


async def test_organizers_preview_and_post_now_and_choose_the_track(
    cohort: Cohort, clock: ManualClock
) -> None:
    await cohort.dispatcher.run_line(ORGANIZER, "setup challenges:#challenges")
    track = text_of(await cohort.dispatcher.run_line(ORGANIZER, "challenge track 4"))
    assert "follow phase 4" in track
    preview = reply(await cohort.dispatcher.run_line(ORGANIZER, "challenge preview"))
    assert "Phase: 4" in text_of(preview)
    posted = reply(await cohort.dispatcher.run_line(ORGANIZER, "challenge post-now"))
    assert posted.tone is Tone.SUCCESS
    sender = RecordingSender()
    await cohort.drainer(sender).drain()
    assert [m.reply.title for m in sender.delivered] == [
        (preview.title or "").replace("Next challenge", "Weekly challenge")
    ]
    nxt = reply(await cohort.dispatcher.run_line(ORGANIZER, "challenge preview"))
    assert nxt.title != preview.title
    refused = reply(await cohort.dispatcher.run_line(caller("eve"), "challenge post-now"))
    assert "Only organizers" in refused.body


async def test_any_challenge_can_be_looked_up_by_id_with_suggestions(cohort: Cohort) -> None:
    shown = reply(await cohort.dispatcher.run_line(caller(), "challenge show p1-word-stats"))
    assert shown.title == "Challenge: Word statistics with plain Python"
    unknown = reply(await cohort.dispatcher.run_line(caller(), "challenge show p1-word-stat"))
    assert "Did you mean `p1-word-stats`" in unknown.body
    found = await cohort.dispatcher.suggestions(caller(), Autocomplete.CHALLENGE, "word")
    assert found == ["p1-word-stats"]
    everything = await cohort.dispatcher.suggestions(caller(), Autocomplete.CHALLENGE, "")
    assert len(everything) == 25  # the platforms' cap


async def _post_now_in_berlin(
    cohort: Cohort, clock: ManualClock, at: datetime, deadline: str
) -> tuple[str, RecordingSender]:
    """Challenges on Mondays 09:00 in Berlin, `challenge post-now` at `at`; checks that the
    organizer's answer and the post both name `deadline`; returns the answer and the sender."""
    await cohort.dispatcher.run_line(
        ORGANIZER,
        "setup timezone:Europe/Berlin challenges:#challenges post:challenges day:mon time:09:00",
    )
    clock.set(at)
    posted = text_of(await cohort.dispatcher.run_line(ORGANIZER, "challenge post-now"))
    assert f"open until {deadline} (Europe/Berlin)" in posted
    sender = RecordingSender()
    await cohort.drainer(sender).drain()
    (announcement,) = sender.delivered
    assert f"Open until {deadline} (Europe/Berlin)" in announcement.reply.body
    await _members(cohort, "ada")
    return posted, sender


async def test_a_challenge_posted_days_before_the_weekly_post_takes_its_place(
    cohort: Cohort, clock: ManualClock
) -> None:
    saturday = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)  # Monday's post is 2 days off
    posted, sender = await _post_now_in_berlin(cohort, clock, saturday, "Monday 2026-12-14 09:00")
    assert "in place of the post due Monday 2026-12-07 09:00" in posted
    clock.set(datetime(2026, 12, 7, 8, 0, 20, tzinfo=UTC))  # Monday's post: nothing replaces it
    await cohort.scheduler.tick()
    assert await cohort.drainer(sender).drain() == 0
    clock.set(datetime(2026, 12, 14, 7, 59, tzinfo=UTC))  # the announced deadline still holds
    ok = reply(await cohort.dispatcher.run_line(caller("ada"), "challenge submit https://a.org/1"))
    assert ok.tone is Tone.SUCCESS
    clock.set(datetime(2026, 12, 14, 8, 0, 20, tzinfo=UTC))
    await cohort.scheduler.tick()
    await cohort.drainer(sender).drain()
    summary, weekly = sender.delivered[1:]
    assert summary.key == "challenge-summary:1:1"
    assert "1 submission(s)" in summary.reply.body
    assert weekly.key == "challenge:1:2026-W51"
    assert "Open until Monday 2026-12-21 09:00 (Europe/Berlin)" in weekly.reply.body


async def test_a_challenge_posted_early_in_the_week_closes_when_it_says(
    cohort: Cohort, clock: ManualClock
) -> None:
    tuesday = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # Monday's post is 6 days off
    posted, sender = await _post_now_in_berlin(cohort, clock, tuesday, "Monday 2026-12-07 09:00")
    assert "when the next weekly challenge is posted" in posted
    clock.set(datetime(2026, 12, 7, 8, 0, 20, tzinfo=UTC))
    closed = text_of(await cohort.dispatcher.run_line(caller("ada"), "challenge submit https://a"))
    assert "closed on 2026-12-07 09:00 (Europe/Berlin)" in closed
    await cohort.scheduler.tick()
    await cohort.drainer(sender).drain()
    summary, weekly = sender.delivered[1:]
    assert summary.key == "challenge-summary:1:1"
    assert weekly.key == "challenge:1:2026-W50"


async def test_a_members_deadline_is_shown_in_their_own_time_zone(
    cohort: Cohort, clock: ManualClock
) -> None:
    await _posted(cohort, clock)
    await cohort.dispatcher.run_line(caller("ada"), "join timezone:America/New_York")
    shown = text_of(await cohort.dispatcher.run_line(caller("ada"), "challenge"))
    assert "Open until Monday 2026-12-07 04:00 (America/New_York)" in shown
    stranger = text_of(await cohort.dispatcher.run_line(caller("zed"), "challenge"))
    assert "Open until Monday 2026-12-07 09:00 UTC" in stranger
    clock.set(MONDAY_9 + timedelta(days=7, seconds=5))
    closed = text_of(await cohort.dispatcher.run_line(caller("ada"), "challenge submit https://a"))
    assert "closed on 2026-12-07 04:00 (America/New_York)" in closed


async def test_a_second_post_now_in_the_same_week_never_announces_a_post_that_will_not_come(
    cohort: Cohort, clock: ManualClock
) -> None:
    saturday = datetime(2026, 12, 5, 10, 0, tzinfo=UTC)
    await _post_now_in_berlin(cohort, clock, saturday, "Monday 2026-12-14 09:00")
    clock.set(saturday + timedelta(days=1))  # Monday's week is taken: no post comes Monday
    again = text_of(await cohort.dispatcher.run_line(ORGANIZER, "challenge post-now"))
    assert "open until Sunday 2026-12-13 11:00 (Europe/Berlin)" in again
    assert "Monday 2026-12-07" not in again
