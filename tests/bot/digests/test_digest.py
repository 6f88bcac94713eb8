"""The weekly digest through the scheduler and the outbox: once a week, from stored items only,
split to fit, never repeating a story, with curated readings for the members' phases."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

from bot.app import Cohort
from bot.clock import ManualClock
from bot.content.limits import fits
from bot.outbox import Message
from bot.replies import Tone
from tests.fakes.feed_server import FeedServer, Post, rss20
from tests.fakes.sender import RecordingSender
from tests.support import caller, reply, text_of

ORGANIZER = caller("org", admin=True)
FRIDAY_16 = datetime(2026, 12, 4, 16, 0, tzinfo=UTC)  # the default digest time, in UTC
HOUR = timedelta(hours=1)


async def follow(cohort: Cohort, server: FeedServer, path: str, posts: list[Post]) -> None:
    server.serve(path, rss20(posts, title=f"Feed {path}"))
    answer = reply(await cohort.dispatcher.run_line(ORGANIZER, f"feeds add {server.url(path)}"))
    assert answer.tone is Tone.SUCCESS, answer.body


async def publish(
    cohort: Cohort, clock: ManualClock, server: FeedServer, path: str, posts: list[Post]
) -> None:
    """Serve new posts on a feed and let an hour pass, so the refresher picks them up."""
    server.serve(path, rss20(posts, title=f"Feed {path}"))
    clock.advance(HOUR)
    report = await asyncio.wait_for(cohort.digests.refresh(cohort.clock.now()), 10)
    assert report.failed == 0


async def posted_at(cohort: Cohort, clock: ManualClock, moment: datetime) -> list[Message]:
    clock.set(moment + timedelta(seconds=30))
    await cohort.scheduler.tick()
    sender = RecordingSender()
    await cohort.drainer(sender).drain()
    return sender.delivered


WORDS = [
    *("alignment", "benchmark", "compiler", "dataset", "embedding", "gradient", "inference"),
    *("kernel", "latency", "memory", "notebook", "optimizer", "pipeline", "quantization"),
    *("regression", "sampling", "tokenizer", "vector", "weights", "attention", "batching"),
    *("caching", "distillation", "encoder", "federated", "graph", "hashing", "indexing"),
]


def _headline(seed: int) -> str:
    """A long headline sharing few words with the others, so none is a near-duplicate."""
    words = random.Random(seed).sample(WORDS, 12)
    return " ".join(f"{w}-{seed}" if i % 2 else w for i, w in enumerate(words * 2))[:280]


def story(n: int, clock: ManualClock, site: str = "a.org", title: str | None = None) -> Post:
    return Post(
        title or f"Story number {n} on {site}", f"https://{site}/{n}", f"{site}-{n}", clock.now()
    )


async def test_the_digest_is_posted_once_a_week_from_what_the_feeds_brought(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    await digest_core.dispatcher.run_line(ORGANIZER, "setup digest:#reading")
    await follow(digest_core, feed_server, "/a", [story(0, clock)])
    clock.advance(2 * HOUR)
    await publish(
        digest_core, clock, feed_server, "/a", [story(1, clock), story(2, clock), story(0, clock)]
    )
    hits = len(feed_server.hits)
    (post,) = await posted_at(digest_core, clock, FRIDAY_16)
    assert len(feed_server.hits) == hits  # the job itself never fetches
    assert post.key == "digest:1:2026-W49:1"
    assert post.target.channel_id == "reading"
    assert not post.reply.private
    assert post.reply.title == "Reading digest · week 49, 2026"
    body = text_of(post.reply)
    assert "2 new reads from the feed this community follows" in body
    assert "Story number 1" in body
    assert "Story number 2" in body
    assert "Story number 0" not in body  # it was there when the feed was added
    assert "Curated readings for where members are on the roadmap" in body
    assert fits(post.reply) == []
    assert await posted_at(digest_core, clock, FRIDAY_16 + HOUR) == []


async def test_no_story_appears_in_two_digests(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    await digest_core.dispatcher.run_line(ORGANIZER, "setup digest:#reading")
    await follow(digest_core, feed_server, "/a", [])
    await follow(digest_core, feed_server, "/b", [])
    first = [story(1, clock), story(2, clock)]
    await publish(digest_core, clock, feed_server, "/a", first)
    (week49,) = await posted_at(digest_core, clock, FRIDAY_16)
    clock.advance(2 * 24 * HOUR)
    copy = Post(
        "Story number 1 on a.org", "http://www.a.org/1/?utm_source=b", "b-copy", clock.now()
    )
    await publish(digest_core, clock, feed_server, "/a", [story(3, clock), *first])
    await publish(digest_core, clock, feed_server, "/b", [copy, story(9, clock, "b.org")])
    (week50,) = await posted_at(digest_core, clock, FRIDAY_16 + timedelta(days=7))
    assert week50.key == "digest:1:2026-W50:1"
    later = text_of(week50.reply)
    assert "Story number 3 on a.org" in later
    assert "Story number 9 on b.org" in later
    assert "Story number 1" not in later
    assert "Story number 2" not in later
    assert week49.reply.body.count("Story number") == 2


async def test_a_big_digest_is_split_into_messages_that_each_fit(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    await digest_core.dispatcher.run_line(ORGANIZER, "setup digest:#reading")
    for feed in range(4):
        await follow(digest_core, feed_server, f"/f{feed}", [])
    for feed in range(4):
        posts = [story(n, clock, f"site{feed}.org", _headline(feed * 3 + n)) for n in range(3)]
        await publish(digest_core, clock, feed_server, f"/f{feed}", posts)
    parts = await posted_at(digest_core, clock, FRIDAY_16)
    assert len(parts) > 1
    assert [p.key for p in parts] == [f"digest:1:2026-W49:{n}" for n in range(1, len(parts) + 1)]
    assert all(fits(p.reply) == [] for p in parts)
    assert [p.reply.title for p in parts] == [
        f"Reading digest · week 49, 2026 ({n}/{len(parts)})" for n in range(1, len(parts) + 1)
    ]
    together = "\n".join(p.reply.body for p in parts)
    assert sum(together.count(f"https://site{feed}.org/") for feed in range(4)) == 12
    shown = reply(await digest_core.dispatcher.run_line(caller(), "digest"))
    assert fits(shown) == []
    assert "more in the posted digest" in text_of(shown)


async def test_readings_follow_the_phases_members_are_in(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    await digest_core.dispatcher.run_line(ORGANIZER, "setup digest:#reading")
    for name in ("ada", "bob", "cy"):
        await digest_core.dispatcher.run_line(caller(name), "join start:2026-04-01")
    (post,) = await posted_at(digest_core, clock, FRIDAY_16)
    pack = digest_core.content.builtin()
    phase = pack.phase_for_month(9)  # April 1st to December 4th is month 9
    readings = [r for r in pack.readings if r.url in post.reply.body]
    assert len(readings) == 2
    assert all(phase.number in r.phases for r in readings)
    assert "This community follows no feeds yet" in post.reply.body
    (following,) = await posted_at(digest_core, clock, FRIDAY_16 + timedelta(days=7))
    assert not {r.url for r in readings} & {
        r.url for r in pack.readings if r.url in following.reply.body
    }


async def test_a_late_digest_says_so(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    await digest_core.dispatcher.run_line(ORGANIZER, "setup digest:#reading")
    (post,) = await posted_at(digest_core, clock, FRIDAY_16 + 3 * HOUR)
    assert "Posted late" in post.reply.body


async def test_without_a_digest_channel_nothing_is_posted(
    digest_core: Cohort, clock: ManualClock
) -> None:
    assert await posted_at(digest_core, clock, FRIDAY_16) == []
    answer = reply(await digest_core.dispatcher.run_line(caller(), "digest"))
    assert answer.tone is Tone.ERROR
    assert "No digest has been posted here yet" in answer.body


async def test_digest_shows_the_latest_post_to_members(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    await digest_core.dispatcher.run_line(
        ORGANIZER, "setup digest:#reading post:digest day:mon time:08:00"
    )
    await follow(digest_core, feed_server, "/a", [])
    await publish(
        digest_core,
        clock,
        feed_server,
        "/a",
        [story(1, clock, title="RAG at scale"), story(2, clock, title="RAG evals")],
    )
    await posted_at(digest_core, clock, datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    shown = text_of(await digest_core.dispatcher.run_line(caller("eve"), "digest"))
    assert "Reading digest · week 49, 2026" in shown
    assert "Retrieval-augmented generation" in shown  # the section both stories fall under
    assert "RAG at scale" in shown
    assert "RAG evals" in shown
    assert "Posted Monday 2026-11-30 08:00 UTC" in shown
    # A channel post's time reads in the community's zone.
    await digest_core.dispatcher.run_line(ORGANIZER, "setup timezone:Asia/Tokyo")
    shown = text_of(await digest_core.dispatcher.run_line(caller("eve"), "digest"))
    assert "Posted Monday 2026-11-30 17:00 (Asia/Tokyo)" in shown


async def test_the_preview_refreshes_stale_feeds_and_says_when_it_posts(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    await digest_core.dispatcher.run_line(ORGANIZER, "setup timezone:Europe/Berlin digest:#reading")
    await follow(digest_core, feed_server, "/a", [])
    feed_server.serve("/a", rss20([story(1, clock)]))
    clock.advance(timedelta(minutes=10))
    fresh = text_of(await digest_core.dispatcher.run_line(ORGANIZER, "digest preview"))
    assert "Story number 1" not in fresh  # checked ten minutes ago: not stale yet
    clock.advance(timedelta(minutes=40))
    preview = text_of(await digest_core.dispatcher.run_line(ORGANIZER, "digest preview"))
    assert "Story number 1" in preview
    assert "Checked 1 feed(s) just now" in preview
    assert "posts in #reading on Friday 2026-12-04 16:00 (Europe/Berlin)" in preview
    refused = reply(await digest_core.dispatcher.run_line(caller("eve"), "digest preview"))
    assert "Only organizers" in refused.body
