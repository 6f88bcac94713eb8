"""The digest's items are chosen from each feed's five newest first, and from all fifty only
when an item left out could have been picked: on generated communities, the pick is always
the one ranking all fifty of every feed gives."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from bot.app import Cohort
from bot.clock import ManualClock
from bot.digests import store
from bot.digests.building import CANDIDATES_PER_FEED, SHOWN_FOR, choose
from bot.digests.model import PostedEntry
from bot.digests.parse import title_key
from bot.digests.rank import FRESH_FOR, MAX_AGE, Shown, TopicMatcher, beyond_reach, pick
from bot.identity import CommunityRef, Platform
from bot.storage.tables import feed_items
from bot.storage.transaction import Transaction

WORDS = [
    "agents",
    "rag",
    "llms",
    "embeddings",
    "evaluation",
    "python",
    "vision",
    "latency",
    "tokenizer",
    "alignment",
]


async def _generate(tx: Transaction, rng: random.Random, community_id: int, now: datetime) -> None:
    """Feeds with a random number of items: some undated, some dated in the future or long
    ago, some seen, stories repeated across feeds, and an earlier digest that carried some."""
    stories = [f"https://news.example/{n}" for n in range(rng.randint(5, 400))]
    rows: list[dict[str, object]] = []
    for n in range(rng.randint(1, 30)):
        feed_id = await store.add_feed(
            tx,
            community_id=community_id,
            url=f"https://feed.example/{community_id}/{n}",
            title=rng.choice(["", f"Feed {n}"]),
            tags=rng.sample(["llms", "rag", "agents"], rng.randint(0, 2)),
            default_id=None,
            added_by="org",
            now=now - timedelta(days=60),
        )
        assert feed_id is not None
        for m in range(rng.choice([0, 3, 6, 12, 25, 60])):
            url = rng.choice(stories)
            title = " ".join(rng.sample(WORDS, rng.randint(1, 6)))
            if rng.random() < 0.2:
                title += f" {rng.choice(['in', 'for', 'with'])} {m}"
            seconds = rng.choice([1, 60, 3600]) * rng.randint(-5, 35 * 24)
            published = rng.choice([None, now - timedelta(seconds=seconds)])
            rows.append(
                {
                    "feed_id": feed_id,
                    "uid": f"{feed_id}-{m}",
                    "url": url,
                    "canonical": url,
                    "title": title,
                    "title_key": title_key(title),
                    "published_at": published,
                    "first_seen_at": now - timedelta(minutes=rng.randint(0, 20 * 24 * 60)),
                    "last_seen_at": now,
                    "seen": rng.random() < 0.1,
                }
            )
    if rows:
        await tx.execute(feed_items.insert(), rows)
    if rng.random() < 0.5:
        await store.set_focus(tx, community_id, rng.sample(["llms", "rag", "agents", "python"], 2))
    shown = rng.sample(rows, min(len(rows), rng.randint(0, 10)))
    await store.add_digest(
        tx,
        community_id=community_id,
        week="2026-W40",
        now=now - timedelta(days=7),
        readings=[],
        parts=1,
        entries=[
            PostedEntry("", str(r["title"]), str(r["url"]), "", str(r["canonical"]), "")
            for r in shown
        ],
    )


async def test_the_digest_picks_what_ranking_every_candidate_picks(
    cohort: Cohort, clock: ManualClock
) -> None:
    now = clock.now()
    rng = random.Random(16)
    matcher = TopicMatcher(cohort.content.builtin().topics)
    first_look_enough = 0
    for n in range(40):
        community = await cohort.communities.resolve(
            CommunityRef(Platform.CONSOLE, f"c{n}"), cohort.clock.now()
        )
        async with cohort.db.write() as tx:
            await _generate(tx, rng, community.id, now)
        async with cohort.db.read() as tx:
            focus = await store.focus(tx, community.id)
            canonicals, keys = await store.shown_since(tx, community.id, now - SHOWN_FOR)
            shown = Shown(canonicals, keys)
            chosen = await choose(tx, community, matcher, focus, shown, now)
            every, _ = await store.candidates(
                tx, community.id, now - FRESH_FOR, CANDIDATES_PER_FEED, now - MAX_AGE
            )
            first, beyond = await store.candidates(
                tx, community.id, now - FRESH_FOR, 5, now - MAX_AGE
            )
        expected, _ = pick(every, matcher, focus, shown, now)
        assert chosen == expected, f"community {n}"
        _, floor = pick(first, matcher, focus, shown, now)
        first_look_enough += beyond_reach(beyond, floor, focus, now)
    # Both ways were taken: the first look alone, and ranking all fifty.
    assert 0 < first_look_enough < 40
