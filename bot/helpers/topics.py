"""Linking a blocker's words to the pack's milestones and topics, as ranked suggestions.

Matching is by whole words, never by pattern: the text is cut to
:data:`~bot.helpers.model.MAX_BLOCKER_TEXT` characters, decomposed (NFKD) with its accents
dropped, case-folded, and split into runs of letters and digits by a single pass over the
characters (so no regular expression, and time linear in the bounded text). Each word loses a
plural, an -ing, -ed or -e ending, and then a doubled last consonant (a small fixed stemmer, the
same on both sides).

Each milestone (its title and the words of its id) and each topic (title and id) is a bag of
such words. A word weighs more the fewer entries use it: ``1 + ln((n + 1) / (df + 1))`` for
`n` entries of which `df` use it. An entry scores the weight of its words found in the text,
scaled by ``(1 + coverage) / 2`` (coverage: the share of its weight found), plus half its
weight again when its whole id or title (two words or more) appears in the text word for
word. Entries scoring under :data:`MIN_SHARE` of the rarest word's weight are dropped; the
rest are ranked by score, then milestones before topics, then id, so the same text and pack
always give the same suggestions. Common English words are dropped before and after stemming.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.content.model import ContentPack
from bot.helpers.model import MAX_BLOCKER_TEXT

MAX_WORDS = 200
"""Words of one text that are matched; the rest are ignored."""
MIN_SHARE = 0.4
"""An entry scoring less than this share of the rarest word's weight is not suggested: one
common word in common is not a link."""
_COMMON = """a about after again all also am an and any are as at be been before being but by can
    cannot could did do does doing don for from get getting got had has have having how i if
    in into is it its just me more most my no not now of on once only or other our out over
    own same so some still stuck such than that the their them then there these they this
    those through to too trying under until up very was we were what when where which while
    who why will with would you your first every use using day work make build ve m s t"""
STOPWORDS = frozenset(_COMMON.split())


class Kind(StrEnum):
    MILESTONE = "milestone"
    TOPIC = "topic"


@dataclass(frozen=True, slots=True)
class Suggestion:
    kind: Kind
    id: str
    title: str
    phase: int | None
    score: float
    words: tuple[str, ...]
    """The entry's words found in the text, sorted."""


@dataclass(frozen=True, slots=True)
class _Entry:
    kind: Kind
    id: str
    title: str
    phase: int | None
    terms: frozenset[str]
    phrases: tuple[tuple[str, ...], ...]


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        word = word[:-3] + "y"
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("e") and not word.endswith("ee"):
        return word[:-1]  # reshape -> reshap, as reshaping
    else:
        return word
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "aeiouylsz":
        return word[:-1]  # overfitting -> overfit, embedded -> embed
    return word


def words(text: str, limit: int = MAX_WORDS) -> tuple[str, ...]:
    """The text's words, bounded, accent- and case-insensitive, stemmed, stopwords kept out."""
    folded = unicodedata.normalize("NFKD", text[:MAX_BLOCKER_TEXT]).casefold()
    found: list[str] = []
    current: list[str] = []
    for char in folded[: 2 * MAX_BLOCKER_TEXT]:
        if unicodedata.combining(char):
            continue
        if char.isalnum():
            current.append(char)
            continue
        if current:
            found.append("".join(current))
            current = []
            if len(found) >= limit:
                break
    if current and len(found) < limit:
        found.append("".join(current))
    stems = (_stem(w) for w in found if w not in STOPWORDS)
    return tuple(w for w in stems if w not in STOPWORDS)


def _contains(sequence: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    return size > 0 and any(
        sequence[i : i + size] == phrase for i in range(len(sequence) - size + 1)
    )


PACKS_KEPT = 32

_BY_PACK: dict[int, tuple[ContentPack, Vocabulary]] = {}


class Vocabulary:
    """A pack's milestones and topics, ready to be matched against blocker text."""

    def __init__(self, entries: Iterable[_Entry]) -> None:  # built by `of` or `from_pack`
        self._entries = sorted(entries, key=lambda e: (e.kind != Kind.MILESTONE, e.id))
        counts: dict[str, int] = {}
        for entry in self._entries:
            for term in entry.terms:
                counts[term] = counts.get(term, 0) + 1
        n = len(self._entries)
        self._weight = {t: 1 + math.log((n + 1) / (df + 1)) for t, df in sorted(counts.items())}
        self._min_score = MIN_SHARE * (1 + math.log((n + 1) / 2))
        self._by_term: dict[str, list[int]] = {}
        for number, entry in enumerate(self._entries):
            for term in sorted(entry.terms):
                self._by_term.setdefault(term, []).append(number)

    @classmethod
    def of(
        cls,
        milestones: Iterable[tuple[str, str, int]],
        topics: Iterable[tuple[str, str]] = (),
    ) -> Vocabulary:
        """From (id, title, phase number) milestones and (id, title) topics."""
        entries = [_entry(Kind.MILESTONE, i, title, phase) for i, title, phase in milestones]
        entries += [_entry(Kind.TOPIC, i, title, None) for i, title in topics]
        return cls(entries)

    @classmethod
    def from_pack(cls, pack: ContentPack) -> Vocabulary:
        """The pack's vocabulary, built once per loaded pack (a few milliseconds each time,
        asked for by every report, retro summary and `helper find`); never changed after."""
        known = _BY_PACK.get(id(pack))
        if known is not None and known[0] is pack:
            return known[1]
        vocabulary = cls.of(
            ((m.id, m.title, phase.number) for phase in pack.phases for m in phase.milestones),
            ((t.id, t.title) for t in pack.topics),
        )
        if len(_BY_PACK) >= PACKS_KEPT:
            _BY_PACK.pop(next(iter(_BY_PACK)))
        _BY_PACK[id(pack)] = (pack, vocabulary)  # the pack is kept, so its id stays its own
        return vocabulary

    def suggest(self, text: str, limit: int = 5) -> tuple[Suggestion, ...]:
        """The entries the text is most likely about, best first (at most `limit`)."""
        found = words(text)
        present = frozenset(found)
        candidates = sorted({n for t in present for n in self._by_term.get(t, ())})
        scored: list[Suggestion] = []
        for number in candidates:
            entry = self._entries[number]
            matched = sorted(entry.terms & present)
            total = sum(self._weight[t] for t in sorted(entry.terms))
            weight = sum(self._weight[t] for t in matched)
            score = weight * (1 + weight / total) / 2
            if any(_contains(found, phrase) for phrase in entry.phrases):
                score += total / 2
            score = round(score, 6)
            if score >= self._min_score:
                scored.append(
                    Suggestion(
                        entry.kind, entry.id, entry.title, entry.phase, score, tuple(matched)
                    )
                )
        scored.sort(key=lambda s: (-s.score, s.kind != Kind.MILESTONE, s.id))
        return tuple(scored[:limit])


def _entry(kind: Kind, id_: str, title: str, phase: int | None) -> _Entry:
    id_words = words(id_.replace("-", " "))
    title_words = words(title)
    phrases = tuple(p for p in (id_words, title_words) if len(p) > 1)
    return _Entry(kind, id_, title, phase, frozenset(id_words + title_words), phrases)


@dataclass(frozen=True, slots=True)
class Link:
    """What a blocker is linked to when the member picked nothing: the best milestone (with
    its phase) and up to two topics among the suggestions."""

    milestones: tuple[str, ...]
    topics: tuple[str, ...]
    phase: int | None


def link(suggestions: Iterable[Suggestion]) -> Link:
    ranked = list(suggestions)
    milestone = next((s for s in ranked if s.kind is Kind.MILESTONE), None)
    topics = tuple(s.id for s in ranked if s.kind is Kind.TOPIC)[:2]
    if milestone is None:
        return Link((), topics, None)
    return Link((milestone.id,), topics, milestone.phase)
