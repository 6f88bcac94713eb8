"""Choosing what a digest holds: topics of items, the community's focus, dedupe, ranking,
grouping and the curated readings. Pure functions over plain values; docs/digests.md explains
the rules in prose.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.content.model import Reading, Topic
from bot.digests.parse import near_duplicates, title_key

ITEMS = 12
"""Items in one digest at most."""
PER_SOURCE = 3
"""Items from one feed in one digest at most."""
HALF_LIFE = timedelta(days=3)
"""An item loses half its freshness every three days."""
FRESH_FOR = timedelta(days=14)
"""Items first seen longer ago than this are not news any more."""
MAX_AGE = timedelta(days=30)
"""Items whose own date is older than this are archive, even when a feed shows them anew."""
FRESHNESS_WEIGHT = 0.6
FOCUS_WEIGHT = 0.4
DIVERSITY = 0.5
"""Each item already chosen from a feed halves the score of that feed's next one."""
FOCUS_TOPICS = 5
"""Topics taken from members' focus at most."""
READINGS = 2
OTHER = ""
NEVER = datetime.min.replace(tzinfo=UTC)
"""The section of items whose topic has no other item this week."""


class TopicMatcher:
    """Finds the pack's topics named in free text: a topic's id (`fine-tuning` as
    "fine tuning"), its singular or plural (`agents` as "agent", `llm` as "llms"), its title,
    or each part of a title joined with "and" ("Agents and tool use" gives "tool use"); whole
    words only."""

    def __init__(self, topics: Sequence[Topic]) -> None:
        self.order = {t.id: index for index, t in enumerate(topics)}
        self.titles = {t.id: t.title for t in topics}
        # Phrases by their first word: a text is only checked for phrases whose first word
        # it has, which keeps matching thousands of titles quick.
        self._phrases: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for topic in topics:
            name = topic.id.replace("-", " ")
            phrases = {name, title_key(topic.title)}
            phrases.update(title_key(part) for part in topic.title.split(" and "))
            last = name.rsplit(" ", 1)[-1]
            if (
                len(last) > 3
                and last.endswith("s")
                and not last.endswith(("ss", "us", "ics", "ws"))
            ):
                phrases.add(name[:-1])
            elif not last.endswith("s"):
                phrases.add(f"{name}s")
            for phrase in phrases:
                if phrase:
                    self._phrases[phrase.split(" ", 1)[0]].append((topic.id, f" {phrase} "))

    def match(self, text: str) -> tuple[str, ...]:
        key = title_key(text)
        padded = f" {key} "
        found = {
            topic
            for word in set(key.split())
            for topic, phrase in self._phrases.get(word, ())
            if phrase in padded
        }
        return tuple(sorted(found, key=self.order.__getitem__))

    def known(self, topic: str) -> bool:
        return topic in self.order


def focus_topics(
    matcher: TopicMatcher, chosen: Sequence[str], member_focus: Iterable[str]
) -> tuple[str, ...]:
    """The organizers' focus topics when they chose some; otherwise the topics named most
    often in members' focus, ties in pack order, at most five."""
    if chosen:
        return tuple(t for t in chosen if matcher.known(t))
    counts = Counter(topic for text in member_focus for topic in set(matcher.match(text)))
    ranked = sorted(counts, key=lambda t: (-counts[t], matcher.order[t]))
    return tuple(ranked[:FOCUS_TOPICS])


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored item that may go in a digest."""

    item_id: int
    feed_id: int
    source: str
    feed_tags: tuple[str, ...]
    url: str
    canonical: str
    title: str
    title_key: str
    published_at: datetime | None
    first_seen_at: datetime

    @property
    def moment(self) -> datetime:
        """When the item came out: its own date, or when Cohort first saw it."""
        return self.published_at or self.first_seen_at


@dataclass(frozen=True, slots=True)
class Ranked:
    candidate: Candidate
    score: float
    topics: tuple[str, ...]  # named in the title, then the feed's tags


class Shown:
    """What earlier digests in the community already carried."""

    def __init__(self, canonicals: Iterable[str] = (), title_keys: Iterable[str] = ()) -> None:
        self.canonicals = set(canonicals)
        self.title_keys = list(title_keys)
        self._words: dict[str, list[int]] = defaultdict(list)
        for index, key in enumerate(self.title_keys):
            for word in set(key.split()):
                self._words[word].append(index)

    def holds(self, candidate: Candidate) -> bool:
        if candidate.canonical in self.canonicals:
            return True
        # Only titles sharing a word can be near-duplicates; look those up instead of all.
        overlap: Counter[int] = Counter()
        for word in set(candidate.title_key.split()):
            overlap.update(self._words.get(word, ()))
        return any(
            near_duplicates(candidate.title_key, self.title_keys[index]) for index in overlap
        )


def freshness(moment: datetime, now: datetime) -> float:
    age = max(timedelta(0), now - moment)
    return float(0.5 ** (age / HALF_LIFE))


def score(topics: Sequence[str], moment: datetime, focus: Sequence[str], now: datetime) -> float:
    """Freshness (0 to 1) weighted 0.6, plus focus match weighted 0.4: one focus topic among
    the item's topics counts half when the focus has several, two or more count fully."""
    matched = len(set(topics) & set(focus))
    match = min(1.0, matched / min(len(focus), 2)) if focus else 0.0
    return FRESHNESS_WEIGHT * freshness(moment, now) + FOCUS_WEIGHT * match


def eligible(candidate: Candidate, now: datetime) -> bool:
    if now - candidate.first_seen_at > FRESH_FOR:
        return False
    return candidate.published_at is None or now - candidate.published_at <= MAX_AGE


def select(
    candidates: Iterable[Candidate],
    matcher: TopicMatcher,
    focus: Sequence[str],
    shown: Shown,
    now: datetime,
    limit: int = ITEMS,
) -> list[Ranked]:
    """The best items, best first (see :func:`pick`)."""
    return pick(candidates, matcher, focus, shown, now, limit)[0]


def pick(
    candidates: Iterable[Candidate],
    matcher: TopicMatcher,
    focus: Sequence[str],
    shown: Shown,
    now: datetime,
    limit: int = ITEMS,
) -> tuple[list[Ranked], float]:
    """The best items, best first: fresh, on the community's focus, from varied feeds, and
    none the same story as another one chosen or one an earlier digest carried.

    Items wait in a heap under the best score they could have (their freshness with a full
    focus match) and are only matched against topics and earlier digests when they reach the
    top: a digest takes a dozen items from thousands, so most are never looked at closely.
    The result is the one scoring every item first would give. With it comes the score the
    last item was chosen at (after the variety penalty), or minus infinity when fewer than
    `limit` were chosen: any item scoring less could be left out without changing anything
    (:func:`beyond_reach`)."""
    best_match = FOCUS_WEIGHT if focus else 0.0
    heap: list[_Waiting] = []
    for candidate in candidates:
        if eligible(candidate, now):
            bound = FRESHNESS_WEIGHT * freshness(candidate.moment, now) + best_match
            heap.append(_waiting(bound, candidate, 0, None))
    heapq.heapify(heap)
    chosen: list[Ranked] = []
    per_feed: Counter[int] = Counter()
    floor = -math.inf
    while heap and len(chosen) < limit:
        key, _, _, penalised, ranked, candidate = heapq.heappop(heap)
        feed = candidate.feed_id
        if per_feed[feed] >= PER_SOURCE:
            continue
        if ranked is None:  # at the top for the first time: score it exactly
            if shown.holds(candidate):
                continue
            topics = _merge(matcher.match(candidate.title), candidate.feed_tags)
            ranked = Ranked(candidate, score(topics, candidate.moment, focus, now), topics)
        elif penalised == per_feed[feed]:
            if not any(_same_story(candidate, c.candidate) for c in chosen):
                chosen.append(ranked)
                per_feed[feed] += 1
                floor = -key
            continue
        # Scored just now, or its feed had items chosen since: back in line at its score.
        heapq.heappush(heap, _waiting(ranked.score, candidate, per_feed[feed], ranked))
    return chosen, (floor if len(chosen) == limit else -math.inf)


def beyond_reach(
    left_out: Iterable[Candidate], floor: float, focus: Sequence[str], now: datetime
) -> bool:
    """Whether items no newer than these could not have changed a pick whose last item was
    chosen at `floor`: the best any of them could score (its freshness, with a full focus
    match) is below it, so none would have reached the top before the pick was complete.
    Freshness only falls with age, so an item's bound covers every older one."""
    best_match = FOCUS_WEIGHT if focus else 0.0
    return all(FRESHNESS_WEIGHT * freshness(c.moment, now) + best_match < floor for c in left_out)


_Waiting = tuple[float, float, int, int, "Ranked | None", Candidate]


def _waiting(score: float, candidate: Candidate, penalty: int, ranked: Ranked | None) -> _Waiting:
    # Highest score first, then the newest, then the item stored first: a total order, so
    # the tuple never compares its last two members.
    adjusted = score * DIVERSITY**penalty
    return (-adjusted, -candidate.moment.timestamp(), candidate.item_id, penalty, ranked, candidate)


def _same_story(a: Candidate, b: Candidate) -> bool:
    return a.canonical == b.canonical or near_duplicates(a.title_key, b.title_key)


def _merge(*groups: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t for group in groups for t in group))


def group(
    chosen: Sequence[Ranked], focus: Sequence[str], matcher: TopicMatcher
) -> list[tuple[str, list[Ranked]]]:
    """Sections of the digest, in the order of their best item. An item is listed under a
    focus topic it has, else under its topic most of this digest's items share (the topics
    its title names before its feed's tags on a tie). A topic left with a single item joins
    the closing "also new" section, so a digest is a few themes, not a dozen headings."""
    known = {id(r): [t for t in r.topics if matcher.known(t)] for r in chosen}
    shared = Counter(t for topics in known.values() for t in set(topics))

    def primary(ranked: Ranked) -> str:
        topics = known[id(ranked)]
        in_focus = [t for t in focus if t in topics]
        if in_focus:
            return in_focus[0]
        return max(topics, key=lambda t: (shared[t], -topics.index(t)), default=OTHER)

    sections: dict[str, list[Ranked]] = {}
    for ranked in chosen:
        sections.setdefault(primary(ranked), []).append(ranked)
    themed = [(t, items) for t, items in sections.items() if t != OTHER and len(items) > 1]
    grouped = {id(r) for _, items in themed for r in items}
    rest = [r for r in chosen if id(r) not in grouped]
    return themed + ([(OTHER, rest)] if rest else [])


def pick_readings(
    readings: Sequence[Reading],
    phases: Mapping[int, int],
    focus: Sequence[str],
    featured: Mapping[str, datetime],
    count: int = READINGS,
) -> list[Reading]:
    """Curated readings for the phases most members are in (phase 1 when nobody has joined):
    one for each of the two busiest phases, or two for the only one. Within a phase, a
    reading never featured comes first, then the one featured longest ago; among equals, one
    on a focus topic, then pack order."""
    busiest = sorted(phases, key=lambda p: (-phases[p], p)) or [1]
    order = {r.id: index for index, r in enumerate(readings)}

    def preference(reading: Reading) -> tuple[bool, datetime, bool, int]:
        return (
            reading.id in featured,
            featured.get(reading.id, NEVER),
            not set(reading.topics) & set(focus),
            order[reading.id],
        )

    chosen: list[Reading] = []
    for phase in (busiest * count)[:count]:
        options = [r for r in readings if phase in r.phases and r not in chosen]
        if options:
            chosen.append(min(options, key=preference))
    return chosen
