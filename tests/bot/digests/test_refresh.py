"""Refreshing feeds on a real database: new items, conditional requests, moves, backoff,
disabling with a notice, and a community whose feeds misbehave in every way at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from adapters.discord.render import markdown as discord_markdown
from adapters.slack.render import blocks as slack_blocks
from adapters.slack.render import fallback as slack_fallback
from bot.app import Cohort
from bot.clock import ManualClock
from bot.digests import refreshing, store
from bot.digests.model import Policy, RefreshReport
from bot.digests.parse import ParsedFeed, parse_in_thread
from bot.digests.rank import NEVER
from bot.digests.refresher import run_refresher
from bot.identity import CommunityRef, Platform
from bot.markdown import Kind, plain, tokenize
from bot.replies import Tone
from bot.storage.tables import feeds
from tests.bot.digests.conftest import MakeCore
from tests.fakes.feed_server import LIMITS, FeedServer, Post, atom, rss10, rss20
from tests.fakes.sender import RecordingSender
from tests.support import COMMUNITY, caller, reply, text_of

ORGANIZER = caller("org", admin=True)
HOUR = timedelta(hours=1)
BOUND = 10.0  # seconds a whole refresh may take in these tests, whatever the servers do


async def add(cohort: Cohort, server: FeedServer, path: str) -> str:
    answer = reply(await cohort.dispatcher.run_line(ORGANIZER, f"feeds add {server.url(path)}"))
    assert answer.tone is Tone.SUCCESS, answer.body
    return answer.body


async def refresh(cohort: Cohort, clock: ManualClock, ahead: timedelta = HOUR) -> RefreshReport:
    clock.advance(ahead)
    return await asyncio.wait_for(cohort.digests.refresh(cohort.clock.now()), BOUND)


async def follow(cohort: Cohort, server: FeedServer, clock: ManualClock, *paths: str) -> None:
    """Serve a one-item feed at each path and follow it."""
    for path in paths:
        server.serve(path, rss20(posts(path.strip("/"), 1, clock)))
        await add(cohort, server, path)


def posts(prefix: str, count: int, clock: ManualClock) -> list[Post]:
    return [
        Post(f"{prefix} story {n}", f"https://{prefix}.org/{n}", f"{prefix}-{n}", clock.now())
        for n in range(count)
    ]


async def test_a_new_feed_marks_what_it_holds_as_seen_and_later_items_as_new(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    feed_server.serve("/f", rss20(posts("old", 3, clock), title="Lab notes"))
    body = await add(digest_core, feed_server, "/f")
    assert "Now following [Lab notes]" in body
    assert "3 current item(s) count as already seen" in body
    feed_server.serve("/f", rss20([*posts("new", 2, clock), *posts("old", 3, clock)]))
    report = await refresh(digest_core, clock)
    assert (report.checked, report.new_items, report.failed) == (1, 2, 0)
    preview = text_of(await digest_core.dispatcher.run_line(ORGANIZER, "digest preview"))
    assert "new story 0" in preview
    assert "old story 0" not in preview


async def test_healthy_feeds_are_checked_hourly_and_not_before(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    feed_server.serve("/f", rss20(posts("a", 1, clock)))
    await add(digest_core, feed_server, "/f")
    assert (await refresh(digest_core, clock, timedelta(minutes=59))).checked == 0
    assert (await refresh(digest_core, clock, timedelta(minutes=1))).checked == 1
    assert feed_server.count("/f") == 2


async def test_an_unchanged_feed_answers_304_and_keeps_its_validators(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    feed_server.conditional(
        "/f", rss20(posts("a", 2, clock)), '"v1"', "Sat, 28 Nov 2026 10:00:00 GMT"
    )
    await add(digest_core, feed_server, "/f")
    for _ in range(2):
        report = await refresh(digest_core, clock)
        assert (report.checked, report.new_items, report.failed) == (1, 0, 0)
    assert [h.headers.get("If-None-Match") for h in feed_server.hits] == [None, '"v1"', '"v1"']
    listed = text_of(await digest_core.dispatcher.run_line(ORGANIZER, "feeds list"))
    assert "healthy, checked just now, 2 item(s) stored" in listed


async def test_a_repaired_feeds_warning_stays_while_it_answers_304(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    sloppy = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Tips & tricks</title>'
        b"<item><title>One</title><link>https://a.org/1</link></item></channel></rss>"
    )
    feed_server.conditional("/f", sloppy, '"v1"', "Sat, 28 Nov 2026 10:00:00 GMT")
    await add(digest_core, feed_server, "/f")
    await refresh(digest_core, clock)
    assert feed_server.hits[-1].headers.get("If-None-Match") == '"v1"'  # answered 304
    listed = text_of(await digest_core.dispatcher.run_line(ORGANIZER, "feeds list"))
    assert "warning: not well-formed XML" in listed


async def test_a_permanent_redirect_updates_the_stored_address(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    feed_server.serve("/old", rss20(posts("a", 1, clock)))
    await add(digest_core, feed_server, "/old")
    feed_server.redirect("/old", "/new", 301)
    feed_server.serve("/new", rss20(posts("a", 2, clock)))
    await refresh(digest_core, clock)
    await refresh(digest_core, clock)
    assert [h.path for h in feed_server.hits] == ["/old", "/old", "/new", "/new"]
    listed = text_of(await digest_core.dispatcher.run_line(ORGANIZER, "feeds list"))
    assert feed_server.url("/new") in listed


async def test_a_redirect_onto_a_followed_feed_disables_the_duplicate(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    await follow(digest_core, feed_server, clock, "/a", "/b")
    feed_server.redirect("/a", "/b", 308)
    report = await refresh(digest_core, clock)
    assert report.disabled == 1
    listed = text_of(await digest_core.dispatcher.run_line(ORGANIZER, "feeds list"))
    assert "which this community already follows" in listed


async def test_two_feeds_moving_to_one_address_in_one_round_keep_one_and_disable_the_other(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    for path in ("/a", "/b"):
        feed_server.serve(path, rss20(posts(path[1:], 1, clock)))
        await add(digest_core, feed_server, path)
    feed_server.serve("/c", rss20(posts("c", 1, clock)))
    feed_server.redirect("/a", "/c", 301)
    feed_server.redirect("/b", "/c", 301)
    report = await refresh(digest_core, clock)
    assert (report.checked, report.disabled) == (2, 1)
    listed = text_of(await digest_core.dispatcher.run_line(ORGANIZER, "feeds list"))
    assert listed.count(feed_server.url("/c")) == 2  # the moved feed, and the other's reason
    assert "which this community already follows" in listed


async def test_an_unchanged_body_from_a_server_without_validators_is_not_parsed_again(
    make_core: MakeCore, clock: ManualClock, feed_server: FeedServer
) -> None:
    parsed: list[str] = []

    async def counting(body: bytes, content_type: str, url: str, now: datetime) -> ParsedFeed:
        parsed.append(url)
        return await parse_in_thread(body, content_type, url, now)

    digest_core = await make_core(parse=counting)
    feed_server.serve("/f", rss20(posts("a", 2, clock)))
    await add(digest_core, feed_server, "/f")
    for _ in range(2):
        report = await refresh(digest_core, clock)
        assert (report.checked, report.new_items, report.failed) == (1, 0, 0)
    assert len(parsed) == 1
    feed_server.serve("/f", rss20([*posts("b", 1, clock), *posts("a", 2, clock)]))
    assert (await refresh(digest_core, clock)).new_items == 1
    assert len(parsed) == 2
    listed = text_of(await digest_core.dispatcher.run_line(ORGANIZER, "feeds list"))
    assert "healthy, checked just now, 3 item(s) stored" in listed


async def test_the_slowest_feeds_are_fetched_first_when_they_wait_for_a_slot(
    make_core: MakeCore, clock: ManualClock, feed_server: FeedServer
) -> None:
    cohort = await make_core(limits=replace(LIMITS, concurrency=1))
    for path in ("/fast", "/slow", "/medium"):
        feed_server.serve(path, rss20(posts(path[1:], 1, clock)))
        await add(cohort, feed_server, path)
    feed_server.latency.update({"/slow": 0.3, "/medium": 0.1})
    await refresh(cohort, clock)  # learns how long each takes
    feed_server.hits.clear()
    await refresh(cohort, clock)
    assert [h.path for h in feed_server.hits] == ["/slow", "/medium", "/fast"]


async def test_feeds_a_stopped_refresh_did_not_reach_are_checked_at_the_next_start(
    make_core: MakeCore, clock: ManualClock, feed_server: FeedServer
) -> None:
    # A limit long enough that a loaded machine still fetches the fast feed well within it.
    core = await make_core(replace(LIMITS, timeout=5.0))
    for path in ("/fast", "/slow"):
        feed_server.serve(path, rss20(posts(path[1:], 1, clock)))
        await add(core, feed_server, path)
    feed_server.latency["/slow"] = 4.0  # within the limit: still on its way when stopped
    clock.advance(HOUR)
    stopping = asyncio.ensure_future(core.digests.refresh(core.clock.now()))
    async with asyncio.timeout(BOUND):  # until the stopped round recorded the fast feed
        while True:
            if await _checked_at(core, "/fast") == clock.now():
                break
            await asyncio.sleep(0.02)
    stopping.cancel()
    await asyncio.gather(stopping, return_exceptions=True)
    assert stopping.cancelled()
    # A restart at once: only the feed the stopped refresh did not reach is checked.
    feed_server.latency["/slow"] = 0.0
    report = await asyncio.wait_for(core.digests.refresh(core.clock.now()), BOUND)
    assert report.checked == 1
    assert [h.path for h in feed_server.hits].count("/fast") == 2  # added, then the stopped round


async def _checked_at(core: Cohort, path: str) -> datetime | None:
    async with core.db.read() as tx:
        checked: datetime | None = await tx.scalar(
            sa.select(feeds.c.checked_at).where(feeds.c.url.endswith(path))
        )
    return checked


async def test_failures_back_off_and_honour_retry_after(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    feed_server.serve("/f", rss20(posts("a", 1, clock)))
    await add(digest_core, feed_server, "/f")
    feed_server.status("/f", 503)
    await refresh(digest_core, clock)  # first failure: next try in 15 minutes
    assert (await refresh(digest_core, clock, timedelta(minutes=14))).checked == 0
    assert (await refresh(digest_core, clock, timedelta(minutes=1))).failed == 1  # then 30
    feed_server.status("/f", 429, {"Retry-After": "7200"})
    assert (await refresh(digest_core, clock, timedelta(minutes=30))).failed == 1
    listed = text_of(await digest_core.dispatcher.run_line(ORGANIZER, "feeds list"))
    assert "failing, 3 time(s) in a row: HTTP 429; next try in 2 h" in listed
    assert (await refresh(digest_core, clock, timedelta(minutes=119))).checked == 0
    feed_server.serve("/f", rss20(posts("a", 1, clock)))
    assert (await refresh(digest_core, clock, timedelta(minutes=1))).failed == 0
    listed = text_of(await digest_core.dispatcher.run_line(ORGANIZER, "feeds list"))
    assert "healthy" in listed


async def test_repeated_failures_disable_the_feed_and_tell_the_organizers(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    await digest_core.dispatcher.run_line(ORGANIZER, "setup organizer:@ada")
    await digest_core.dispatcher.run_line(ORGANIZER, "setup organizer:@bob")
    feed_server.serve("/f", rss20(posts("a", 1, clock)))
    await add(digest_core, feed_server, "/f")
    feed_server.serve("/f", b"<html><body>We moved!</body></html>", content_type="text/html")
    policy = Policy()
    reports = [
        await refresh(digest_core, clock, policy.max_backoff) for _ in range(policy.max_failures)
    ]
    assert [r.disabled for r in reports] == [0] * (policy.max_failures - 1) + [1]
    assert (await refresh(digest_core, clock, policy.max_backoff)).checked == 0
    sender = RecordingSender()
    await digest_core.drainer(sender).drain()
    assert sorted(m.target.user_ids for m in sender.delivered) == [("ada",), ("bob",)]
    notice = sender.delivered[0].reply
    assert notice.title == "A feed was disabled"
    assert f"it failed {policy.max_failures} times in a row" in notice.body
    assert "web page (HTML)" in plain(notice.body)
    listed = text_of(await digest_core.dispatcher.run_line(ORGANIZER, "feeds list"))
    assert "1 feed(s): 0 failing, 1 disabled" in listed


async def test_a_gone_feed_is_disabled_at_once_and_the_notice_falls_back_to_the_channel(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    await digest_core.dispatcher.run_line(ORGANIZER, "setup digest:#reading")
    feed_server.serve("/f", rss20(posts("a", 1, clock)))
    await add(digest_core, feed_server, "/f")
    feed_server.status("/f", 410)
    assert (await refresh(digest_core, clock)).disabled == 1
    sender = RecordingSender()
    await digest_core.drainer(sender).drain()
    (notice,) = sender.delivered
    assert notice.target.channel_id == "reading"
    assert "gone for good (HTTP 410)" in plain(notice.reply.body)


async def test_a_disabled_feed_restarts_when_added_again(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    feed_server.serve("/f", rss20(posts("a", 2, clock)))
    await add(digest_core, feed_server, "/f")
    feed_server.status("/f", 410)
    await refresh(digest_core, clock)
    feed_server.serve("/f", rss20(posts("b", 3, clock)))
    body = await add(digest_core, feed_server, "/f")
    assert body.startswith("Following again")
    assert "3 current item(s)" in body


async def test_feeds_sharing_an_address_across_communities_are_fetched_once(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    feed_server.serve("/shared", rss20(posts("a", 1, clock)))
    other = caller("org", admin=True, community=CommunityRef(Platform.CONSOLE, "other"))
    for who in (ORGANIZER, other):
        answer = reply(
            await digest_core.dispatcher.run_line(who, f"feeds add {feed_server.url('/shared')}")
        )
        assert answer.tone is Tone.SUCCESS
    report = await refresh(digest_core, clock)
    assert report.checked == 2
    assert feed_server.count("/shared") == 3  # two first checks, then one for both


def _moved(server: FeedServer, clock: ManualClock) -> None:
    server.redirect("/moved", "/moved-here")
    server.serve("/moved-here", rss20(posts("moved", 2, clock)))


def _loop(server: FeedServer) -> None:
    server.redirect("/loop", "/loop2")
    server.redirect("/loop2", "/loop")


FAULTS: dict[str, Callable[[FeedServer, ManualClock], object]] = {
    "/rss1": lambda s, c: s.serve("/rss1", rss10(posts("rdf", 2, c))),
    "/atom": lambda s, c: s.serve(
        "/atom", atom(posts("atom", 2, c)), content_type="application/atom+xml"
    ),
    "/etag": lambda s, c: s.conditional("/etag", rss20(posts("etag", 1, c)), '"e"', "x"),
    "/moved": lambda s, c: _moved(s, c),
    "/gone": lambda s, c: s.status("/gone", 410),
    "/broken": lambda s, c: s.serve(
        "/broken", b'<?xml version="1.0"?><rss version="2.0"><channel><item><title'
    ),
    "/html": lambda s, c: s.serve(
        "/html", b"<!doctype html><title>Blog</title>", content_type="text/html"
    ),
    "/empty": lambda s, c: s.serve("/empty", b""),
    "/huge": lambda s, c: s.huge("/huge", 20 * 1024 * 1024, declared=False),
    "/drip": lambda s, c: s.drip("/drip", 0.05),
    "/loop": lambda s, c: _loop(s),
    "/bomb": lambda s, c: s.gzip_bomb("/bomb", 20 * 1024 * 1024),
    "/dupes": lambda s, c: s.serve(
        "/dupes",
        rss20(
            [Post("Twin A", "https://d.org/1", "same"), Post("Twin B", "https://d.org/2", "same")]
        ),
    ),
    "/undated": lambda s, c: s.serve("/undated", rss20([Post("No date here", "https://u.org/1")])),
    "/latin": lambda s, c: s.serve(
        "/latin", rss20([Post("Café and naïve Bayes", "https://l.org/1")], encoding="iso-8859-1")
    ),
    "/loud": lambda s, c: s.serve(
        "/loud",
        rss20(
            [
                Post("@everyone look at this", "https://loud.org/1"),
                Post("&lt;!channel&gt; **urgent** [click](https://evil.org)", "https://loud.org/2"),
            ]
        ),
    ),
    "/busy": lambda s, c: s.status("/busy", 429, {"Retry-After": "3600"}),
}
PROBLEMS = {
    "/gone": "gone for good (HTTP 410)",
    "/broken": "not well-formed XML",
    "/html": "web page (HTML)",
    "/empty": "the response was empty",
    "/huge": "larger than 0.25 MB",
    "/drip": "no complete answer within 1 s",
    "/loop": "loop",
    "/bomb": "larger than 0.25 MB",
    "/busy": "HTTP 429",
}


async def test_every_fault_is_recorded_on_its_own_feed_and_no_title_pings_anyone(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    for path in FAULTS:
        feed_server.serve(path, rss20(posts("before", 1, clock), title=f"Feed {path}"))
        await add(digest_core, feed_server, path)
    for setup in FAULTS.values():
        setup(feed_server, clock)
    report = await refresh(digest_core, clock)
    assert report.checked == len(FAULTS)
    assert report.failed == len(PROBLEMS) - 1  # the gone feed is disabled, not failed
    assert report.disabled == 1
    community = await digest_core.communities.resolve(COMMUNITY, digest_core.clock.now())
    feeds, _ = await digest_core.digests.feeds.feeds(community)
    problems = {
        f.url.removeprefix(feed_server.url("")): (f.disabled_reason or f.problem or "")
        for f in feeds
    }
    for path, problem in PROBLEMS.items():
        assert problem in problems[path], path
    healthy = {p for p, problem in problems.items() if not problem}
    assert healthy == {
        "/rss1",
        "/atom",
        "/etag",
        "/moved-here",
        "/dupes",
        "/undated",
        "/latin",
        "/loud",
    }

    preview = reply(await digest_core.dispatcher.run_line(ORGANIZER, "digest preview"))
    shown = text_of(preview)
    for title in [
        "rdf story 1",
        "atom story 0",
        "moved story 1",
        "Twin A",
        "No date here",
        "Café and naïve Bayes",
    ]:
        assert title in shown
    assert "Twin B" not in shown
    assert "before story" not in shown
    lines = [line for line in preview.body.split("\n") if "loud.org" in line]
    assert len(lines) == 2
    for line in lines:
        assert all(t.kind in (Kind.TEXT, Kind.LINK, Kind.ITALIC) for t in tokenize(line))
        links = [t.url for t in tokenize(line) if t.kind is Kind.LINK]
        assert len(links) == 1
        assert links[0].startswith("https://loud.org/")
    assert "\\<!channel\\>" in preview.body
    assert "<!channel>" not in slack_fallback(preview)
    assert "<!channel>" not in str(slack_blocks(preview))
    assert "@everyone" not in discord_markdown(preview.body)


@pytest.mark.parametrize("path", ["/huge", "/drip"])
async def test_a_misbehaving_feed_does_not_delay_the_others_beyond_its_timeout(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer, path: str
) -> None:
    feed_server.serve("/good", rss20(posts("g", 1, clock)))
    feed_server.serve(path, rss20(posts("b", 1, clock)))
    await add(digest_core, feed_server, "/good")
    await add(digest_core, feed_server, path)
    FAULTS[path](feed_server, clock)
    feed_server.serve("/good", rss20(posts("g", 3, clock)))
    report = await refresh(digest_core, clock)
    assert (report.new_items, report.failed) == (2, 1)


async def test_the_refresher_loop_checks_due_feeds_and_wakes_the_senders_for_notices(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    await digest_core.dispatcher.run_line(ORGANIZER, "setup organizer:@ada")
    feed_server.serve("/f", rss20(posts("a", 1, clock)))
    await add(digest_core, feed_server, "/f")
    feed_server.status("/f", 410)
    clock.advance(HOUR)
    woken = asyncio.Event()
    loop = asyncio.ensure_future(
        run_refresher(
            digest_core.digests, digest_core.clock, 0.01, woken.set, digest_core.observe_refresh
        )
    )
    try:
        await asyncio.wait_for(woken.wait(), BOUND)
    finally:
        loop.cancel()
    listed = text_of(await digest_core.dispatcher.run_line(ORGANIZER, "feeds list"))
    assert "gone for good" in listed
    counted = digest_core.metrics.registry.get_sample_value
    assert counted("cohort_feed_checks_total") == 1
    assert counted("cohort_feeds_disabled_total") == 1
    assert counted("cohort_feed_check_failures_total") == 0  # gone for good is no failure


async def test_a_digest_considers_only_the_newest_items_of_each_feed(
    digest_core: Cohort, clock: ManualClock, feed_server: FeedServer
) -> None:
    feed_server.serve("/f", rss20([]))
    await add(digest_core, feed_server, "/f")
    batch = [
        Post(f"Item {n}", f"https://a.org/{n}", f"g{n}", clock.now() - n * HOUR) for n in range(60)
    ]
    feed_server.serve("/f", rss20(batch))
    await refresh(digest_core, clock)
    community = await digest_core.communities.resolve(COMMUNITY, digest_core.clock.now())
    async with digest_core.db.read() as conn:
        considered, beyond = await store.candidates(
            conn, community.id, clock.now() - 2 * HOUR, 50, clock.now() - 40 * HOUR
        )
    assert sorted(int(c.title.split()[1]) for c in considered) == list(range(40))
    assert beyond == []  # nothing left out
    async with digest_core.db.read() as conn:
        newest, beyond = await store.candidates(
            conn, community.id, clock.now() - 2 * HOUR, 5, NEVER
        )
    assert sorted(int(c.title.split()[1]) for c in newest) == list(range(5))
    assert [c.title for c in beyond] == ["Item 5"]  # the newest left out


async def test_a_feed_rotating_its_guids_keeps_at_most_the_cap_of_items(
    make_core: MakeCore, clock: ManualClock, feed_server: FeedServer
) -> None:
    digest_core = await make_core(policy=Policy(max_items=12))
    feed_server.serve("/f", rss20(posts("r0", 5, clock)))
    await add(digest_core, feed_server, "/f")
    for hour in range(1, 6):
        feed_server.serve("/f", rss20(posts(f"r{hour}", 5, clock)))  # every GUID new each hour
        assert (await refresh(digest_core, clock)).new_items == 5
    listed = text_of(await digest_core.dispatcher.run_line(ORGANIZER, "feeds list"))
    assert "12 item(s) stored" in listed
    preview = text_of(await digest_core.dispatcher.run_line(ORGANIZER, "digest preview"))
    assert "r5 story 0" in preview  # the newest are those kept


async def test_items_a_feed_stopped_listing_long_ago_are_forgotten_when_it_grows(
    make_core: MakeCore, clock: ManualClock, feed_server: FeedServer
) -> None:
    digest_core = await make_core(policy=Policy(forget_after=3 * HOUR))

    async def stored_after(*prefixes: str, ahead: timedelta = HOUR) -> str:
        listing = [p for prefix in prefixes for p in posts(prefix, 2, clock)]
        feed_server.serve("/f", rss20(listing))
        await refresh(digest_core, clock, ahead)
        listed = text_of(await digest_core.dispatcher.run_line(ORGANIZER, "feeds list"))
        return listed.split(" item(s) stored")[0].rsplit(" ", 1)[1]

    feed_server.serve("/f", rss20(posts("a", 2, clock)))
    await add(digest_core, feed_server, "/f")  # a: last listed at hour 0
    assert await stored_after("b") == "4"  # a unlisted an hour ago: kept
    assert await stored_after("b", "c") == "6"  # two hours ago: kept
    assert await stored_after("b", "c", ahead=2 * HOUR) == "6"  # stale now, but nothing new
    assert await stored_after("b", "c", "d") == "6"  # it grew: a (five hours ago) forgotten


async def test_a_feed_past_its_deadline_fails_alone_and_the_others_are_recorded_first(
    make_core: MakeCore, clock: ManualClock, feed_server: FeedServer
) -> None:
    stuck = False
    recorded_while_stuck: list[int] = []

    async def stuck_on_slow(body: bytes, content_type: str, url: str, now: datetime) -> ParsedFeed:
        if stuck and url.endswith("/slow"):
            await asyncio.sleep(0.3)
            async with digest_core.db.read() as conn:
                feeds = await store.list_feeds(conn, 1)
            recorded_while_stuck.extend(f.id for f in feeds if f.checked_at == now)
            await asyncio.sleep(30)  # a parser that never answers, as far as the refresh knows
        return await parse_in_thread(body, content_type, url, now)

    digest_core = await make_core(
        parse=stuck_on_slow, policy=Policy(deadline=timedelta(seconds=0.5))
    )
    await follow(digest_core, feed_server, clock, "/good", "/slow")
    stuck = True  # from here on: following went as usual
    feed_server.serve("/good", rss20(posts("good", 2, clock)))
    feed_server.serve("/slow", rss20(posts("slow", 2, clock)))
    report = await refresh(digest_core, clock)
    assert (report.checked, report.new_items, report.failed) == (2, 1, 1)
    assert len(recorded_while_stuck) == 1  # the good feed, written before the slow one ended
    listed = text_of(await digest_core.dispatcher.run_line(ORGANIZER, "feeds list"))
    assert "no answer fetched and read within 0.5 s" in listed


async def test_results_are_written_once_they_pause_while_another_feed_is_still_on_its_way(
    make_core: MakeCore,
    clock: ManualClock,
    feed_server: FeedServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A window far longer than the test: only the pause in arrivals can end the batch.
    monkeypatch.setattr(refreshing, "BATCH_WINDOW", 600.0)
    release = asyncio.Event()
    holding = False

    async def held_on_slow(body: bytes, content_type: str, url: str, now: datetime) -> ParsedFeed:
        if holding and url.endswith("/slow"):
            await release.wait()  # a feed still being read, as a slow drip is until its deadline
        return await parse_in_thread(body, content_type, url, now)

    digest_core = await make_core(parse=held_on_slow)
    await follow(digest_core, feed_server, clock, "/good", "/slow")
    holding = True
    feed_server.serve("/good", rss20(posts("good", 2, clock)))
    feed_server.serve("/slow", rss20(posts("slow", 2, clock)))
    clock.advance(HOUR)
    round_ = asyncio.ensure_future(digest_core.digests.refresh(digest_core.clock.now()))

    async def good_recorded() -> None:
        while True:
            async with digest_core.db.read() as conn:
                feeds = await store.list_feeds(conn, 1)
            if any(f.url.endswith("/good") and f.checked_at == clock.now() for f in feeds):
                return
            await asyncio.sleep(0.01)

    await asyncio.wait_for(good_recorded(), BOUND)
    assert not round_.done()
    release.set()
    report = await asyncio.wait_for(round_, BOUND)
    assert (report.checked, report.new_items, report.failed) == (2, 2, 0)
