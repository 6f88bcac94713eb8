"""A digest as the core builds it, before it is worded: sections of items and the readings."""

from __future__ import annotations

from dataclasses import dataclass

from bot.content.model import Reading


@dataclass(frozen=True, slots=True)
class Item:
    title: str  # as the feed wrote it: untrusted, escaped when worded
    url: str
    source: str  # the feed's title: untrusted too


@dataclass(frozen=True, slots=True)
class Section:
    topic: str  # a topic id, or "" for the closing "also new" section
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Digest:
    sections: tuple[Section, ...]
    readings: tuple[Reading, ...]
    focus: tuple[str, ...]  # titles of the focus topics
    feeds: int  # feeds the community follows

    @property
    def count(self) -> int:
        return sum(len(s.items) for s in self.sections)
