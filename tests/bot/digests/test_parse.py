"""Reading feed documents, canonical URLs and title keys: tables of cases and properties."""

from __future__ import annotations

import html
import re
import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.digests.parse import (
    ParseError,
    digest,
    near_duplicates,
    parse_in_thread,
    parse_sync,
    title_key,
)
from tests.fakes.feed_server import Post, atom, rss10, rss20

NOW = datetime(2026, 11, 29, 15, 0, tzinfo=UTC)
BASE = "http://feeds.example.org/feed.xml"
DAY = timedelta(days=1)


def _parse(body: bytes, content_type: str = "application/rss+xml") -> list[tuple[str, str]]:
    return [(e.title, e.url) for e in parse_sync(body, content_type, BASE, NOW).entries]


@pytest.mark.parametrize(
    "document",
    [
        rss20(
            [Post("First", "https://a.org/1", "g1", NOW - DAY), Post("Second", "https://a.org/2")]
        ),
        rss10(
            [Post("First", "https://a.org/1", None, NOW - DAY), Post("Second", "https://a.org/2")]
        ),
        atom(
            [Post("First", "https://a.org/1", "g1", NOW - DAY), Post("Second", "https://a.org/2")]
        ),
    ],
    ids=["rss-2.0", "rss-1.0", "atom"],
)
def test_rss_2_rss_1_and_atom_give_the_same_entries(document: bytes) -> None:
    parsed = parse_sync(document, "application/xml", BASE, NOW)
    assert [(e.title, e.url) for e in parsed.entries] == [
        ("First", "https://a.org/1"),
        ("Second", "https://a.org/2"),
    ]
    assert parsed.entries[0].published_at == NOW - DAY
    assert parsed.entries[1].published_at is None
    assert parsed.warning is None


@pytest.mark.parametrize(
    ("body", "content_type", "problem"),
    [
        (b"", "application/rss+xml", "the response was empty"),
        (b"  \n\t ", "application/rss+xml", "the response was empty"),
        (b"<!DOCTYPE html><html><body>Blog</body></html>", "text/html", "web page (HTML)"),
        (b"<!doctype html>\n<html lang=en><p>hi", "application/xml", "web page (HTML)"),
        (b'{"items": []}', "application/json", "not an RSS or Atom feed"),
        (b"\x00\x01garbage", "application/octet-stream", "not an RSS or Atom feed"),
        (b'<?xml version="1.0"?><note><to>x</to></note>', "text/xml", "not an RSS or Atom feed"),
        (
            b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title',
            "application/rss+xml",
            "not well-formed XML",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss version="2.0"></rss>',
            "application/rss+xml",
            "declares XML entities",
        ),
    ],
    ids=["empty", "blank", "html", "html-as-xml", "json", "binary", "other-xml", "broken", "dtd"],
)
def test_documents_that_are_not_feeds_are_errors_not_empty_feeds(
    body: bytes, content_type: str, problem: str
) -> None:
    with pytest.raises(ParseError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        parse_sync(body, content_type, BASE, NOW)


def test_malformed_xml_with_recoverable_entries_is_read_with_a_warning() -> None:
    body = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T & Co</title>'
        b"<item><title>Tools & tricks</title><link>https://a.org/1</link></item></channel></rss>"
    )
    parsed = parse_sync(body, "application/rss+xml", BASE, NOW)
    assert [e.title for e in parsed.entries] == ["Tools & tricks"]
    assert parsed.warning is not None
    assert "not well-formed XML" in parsed.warning


def test_duplicate_guids_keep_the_first_entry() -> None:
    body = rss20(
        [
            Post("Original", "https://a.org/1", "same"),
            Post("Copy", "https://a.org/2", "same"),
            Post("Other", "https://a.org/3", "other"),
        ]
    )
    assert _parse(body) == [("Original", "https://a.org/1"), ("Other", "https://a.org/3")]


def test_entries_without_a_guid_are_told_apart_by_their_link() -> None:
    parsed = parse_sync(
        rss20([Post("A", "https://a.org/1"), Post("B", "https://a.org/2")]), "", BASE, NOW
    )
    assert len({e.uid for e in parsed.entries}) == 2


def test_future_dates_count_as_missing() -> None:
    body = rss20([Post("Later", "https://a.org/1", "g", NOW + 30 * DAY)])
    assert parse_sync(body, "", BASE, NOW).entries[0].published_at is None


@pytest.mark.parametrize(
    ("encoding", "content_type"),
    [("iso-8859-1", "application/rss+xml"), ("windows-1252", "text/xml; charset=windows-1252")],
)
def test_non_utf8_documents_are_decoded(encoding: str, content_type: str) -> None:
    body = rss20([Post("Résumé of naïve Bayes", "https://a.org/1")], "Café", encoding)
    parsed = parse_sync(body, content_type, BASE, NOW)
    assert parsed.title == "Café"
    assert parsed.entries[0].title == "Résumé of naïve Bayes"


def test_undeclared_latin1_bytes_still_give_entries() -> None:
    body = rss20([Post("Caf\xe9 talk", "https://a.org/1")]).replace(b"utf-8", b"utf-8")
    latin = body.decode("utf-8").encode("latin-1")
    assert [e.url for e in parse_sync(latin, "", BASE, NOW).entries] == ["https://a.org/1"]


def test_links_are_resolved_and_unusable_ones_dropped() -> None:
    body = rss20(
        [
            Post("Relative", "/posts/1"),
            Post("Script", "javascript:alert(1)"),
            Post("Mail", "mailto:x@a.org"),
            Post("Fine", "https://a.org/2"),
        ]
    )
    assert _parse(body) == [
        ("Relative", "http://feeds.example.org/posts/1"),
        ("Fine", "https://a.org/2"),
    ]


def test_titles_lose_markup_but_keep_text_even_when_it_looks_like_a_mention() -> None:
    marked_up = rss20([Post("<b>Bold</b> &amp; <i>more</i>", "https://a.org/1")])
    assert _parse(marked_up)[0][0] == "Bold & more"
    # Escaped once more in the XML, so the title's text itself reads <!channel>.
    loud = rss20([Post("&lt;!channel&gt; ping @everyone", "https://a.org/1")])
    assert _parse(loud)[0][0] == "<!channel> ping @everyone"


def test_an_entry_without_a_title_is_named_by_its_link() -> None:
    body = rss20([Post("", "https://a.org/untitled")])
    assert _parse(body) == [("https://a.org/untitled", "https://a.org/untitled")]


async def test_parsing_runs_off_the_event_loop_and_gives_the_same_result() -> None:
    body = rss20([Post("One", "https://a.org/1")])
    assert await parse_in_thread(body, "", BASE, NOW) == parse_sync(body, "", BASE, NOW)


# --- Titles --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Attention Is All You Need", "attention is all you need", True),
        ("GPT-5: what's new?", "GPT 5 — what\u2019s new", True),
        ("GPT-5: what is new?", "gpt 5 what is new", True),
        ("[Blog] Scaling laws for sparse models", "Scaling laws for sparse models", True),
        ("Scaling laws for sparse models", "Scaling laws for dense models", False),
        ("Introducing GPT-5", "Introducing GPT-4", False),
        ("RAG", "rag", True),
        ("RAG", "RAG 2", False),
        ("", "", False),
    ],
)
def test_near_duplicate_titles(a: str, b: str, same: bool) -> None:
    assert near_duplicates(title_key(a), title_key(b)) is same
    assert near_duplicates(title_key(b), title_key(a)) is same


@given(st.text(max_size=60))
def test_title_keys_are_stable_and_case_and_spacing_blind(title: str) -> None:
    key = title_key(title)
    assert title_key(key) == key
    assert title_key(f"  {title.upper()}!! ") == title_key(title.upper())
    assert "  " not in key


@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=60))
def test_ascii_title_keys_are_what_the_word_pattern_gives(title: str) -> None:
    text = unicodedata.normalize("NFKC", html.unescape(title)).casefold()
    assert title_key(title) == re.sub(r"[\W_]+", " ", text).strip()


@given(st.text(min_size=1, max_size=60).filter(lambda t: title_key(t) != ""))
def test_every_title_with_words_is_its_own_near_duplicate(title: str) -> None:
    assert near_duplicates(title_key(title), title_key(title))


def test_relative_guids_and_links_resolve_against_the_feed_address() -> None:
    body = rss20([Post("Relative", "/posts/1", "posts/1"), Post("Tagged", "/posts/2", "tag:a,2:2")])
    first, second = parse_sync(body, "", BASE, NOW).entries
    assert first.uid == digest("http://feeds.example.org/posts/1")
    assert second.uid == digest("tag:a,2:2")


def test_atom_xml_base_is_honoured() -> None:
    body = (
        b'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"'
        b' xml:base="https://blog.example.org/2026/"><title>B</title>'
        b'<entry><title>One</title><id>urn:x:1</id><link href="one.html"/></entry></feed>'
    )
    assert _parse(body) == [("One", "https://blog.example.org/2026/one.html")]


def test_a_link_urllib_cannot_read_drops_the_entry() -> None:
    assert _parse(rss20([Post("Broken", "http://[bad"), Post("Fine", "https://a.org/2")])) == [
        ("Fine", "https://a.org/2")
    ]


def test_entries_carry_the_keys_dedupe_compares() -> None:
    body = rss20([Post("Big &amp; News!", "https://WWW.a.org/p/?utm_source=x")])
    (entry,) = parse_sync(body, "", BASE, NOW).entries
    assert entry.canonical == digest("https://a.org/p")
    assert entry.title_key == "big news"
