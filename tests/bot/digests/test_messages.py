"""Wording the digest: splitting into messages that fit, one-message views, inert feed text."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.content.limits import fits
from bot.digests import messages
from bot.digests.model import Digest, Item, Section
from bot.markdown import Kind, tokenize

WEEK = "2026-W49"


def _items(count: int, title_length: int, prefix: str = "item") -> tuple[Item, ...]:
    return tuple(
        Item(f"{prefix} {n} " + "w" * title_length, f"https://a.org/{prefix}/{n}", f"Feed {n}")
        for n in range(count)
    )


def _digest(*sections: Section) -> Digest:
    return Digest(tuple(sections), (), ("Large language models",), 3)


def test_a_small_digest_is_one_message() -> None:
    (post,) = messages.posts(_digest(Section("llms", "LLMs", _items(3, 10))), WEEK, late=False)
    assert post.title == "Reading digest · week 49, 2026"
    assert "**3 new reads** from the 3 feeds this community follows, leaning towards" in post.body
    assert not post.private


def test_a_section_too_long_for_one_message_continues_in_the_next() -> None:
    digest = _digest(Section("rag", "RAG", _items(16, 190)), Section("", "", _items(2, 5, "x")))
    parts = messages.posts(digest, WEEK, late=True)
    assert len(parts) > 1
    assert all(fits(p) == [] for p in parts)
    together = "\n".join(p.body for p in parts)
    assert [n for n in range(16) if f"https://a.org/item/{n})" in together] == list(range(16))
    assert together.count("**RAG**\n") == 1
    assert together.count("**RAG** *continued*\n") == 1
    assert "**Also new**" in together
    assert parts[-1].body.endswith("*Posted late: Cohort was offline at the scheduled time.*")


def test_a_view_shows_what_fits_and_says_how_many_more() -> None:
    digest = _digest(Section("rag", "RAG", _items(12, 250)))
    view = messages.latest(digest, WEEK, datetime(2026, 12, 4, 15, tzinfo=UTC), "UTC")
    assert fits(view) == []
    assert "**12 new reads**" in view.body
    assert "more in the posted digest" in view.body


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.text(max_size=300), st.text(max_size=120)), min_size=1, max_size=12))
def test_any_feed_text_stays_inert_and_every_part_fits(titles: list[tuple[str, str]]) -> None:
    items = tuple(
        Item(title, f"https://a.org/{n}", source) for n, (title, source) in enumerate(titles)
    )
    parts = messages.posts(_digest(Section("", "", items)), WEEK, late=False)
    for part in parts:
        assert fits(part) == []
        for line in part.body.split("\n"):
            if line.startswith("- "):
                kinds = [t.kind for t in tokenize(line)]
                assert Kind.LINK in kinds
                assert set(kinds) <= {Kind.TEXT, Kind.LINK, Kind.ITALIC}
                assert kinds.count(Kind.ITALIC) in (0, 2)
    links = [t.url for p in parts for line in p.body.split("\n") for t in tokenize(line)]
    assert sorted(u for u in links if u) == sorted(f"https://a.org/{n}" for n in range(len(titles)))


@pytest.mark.parametrize(
    ("title", "shown"),
    [
        ("@everyone look", "@everyone look"),
        ("<!channel> now", "\\<!channel\\> now"),
        ("**bold** [x](https://evil.org)", "\\*\\*bold\\*\\* \\[x\\]\\(https://evil.org\\)"),
        ("`code` <@123>", "\\`code\\` \\<@123\\>"),
    ],
)
def test_feed_titles_are_escaped(title: str, shown: str) -> None:
    (post,) = messages.posts(
        _digest(Section("", "", (Item(title, "https://a.org/1", "Src"),))), WEEK, late=False
    )
    assert f"[{shown}](https://a.org/1)" in post.body
