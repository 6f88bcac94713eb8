"""Fidelity of the fast reader on a corpus of real-world feed shapes (tests/bot/digests/corpus):
every field the digest uses matches what feedparser gives for the same bytes, except where
the table below says the fast reader does better and why."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.digests.parse import (
    FAST,
    LENIENT,
    ParsedFeed,
    ParseError,
    clean_title,
    entries_of,
    parse_sync,
    read_leniently,
)

CORPUS = Path(__file__).parent / "corpus"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
BASE = "https://example.org/feeds/main.xml"
FILES = sorted(p.name for p in CORPUS.iterdir())

BETTER = {
    # feedparser does not read JSON Feed at all: the old parser called it "not a feed".
    "jsonfeed11.json": ["https://json.example.org/2", "https://elsewhere.example.org/1"],
}
"""Documents where the fast reader does better than feedparser: the links it reads."""
LENIENT_ONLY = {"rss20_html_entities.xml", "rss20_truncated.xml", "rss20_unescaped_amp.xml"}
"""Documents that are not well-formed XML: feedparser's lenient parser reads them."""


def feedparser_alone(body: bytes) -> ParsedFeed | None:
    """What feedparser alone made of the bytes, as the digests read it before the fast
    reader; None when it found no feed."""
    document, problem = read_leniently(body, "")
    if document is None:
        return None
    entries = entries_of(document, BASE, NOW)
    return ParsedFeed(clean_title(document.title)[:200], tuple(entries), problem or None)


@pytest.mark.parametrize("name", FILES)
def test_every_field_the_digest_uses_matches_feedparser(name: str) -> None:
    body = (CORPUS / name).read_bytes()
    parsed = parse_sync(body, "", BASE, NOW)
    assert parsed.entries, "every corpus document has entries"
    assert parsed.reader == (LENIENT if name in LENIENT_ONLY else FAST)
    if name in BETTER:
        assert feedparser_alone(body) is None
        assert [e.url for e in parsed.entries] == BETTER[name]
        return
    reference = feedparser_alone(body)
    assert reference is not None
    assert parsed.title == reference.title
    assert parsed.entries == reference.entries  # uid, url, title, date, canonical, title key
    assert (parsed.warning is None) == (reference.warning is None)


def test_the_corpus_covers_the_shapes_feeds_come_in() -> None:
    shapes = ["rss090", "rss091", "rss092", "rss10", "rss20", "atom03", "atom10", "jsonfeed"]
    shapes += ["namespaces", "html_titles", "html_entities", "latin1_declared_utf8", "bom"]
    shapes += ["utf16", "utf32", "broken_dates", "relative_links", "truncated", "unescaped"]
    for shape in shapes:
        assert any(shape in name for name in FILES), shape


def test_html_in_titles_is_text_and_entities_are_decoded() -> None:
    parsed = parse_sync((CORPUS / "rss20_html_titles.xml").read_bytes(), "", BASE, NOW)
    assert [e.title for e in parsed.entries] == [
        "Bold claims about torch.compile",
        "Tom & Jerry explain transformers",
        "AT&T releases a model",
        '5 < 6 and 7 > 3: the maths of "scaling"',
        "Spaced out title",
        "@everyone look <@123> [click](https://evil.example/)",
        "Café 😀 © 2026",
    ]


@pytest.mark.parametrize(
    "name", ["rss20_latin1_declared_utf8.xml", "rss20_utf8_declared_latin1.xml"]
)
def test_a_wrongly_declared_encoding_still_reads_right(name: str) -> None:
    parsed = parse_sync((CORPUS / name).read_bytes(), "", BASE, NOW)
    assert parsed.entries[0].title == "Café à la carte"


def test_a_json_feed_that_is_not_one_is_still_refused() -> None:
    with pytest.raises(ParseError, match="not an RSS or Atom feed"):
        parse_sync(b'{"version": "1", "items": [{"url": "https://a.org/"}]}', "", BASE, NOW)
