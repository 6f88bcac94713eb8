"""Reading feed documents, canonical URLs and title keys: tables of cases and properties."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

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
from bot.digests.urls import canonical_url, host_and_port, is_tracking
from bot.digests.urls import join as join_to_base
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


# --- Canonical URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://a.org/post", "https://a.org/post"),
        ("http://a.org/post", "https://a.org/post"),
        ("https://WWW.A.org/post/", "https://a.org/post"),
        ("https://a.org:443/post#comments", "https://a.org/post"),
        ("http://a.org:80/", "https://a.org/"),
        ("https://a.org:8443/post", "https://a.org:8443/post"),
        ("https://user:pw@a.org/post", "https://a.org/post"),
        ("https://a.org/post?utm_source=rss&utm_medium=feed", "https://a.org/post"),
        ("https://a.org/post?b=2&fbclid=x&a=1", "https://a.org/post?a=1&b=2"),
        ("https://a.org/p?id=7&ref=hn&gclid=1&mc_cid=4", "https://a.org/p?id=7"),
        ("https://a.org/Post", "https://a.org/Post"),
        ("ftp://a.org/file", "ftp://a.org/file"),
        ("not a url", "not a url"),
        ("https://[::1/broken", "https://[::1/broken"),
    ],
)
def test_canonical_urls(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


_segment = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_.~", min_size=1, max_size=12)
_host = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=10),
    min_size=2,
    max_size=4,
).map(".".join)
_params = st.lists(
    st.tuples(
        _segment.filter(lambda k: not k.lower().startswith(("utm_", "mc_", "_hs", "hsa_", "pk_"))),
        st.text(max_size=10),
    ),
    max_size=4,
    unique_by=lambda kv: kv[0],
)


@st.composite
def _urls(draw: st.DrawFn) -> tuple[str, str, list[tuple[str, str]]]:
    host = draw(_host)
    path = "/" + "/".join(draw(st.lists(_segment, max_size=4)))
    return host, path, draw(_params)


def _join(host: str, path: str, params: list[tuple[str, str]]) -> str:
    query = f"?{urlencode(params)}" if params else ""
    return f"https://{host}{path}{query}"


@given(st.text(max_size=80))
def test_canonical_urls_are_stable(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


@given(_urls(), st.permutations(range(4)), st.sampled_from(["utm_source", "fbclid", "gclid"]))
def test_canonical_urls_ignore_order_tracking_fragments_case_and_www(
    parts: tuple[str, str, list[tuple[str, str]]], order: list[int], tracker: str
) -> None:
    host, path, params = parts
    shuffled = [params[i] for i in order if i < len(params)]
    noisy = _join(f"WWW.{host.upper()}", path, [*shuffled, (tracker, "x")]) + "#top"
    assert canonical_url(noisy) == canonical_url(_join(host, path, params))


@given(_urls(), _segment)
def test_canonical_urls_keep_different_pages_apart(
    parts: tuple[str, str, list[tuple[str, str]]], extra: str
) -> None:
    host, path, params = parts
    assert canonical_url(_join(host, f"{path}/{extra}", params)) != canonical_url(
        _join(host, path, params)
    )


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


@given(
    st.sampled_from(
        [
            "http://feeds.example.org/feed.xml",
            "https://h.org",
            "https://h.org/a/b/",
            "http://h.org:8080/a/../b/c?q=1#f",
            "https://h.org/a;p/b",
            "ftp://h.org/a",
            "http://[::1]:80/x/y",
        ]
    ),
    st.text(alphabet="abcXYZ019._~!$&'()*+,=@-;:/?#% ", min_size=1, max_size=12),
)
def test_joining_a_plain_name_gives_what_urljoin_gives(base: str, reference: str) -> None:
    assert join_to_base(base, reference) == urljoin(base, reference)


@given(
    st.text(alphabet="aB.:@[]%0129-x/", max_size=20).map(lambda netloc: f"http://{netloc}/p")
    | st.text(max_size=30)
)
def test_hosts_and_ports_read_as_urllib_reads_them(url: str) -> None:
    try:
        parts = urlsplit(url)
        expected: object = (parts.hostname, parts.port)
    except ValueError:
        expected = ValueError
    try:
        got: object = host_and_port(urlsplit(url))
    except ValueError:
        got = ValueError
    assert got == expected


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["utm_source", "UTM_medium", "fbclid", "ref", "id", "page", "a%20b"]),
            st.text(alphabet="ab=&%+;", max_size=4),
        ),
        max_size=4,
    ).map(lambda params: "https://a.org/p?" + "&".join(f"{k}={v}" for k, v in params))
)
def test_queries_of_tracking_parameters_only_reduce_as_parse_qsl_reads_them(url: str) -> None:
    query = urlsplit(url).query
    kept = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not is_tracking(k)]
    assert canonical_url(url) == "https://a.org/p" + (f"?{urlencode(sorted(kept))}" if kept else "")
