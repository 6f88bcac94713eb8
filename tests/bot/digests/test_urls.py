"""URLs of feed entries: canonical forms (tables and properties) and the shortcuts that must
give what urllib gives."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.digests.urls import canonical_url, host_and_port, is_tracking, split
from bot.digests.urls import join as join_to_base


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


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example.org/story?utm_source=rss#top",
        "HTTP://A.org:8080",
        "http://a.org:/p?q?r#f?g",
        "http://a.org#f",
        "http:///p",
        "http://a_b.org/p",
        "http://user@a.org/p",
        "http://[::1]/p",
        "http://a.org/p\tq",
        "http://a.org/é?x=ü",
    ],
)
def test_addresses_split_as_urlsplit_splits_them(url: str) -> None:
    assert split(url) == urlsplit(url)


@given(
    st.sampled_from(["http://", "HTTPS://", "hTtp://", "https:", "ftp://", ""]),
    st.text(alphabet="aZ09.-_:/?#@[]% \t\r\n\x01é", max_size=30),
)
def test_any_address_splits_as_urlsplit_splits_it(prefix: str, rest: str) -> None:
    url = (prefix + rest).strip()
    try:
        expected: object = urlsplit(url)
    except ValueError:
        expected = ValueError
    try:
        got: object = split(url)
    except ValueError:
        got = ValueError
    assert got == expected


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


def _canonical_by_urllib(url: str) -> str:
    """canonical_url as urllib alone computes it: what the shortcuts must give."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        hostname, port = parts.hostname, parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not hostname:
        return text
    host = hostname.rstrip(".").removeprefix("www.")
    if port is not None and port != {"http": 80, "https": 443}[scheme]:
        host = f"{host}:{port}"
    path = parts.path.rstrip("/") or "/"
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    query = sorted((k, v) for k, v in pairs if not is_tracking(k))
    return urlunsplit(("https", host, path, urlencode(query), ""))


@given(
    st.sampled_from(["http://", "HTTPS://", "https://www.", "http:", "ftp://", "//", ""]),
    st.text(alphabet="aZ09.-_~:/?#;=&@[]%+ \t\né", max_size=40)
    | st.sampled_from(
        ["a.org/p?utm_source=rss", "a.org:443//x//?b=2&a=1&ref=x", "A.org./", ".//0"]
    ),
)
def test_canonical_urls_are_what_urllib_alone_gives(prefix: str, rest: str) -> None:
    url = prefix + rest
    assert canonical_url(url) == _canonical_by_urllib(url)
