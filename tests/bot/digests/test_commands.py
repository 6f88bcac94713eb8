"""The `feeds`, `digest focus` and `reading` commands through the dispatcher."""

# ruff: noqa: RUF001 - look-alike digits are what these tests are about

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from bot.app import Cohort
from bot.clock import ManualClock
from bot.digests import store
from bot.replies import Tone
from tests.fakes.feed_server import FeedServer, Post, rss20
from tests.support import COMMUNITY, caller, reply, text_of

ORGANIZER = caller("org", admin=True)
DOCUMENT = rss20([Post("One", "https://a.org/1", "1"), Post("Two", "https://a.org/2", "2")])


async def run(cohort: Cohort, line: str, who: str | None = None) -> str:
    return text_of(await cohort.dispatcher.run_line(caller(who) if who else ORGANIZER, line))


async def test_feeds_can_be_added_with_tags_listed_and_removed(
    digest_core: Cohort, feed_server: FeedServer
) -> None:
    feed_server.serve("/f", DOCUMENT)
    added = reply(
        await digest_core.dispatcher.run_line(
            ORGANIZER,
            f'feeds add {feed_server.url("/f")} tags:"LLMs, retrieval-augmented generation"',
        )
    )
    assert added.tone is Tone.SUCCESS
    assert "2 current item(s) count as already seen" in added.body
    listed = await run(digest_core, "feeds")
    assert "1 Test feed" in listed
    assert "llm, rag" in listed
    assert "healthy, checked just now, 2 item(s) stored" in listed
    again = reply(
        await digest_core.dispatcher.run_line(ORGANIZER, f"feeds add {feed_server.url('/f')}")
    )
    assert "already follows that feed as `1`" in again.body
    assert "Stopped following Test feed" in await run(digest_core, "feeds remove id:1")
    assert "follows no feeds yet" in await run(digest_core, "feeds list")
    missing = reply(await digest_core.dispatcher.run_line(ORGANIZER, "feeds remove id:1"))
    assert "There is no feed `1`" in missing.body


@pytest.mark.parametrize(
    ("setup", "problem"),
    [
        (
            lambda s: s.serve("/f", b"<!doctype html><h1>Blog</h1>", content_type="text/html"),
            "web page (HTML)",
        ),
        (lambda s: s.serve("/f", b""), "the response was empty"),
        (lambda s: s.status("/f", 410), "HTTP 410"),
        (lambda s: s.status("/f", 404), "HTTP 404"),
        (lambda s: s.huge("/f", 20 * 1024 * 1024, declared=True), "larger than"),
    ],
    ids=["html", "empty", "gone", "missing", "huge"],
)
async def test_an_address_that_is_not_a_working_feed_is_refused(
    digest_core: Cohort,
    feed_server: FeedServer,
    setup: Callable[[FeedServer], object],
    problem: str,
) -> None:
    setup(feed_server)
    answer = reply(
        await digest_core.dispatcher.run_line(ORGANIZER, f"feeds add {feed_server.url('/f')}")
    )
    assert answer.tone is Tone.ERROR
    assert "I did not add" in text_of(answer)
    assert problem in text_of(answer)
    assert "follows no feeds yet" in await run(digest_core, "feeds")


async def test_a_feed_failing_for_now_is_followed_with_a_warning(
    digest_core: Cohort, feed_server: FeedServer
) -> None:
    feed_server.drip("/f", 0.05)
    answer = reply(
        await digest_core.dispatcher.run_line(ORGANIZER, f"feeds add {feed_server.url('/f')}")
    )
    assert answer.tone is Tone.WARNING
    assert "the first check failed: no complete answer within 1 s" in text_of(answer)
    assert "failing, 1 time(s) in a row" in await run(digest_core, "feeds")


async def test_unknown_tags_are_refused_with_the_topics_to_choose_from(
    digest_core: Cohort, feed_server: FeedServer
) -> None:
    feed_server.serve("/f", DOCUMENT)
    answer = reply(
        await digest_core.dispatcher.run_line(
            ORGANIZER, f"feeds add {feed_server.url('/f')} tags:rag,cooking"
        )
    )
    assert answer.tone is Tone.ERROR
    assert "Unknown topic(s): cooking" in text_of(answer)
    assert "`rag`" in answer.body
    assert feed_server.hits == []


async def test_members_cannot_manage_feeds_or_the_focus(digest_core: Cohort) -> None:
    for line in ("feeds", "feeds add https://a.org/feed", "feeds defaults on", "digest focus rag"):
        answer = reply(await digest_core.dispatcher.run_line(caller("eve"), line))
        assert "Only organizers" in answer.body


async def test_the_built_in_feeds_are_switched_on_and_off_together(
    digest_core: Cohort, feed_server: FeedServer
) -> None:
    pack = digest_core.content.builtin()
    feed_server.serve("/mine", DOCUMENT)
    await run(digest_core, f"feeds add {feed_server.url('/mine')}")
    on = await run(digest_core, "feeds defaults on")
    assert f"Following {len(pack.feeds)} built-in feeds" in on
    assert "what they hold today counts as already seen" in on
    listed = await run(digest_core, "feeds list")
    assert f"{len(pack.feeds) + 1} feed(s)" in listed
    assert listed.count("built-in · not checked yet") == len(pack.feeds)
    assert f"All {len(pack.feeds)} built-in feeds are already followed" in await run(
        digest_core, "feeds defaults on"
    )
    off = await run(digest_core, "feeds defaults off")
    assert f"Stopped following {len(pack.feeds)} built-in feed(s)" in off
    assert "1 feed(s)" in await run(digest_core, "feeds")


async def test_the_focus_follows_members_until_organizers_choose(digest_core: Cohort) -> None:
    assert "No focus topics yet" in await run(digest_core, "digest focus")
    await digest_core.dispatcher.run_line(caller("ada"), 'join focus:"nlp, llm apps"')
    await digest_core.dispatcher.run_line(caller("bob"), 'join focus:"LLMs"')
    derived = await run(digest_core, "digest focus")
    assert "leans towards Large language models and Natural language processing" in derived
    assert "taken from members' profile focus" in derived
    chosen = await run(digest_core, 'digest focus "rag, agents"')
    assert "Retrieval-augmented generation and Agents and tool use (chosen by organizers)" in chosen
    back = await run(digest_core, "digest focus auto")
    assert "taken from members' profile focus" in back
    unknown = reply(await digest_core.dispatcher.run_line(ORGANIZER, "digest focus knitting"))
    assert unknown.tone is Tone.ERROR


async def test_reading_lists_curated_readings_for_a_phase_or_topic(
    digest_core: Cohort, clock: ManualClock
) -> None:
    pack = digest_core.content.builtin()
    first = await run(digest_core, "reading", "zed")
    assert "Curated readings: phase 1, " in first
    assert pack.readings[0].title in first
    await digest_core.dispatcher.run_line(caller("ada"), 'join start:2026-04-01 focus:"llm apps"')
    mine = reply(await digest_core.dispatcher.run_line(caller("ada"), "reading"))
    phase = pack.phase_for_month(8)
    assert f"phase {phase.number}, {phase.title}" in (mine.title or "")
    on_focus = [r for r in pack.readings if phase.number in r.phases and "llm" in r.topics]
    assert on_focus
    assert all(r.url in item for r, item in zip(on_focus, mine.items, strict=False))
    rag = await run(digest_core, "reading rag", "zed")
    assert "Curated readings: Retrieval-augmented generation" in rag
    both = await run(digest_core, "reading rag phase:3", "zed")
    assert "Retrieval-augmented generation · phase 3" in both
    by_number = await run(digest_core, "reading 2", "zed")
    assert "Curated readings: phase 2" in by_number
    for line, problem in [
        ("reading phase:9", "There is no phase 9"),
        ("reading knitting", "Unknown topic"),
    ]:
        answer = reply(await digest_core.dispatcher.run_line(caller("zed"), line))
        assert answer.tone is Tone.ERROR
        assert problem in answer.body


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://10.1.2.3/feed.xml", "private or local address"),
        ("http://localhost:8080/rss", "private or local address"),
        ("http://１２７.０.０.１/rss", "private or local address"),
        ("http://[::ffff:169.254.169.254]/latest", "private or local address"),
        ("http://127.1/feed", "not a valid URL"),
        ("http://2130706433/feed", "not a valid URL"),
        ("http://user:secret@example.org/feed", "user name or password"),
    ],
)
async def test_an_address_refused_at_add_is_not_followed(
    cohort: Cohort, clock: ManualClock, url: str, problem: str
) -> None:
    answer = reply(await cohort.dispatcher.run_line(ORGANIZER, f"feeds add {url}"))
    assert answer.tone is Tone.ERROR
    assert problem in text_of(answer)
    assert "RSS or Atom" not in text_of(answer)  # the hint is for pages that are not feeds
    feeds, _ = await cohort.digests.feeds.feeds(
        await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    )
    assert feeds == []


async def test_a_page_that_is_not_a_feed_gets_the_hint(
    digest_core: Cohort, feed_server: FeedServer
) -> None:
    feed_server.serve("/page", b"<html><body>Hi</body></html>", content_type="text/html")
    answer = await run(digest_core, f"feeds add {feed_server.url('/page')}")
    assert "web page" in answer
    assert "marked RSS or Atom" in answer


async def test_a_feed_stored_with_credentials_earlier_is_listed_without_them(
    cohort: Cohort, clock: ManualClock
) -> None:
    community = await cohort.communities.resolve(COMMUNITY, cohort.clock.now())
    async with cohort.db.write() as conn:
        await store.add_feed(
            conn,
            community_id=community.id,
            url="https://reader:hunter2@example.org/private.xml",
            title="",
            tags=(),
            default_id=None,
            added_by="org",
            now=clock.now(),
        )
    listed = await run(cohort, "feeds list")
    assert "example.org/private.xml" in listed
    assert "hunter2" not in listed
    assert "reader" not in listed


async def test_a_digest_preview_with_no_feeds_nor_channel_offers_both_fixes(
    cohort: Cohort,
) -> None:
    here = replace(ORGANIZER, channel_id="C-reading")
    preview = reply(await cohort.dispatcher.run_line(here, "digest preview"))
    assert [a.command for a in preview.actions] == ["feeds defaults on", "setup digest:C-reading"]
    listed = reply(await cohort.dispatcher.run_line(here, "feeds list"))
    assert [a.command for a in listed.actions] == ["feeds defaults on"]
    await cohort.dispatcher.run_line(here, "feeds defaults on")
    await cohort.dispatcher.run_line(here, "setup digest:C-reading")
    assert reply(await cohort.dispatcher.run_line(here, "digest preview")).actions == ()
