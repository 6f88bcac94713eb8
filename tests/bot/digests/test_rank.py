"""Choosing a digest's items: topics, focus, dedupe, ranking, diversity, grouping, readings."""

from __future__ import annotations

import functools
import itertools
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.loader import default_content_dir, load_pack
from bot.content.model import ContentPack, Reading, Topic
from bot.digests.parse import digest, near_duplicates, title_key
from bot.digests.rank import (
    DIVERSITY,
    ITEMS,
    OTHER,
    PER_SOURCE,
    Candidate,
    Ranked,
    Shown,
    TopicMatcher,
    eligible,
    focus_topics,
    freshness,
    group,
    pick_readings,
    score,
    select,
)
from bot.digests.urls import canonical_url

NOW = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
_ids = itertools.count(1)


@pytest.fixture(scope="module")
def pack() -> ContentPack:
    return load_pack(Path(default_content_dir()))


@pytest.fixture(scope="module")
def matcher(pack: ContentPack) -> TopicMatcher:
    return TopicMatcher(pack.topics)


def item(
    title: str,
    feed: int = 1,
    age: timedelta = HOUR,
    url: str | None = None,
    tags: tuple[str, ...] = (),
    dated: bool = True,
    seen_ago: timedelta | None = None,
) -> Candidate:
    number = next(_ids)
    link = url or f"https://feed{feed}.org/{number}"
    return Candidate(
        item_id=number,
        feed_id=feed,
        source=f"Feed {feed}",
        feed_tags=tags,
        url=link,
        canonical=digest(canonical_url(link)),
        title=title,
        title_key=title_key(title),
        published_at=NOW - age if dated else None,
        first_seen_at=NOW - (seen_ago if seen_ago is not None else min(age, 2 * DAY)),
    )


def titles(chosen: Sequence[Ranked]) -> list[str]:
    return [r.candidate.title for r in chosen]


@pytest.mark.parametrize(
    ("text", "topics"),
    [
        ("A practical guide to RAG pipelines", ("rag",)),
        ("Fine-tuning LLMs with LoRA", ("llm", "fine-tuning")),
        ("An LLM agent that books flights", ("llm", "agents")),
        ("Retrieval-augmented generation, explained", ("rag",)),
        ("Large language models as tool use planners", ("llm", "agents")),
        ("New results in computer vision", ("computer-vision",)),
        ("What's new this week", ()),
        ("Transformers from scratch", ("transformers",)),
        ("ragged arrays in numpy", ()),
    ],
)
def test_topics_are_found_in_text_as_whole_words(
    matcher: TopicMatcher, text: str, topics: tuple[str, ...]
) -> None:
    assert matcher.match(text) == topics


def test_focus_comes_from_organizers_when_chosen_else_from_members(
    matcher: TopicMatcher,
) -> None:
    members = ["nlp, llm apps", "LLMs and RAG", "rag", "computer vision", "llm evals", ""]
    assert focus_topics(matcher, (), members) == ("llm", "rag", "computer-vision", "nlp")
    assert focus_topics(matcher, ("agents", "no-such-topic"), members) == ("agents",)
    assert focus_topics(matcher, (), ["", "   "]) == ()


def test_focus_keeps_the_five_topics_named_most() -> None:
    topics = [Topic(id=f"t{n}", title=f"Topic {n}") for n in range(8)]
    matcher = TopicMatcher(topics)
    members = [f"t{n}" for n in range(8) for _ in range(8 - n)]
    assert focus_topics(matcher, (), members) == ("t0", "t1", "t2", "t3", "t4")


@pytest.mark.parametrize(
    ("age", "expected"),
    [(timedelta(0), 1.0), (3 * DAY, 0.5), (6 * DAY, 0.25), (-HOUR, 1.0)],
)
def test_freshness_halves_every_three_days(age: timedelta, expected: float) -> None:
    assert freshness(NOW - age, NOW) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("topics", "focus", "age", "expected"),
    [
        ((), (), timedelta(0), 0.6),
        (("rag",), ("rag",), timedelta(0), 1.0),
        (("rag",), ("rag", "llm"), timedelta(0), 0.8),
        (("rag", "llm"), ("rag", "llm", "agents"), 3 * DAY, 0.7),
        (("python",), ("rag",), 3 * DAY, 0.3),
    ],
)
def test_score_weighs_freshness_and_focus(
    topics: tuple[str, ...], focus: tuple[str, ...], age: timedelta, expected: float
) -> None:
    assert score(topics, NOW - age, focus, NOW) == pytest.approx(expected)


def test_fresher_items_rank_first_without_focus(matcher: TopicMatcher) -> None:
    chosen = select(
        [
            item("Old", age=4 * DAY, feed=1),
            item("New", age=HOUR, feed=2),
            item("Mid", age=DAY, feed=3),
        ],
        matcher,
        (),
        Shown(),
        NOW,
    )
    assert titles(chosen) == ["New", "Mid", "Old"]


def test_an_item_on_the_focus_beats_a_slightly_fresher_one(matcher: TopicMatcher) -> None:
    chosen = select(
        [item("Cooking tips", age=HOUR, feed=1), item("RAG in production", age=DAY, feed=2)],
        matcher,
        ("rag",),
        Shown(),
        NOW,
    )
    assert titles(chosen) == ["RAG in production", "Cooking tips"]


def test_feeds_tags_count_as_the_items_topics(matcher: TopicMatcher) -> None:
    chosen = select(
        [
            item("Weekly notes", age=HOUR, feed=1),
            item("Paper roundup", age=DAY, feed=2, tags=("rag",)),
        ],
        matcher,
        ("rag",),
        Shown(),
        NOW,
    )
    assert titles(chosen) == ["Paper roundup", "Weekly notes"]


def test_one_busy_feed_does_not_crowd_out_the_others(matcher: TopicMatcher) -> None:
    busy = [item(f"Busy {n}", feed=1, age=n * HOUR) for n in range(1, 9)]
    quiet = [item("Quiet one", feed=2, age=DAY), item("Quiet two", feed=3, age=2 * DAY)]
    chosen = select([*busy, *quiet], matcher, (), Shown(), NOW, limit=5)
    assert titles(chosen) == ["Busy 1", "Quiet one", "Quiet two", "Busy 2", "Busy 3"]
    everything = select([*busy, *quiet], matcher, (), Shown(), NOW)
    assert sum(r.candidate.feed_id == 1 for r in everything) == PER_SOURCE


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            item("Launch post", feed=1, url="https://blog.org/launch?utm_source=rss"),
            item("Our launch", feed=2, url="http://www.blog.org/launch/#top"),
        ),
        (
            item("Scaling laws for sparse mixture of experts", feed=1),
            item("[Paper] Scaling laws for sparse mixture of experts", feed=2, age=2 * HOUR),
        ),
    ],
    ids=["same-canonical-url", "near-identical-title"],
)
def test_the_same_story_from_two_feeds_appears_once(
    matcher: TopicMatcher, first: Candidate, second: Candidate
) -> None:
    chosen = select([first, second, item("Something else", feed=3)], matcher, (), Shown(), NOW)
    assert titles(chosen) == [first.title, "Something else"]


def test_stories_an_earlier_digest_carried_never_come_back(matcher: TopicMatcher) -> None:
    carried = item("Evaluating agents in the wild", url="https://a.org/agents")
    shown = Shown({carried.canonical}, [title_key("Evaluating agents in the wild")])
    again = [
        item("Another title", url="https://a.org/agents?utm_campaign=x", feed=2),
        item("Evaluating Agents In The Wild!", feed=3),
        item("Fresh story", feed=4),
    ]
    assert titles(select(again, matcher, (), shown, NOW)) == ["Fresh story"]


@pytest.mark.parametrize(
    ("candidate", "kept"),
    [
        (item("Dated last week", age=7 * DAY), True),
        (item("Republished archive", age=40 * DAY, seen_ago=HOUR), False),
        (item("Undated, seen today", dated=False, seen_ago=HOUR), True),
        (item("Undated, seen long ago", dated=False, seen_ago=20 * DAY), False),
    ],
)
def test_old_items_are_not_news(matcher: TopicMatcher, candidate: Candidate, kept: bool) -> None:
    assert bool(select([candidate], matcher, (), Shown(), NOW)) is kept


def test_undated_items_count_as_new_when_first_seen(matcher: TopicMatcher) -> None:
    chosen = select(
        [
            item("Dated two days ago", age=2 * DAY, feed=1),
            item("Undated", dated=False, seen_ago=HOUR, feed=2),
        ],
        matcher,
        (),
        Shown(),
        NOW,
    )
    assert titles(chosen) == ["Undated", "Dated two days ago"]


def test_ties_are_broken_the_same_way_every_time(matcher: TopicMatcher) -> None:
    twins = [item(f"Twin {n} story", feed=n, age=HOUR) for n in range(1, 5)]
    assert titles(select(twins, matcher, (), Shown(), NOW)) == [t.title for t in twins]
    assert titles(select(list(reversed(twins)), matcher, (), Shown(), NOW)) == [
        t.title for t in twins
    ]


def scored_first(
    candidates: Sequence[Candidate],
    matcher: TopicMatcher,
    focus: Sequence[str],
    shown: Shown,
    now: datetime,
) -> list[Ranked]:
    """The rules of select() applied the plain way, scoring every item before choosing: the
    reference its lazy heap must agree with."""
    pool = []
    for c in candidates:
        if eligible(c, now) and not shown.holds(c):
            topics = tuple(dict.fromkeys([*matcher.match(c.title), *c.feed_tags]))
            pool.append(Ranked(c, score(topics, c.moment, focus, now), topics))
    chosen: list[Ranked] = []
    while pool and len(chosen) < ITEMS:
        per_feed = Counter(r.candidate.feed_id for r in chosen)
        best = min(pool, key=functools.partial(_reference_order, per_feed=per_feed))
        pool.remove(best)
        repeat = any(
            best.candidate.canonical == c.candidate.canonical
            or near_duplicates(best.candidate.title_key, c.candidate.title_key)
            for c in chosen
        )
        if per_feed[best.candidate.feed_id] < PER_SOURCE and not repeat:
            chosen.append(best)
    return chosen


def _reference_order(r: Ranked, per_feed: Counter[int]) -> tuple[float, float, int]:
    adjusted = r.score * DIVERSITY ** per_feed[r.candidate.feed_id]
    return (-adjusted, -r.candidate.moment.timestamp(), r.candidate.item_id)


_WORDS = ["rag", "agents", "llm", "vision", "gpu", "launch", "model", "paper", "open", "news"]


@st.composite
def _candidates(draw: st.DrawFn) -> list[Candidate]:
    found = []
    for _ in range(draw(st.integers(0, 40))):
        words = draw(st.lists(st.sampled_from(_WORDS), min_size=1, max_size=6))
        found.append(
            item(
                " ".join(words),
                feed=draw(st.integers(1, 5)),
                age=timedelta(hours=draw(st.integers(0, 24 * 40))),
                url=f"https://x.org/{draw(st.integers(0, 30))}",
                tags=tuple(draw(st.lists(st.sampled_from(["rag", "agents", "mlops"]), max_size=2))),
                dated=draw(st.booleans()),
            )
        )
    return found


@settings(max_examples=150, deadline=None)
@given(
    _candidates(),
    st.lists(st.sampled_from(["rag", "agents", "llm", "mlops"]), max_size=3, unique=True),
    st.lists(st.sampled_from(_WORDS), max_size=3),
)
def test_choosing_lazily_gives_what_scoring_every_item_first_gives(
    matcher: TopicMatcher, candidates: list[Candidate], focus: list[str], shown_words: list[str]
) -> None:
    shown = Shown(title_keys=[" ".join(shown_words)] if shown_words else [])
    lazy = select(candidates, matcher, focus, shown, NOW)
    assert lazy == scored_first(candidates, matcher, focus, shown, NOW)


def test_sections_follow_topics_and_single_items_go_to_also_new(matcher: TopicMatcher) -> None:
    chosen = select(
        [
            item("RAG evaluation harness", feed=1, age=HOUR),
            item("Chunking for RAG", feed=2, age=2 * HOUR),
            item("Agents that plan", feed=3, age=3 * HOUR),
            item("Weekly news", feed=4, age=4 * HOUR),
            item("Better agents with memory", feed=5, age=5 * HOUR),
        ],
        matcher,
        (),
        Shown(),
        NOW,
    )
    sections = [(topic, titles(items)) for topic, items in group(chosen, (), matcher)]
    assert sections == [
        ("rag", ["RAG evaluation harness", "Chunking for RAG"]),
        ("agents", ["Agents that plan", "Better agents with memory"]),
        (OTHER, ["Weekly news"]),
    ]


def test_an_item_is_listed_under_a_focus_topic_it_has(matcher: TopicMatcher) -> None:
    chosen = select(
        [item("LLM agents for RAG", feed=1), item("RAG with LLM judges", feed=2)],
        matcher,
        ("rag",),
        Shown(),
        NOW,
    )
    assert [topic for topic, _ in group(chosen, ("rag",), matcher)] == ["rag"]


def _reading(rid: str, phases: list[int], topics: list[str]) -> Reading:
    return Reading(
        id=rid,
        title=rid,
        url=f"https://r.org/{rid}",
        kind="article",
        phases=phases,
        topics=topics,
        why="Worth it.",
    )


READINGS = [
    _reading("p1-a", [1], ["python"]),
    _reading("p1-b", [1], ["rag"]),
    _reading("p2-a", [2], ["ml"]),
    _reading("p2-b", [2, 3], ["llm"]),
    _reading("p3-a", [3], ["agents"]),
]


@pytest.mark.parametrize(
    ("phases", "focus", "featured", "expected"),
    [
        ({}, (), {}, ["p1-a", "p1-b"]),
        ({2: 3, 3: 1}, (), {}, ["p2-a", "p2-b"]),
        ({3: 2, 1: 5}, (), {}, ["p1-a", "p2-b"]),
        ({1: 4}, ("rag",), {}, ["p1-b", "p1-a"]),
        ({2: 1}, (), {"p2-a": NOW - DAY}, ["p2-b", "p2-a"]),
        ({2: 1}, (), {"p2-a": NOW - DAY, "p2-b": NOW - 9 * DAY}, ["p2-b", "p2-a"]),
        ({4: 1}, (), {}, []),
    ],
    ids=["nobody", "one-phase", "two-phases", "focus", "featured", "oldest-first", "none"],
)
def test_curated_readings_suit_the_members_phases(
    phases: dict[int, int],
    focus: tuple[str, ...],
    featured: dict[str, datetime],
    expected: list[str],
) -> None:
    assert [r.id for r in pick_readings(READINGS, phases, focus, featured)] == expected
