"""Hostile documents: entity declarations in every encoding, patterns that backtracked, and
dates read without feedparser's handlers agreeing with it."""

from __future__ import annotations

import asyncio
import codecs
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from feedparser.datetimes import _parse_date
from hypothesis import given
from hypothesis import strategies as st

from bot.digests.documents import parse_date
from bot.digests.parse import ParseError, clean_title, looks_like_html, parse_fast, parse_sync

NOW = datetime(2026, 12, 1, tzinfo=UTC)
BASE = "https://example.org/feed"
LAUGHS = (
    '<?xml version="1.0" encoding="{encoding}"?>\n<!DOCTYPE lolz [\n<!ENTITY lol "lol">\n'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">\n'
        for n in range(1, 10)
    )
    + ']>\n<rss version="2.0"><channel><title>&lol9;</title>'
    "<item><title>&lol9;</title><link>https://a.org/1</link></item></channel></rss>"
)
EXTERNAL = (
    '<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE r [<!ENTITY x SYSTEM '
    '"file:///etc/passwd">]><rss version="2.0"><channel><item><title>&x;</title>'
    "<link>https://a.org/1</link></item></channel></rss>"
)
PARAMETER = (
    '<?xml version="1.0" encoding="{encoding}"?><!DOCTYPE r [<!eNtItY % p SYSTEM '
    '"http://169.254.169.254/">%p;]><rss version="2.0"><channel></channel></rss>'
)
ENCODINGS = [
    ("utf-8", "utf-8", b""),
    ("utf-8", "utf-8", codecs.BOM_UTF8),
    ("utf-16", "utf-16-le", codecs.BOM_UTF16_LE),
    ("utf-16", "utf-16-be", codecs.BOM_UTF16_BE),
    ("utf-16", "utf-16-le", b""),
    ("utf-16", "utf-16-be", b""),
    ("utf-32", "utf-32-le", codecs.BOM_UTF32_LE),
    ("utf-32", "utf-32-be", codecs.BOM_UTF32_BE),
    ("utf-32", "utf-32-le", b""),
    ("utf-32", "utf-32-be", b""),
    ("iso-8859-1", "iso-8859-1", b""),
]


@pytest.mark.parametrize("template", [LAUGHS, EXTERNAL, PARAMETER], ids=["laughs", "file", "pe"])
@pytest.mark.parametrize(
    ("declared", "codec", "bom"),
    ENCODINGS,
    ids=[f"{c}{'-bom' if b else ''}" for _, c, b in ENCODINGS],
)
def test_entity_declarations_are_refused_in_every_encoding(
    template: str, declared: str, codec: str, bom: bytes
) -> None:
    body = bom + template.format(encoding=declared).encode(codec)
    with pytest.raises(ParseError, match="declares XML entities"):
        parse_sync(body, "application/rss+xml", BASE, NOW)


@pytest.mark.parametrize(("declared", "codec", "bom"), ENCODINGS)
def test_the_same_documents_without_entities_are_read_in_every_encoding(
    declared: str, codec: str, bom: bytes
) -> None:
    text = (
        f'<?xml version="1.0" encoding="{declared}"?><rss version="2.0"><channel><title>T</title>'
        "<item><title>Café</title><link>https://a.org/1</link></item></channel></rss>"
    )
    parsed = parse_sync(bom + text.encode(codec), "application/rss+xml", BASE, NOW)
    assert [(e.title, e.url) for e in parsed.entries] == [("Café", "https://a.org/1")]


BACKTRACKERS = [
    "<!---->" * 10_000 + "x",
    "<!-- " * 10_000,
    " " * 100_000 + "<!--",
    "<" * 200_000,
    "<a" * 100_000,
    "<!--" + "-" * 100_000,
]


@pytest.mark.parametrize("text", BACKTRACKERS, ids=range(len(BACKTRACKERS)))
async def test_documents_that_made_patterns_backtrack_are_read_in_linear_time(text: str) -> None:
    # The ReDoS body of the audit was 280 bytes long and would have taken days; these are
    # hundreds of times longer. A generous bound catches exponential or quadratic time.
    body = text.encode()

    def hostile() -> None:
        looks_like_html(text)
        clean_title(text)
        with pytest.raises(ParseError):
            parse_sync(body, "application/rss+xml", BASE, NOW)

    await asyncio.wait_for(asyncio.to_thread(hostile), 20)


def test_a_title_of_four_megabytes_of_angle_brackets_is_cut_not_scanned_whole() -> None:
    assert clean_title("<" * 4_000_000 + "x") == "<" * 300


moments = st.datetimes(
    min_value=datetime(1971, 1, 1),  # noqa: DTZ001 - hypothesis wants naive bounds
    max_value=datetime(2100, 1, 1),  # noqa: DTZ001
    timezones=st.just(UTC),
).map(lambda d: d.replace(microsecond=0))
offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timedelta(minutes=m))


@given(moments, offsets)
def test_the_fast_date_forms_read_as_feedparser_reads_them(
    moment: datetime, offset: timedelta
) -> None:
    local = moment.astimezone(timezone(offset))
    for text in (
        format_datetime(local),
        format_datetime(moment, usegmt=True),
        local.isoformat(),
        moment.isoformat().replace("+00:00", "Z"),
    ):
        expected = _parse_date(text)
        assert expected is not None, text
        assert parse_date(text) == datetime(*expected[:6], tzinfo=UTC), text


def _as_feedparser_reads(text: str) -> datetime | None:
    parsed = _parse_date(text.strip())
    if parsed is None:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


_MONTH_NAMES = ["Jan", "feb", "MAR", "Apr", "mAy", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@given(
    st.sampled_from(["", "Tue, ", "tue, ", "Tue,", "Tuesday, ", "Xyz, "]),
    st.integers(0, 39).map(str) | st.integers(0, 9).map(lambda d: f"0{d}"),
    st.sampled_from([*_MONTH_NAMES, "Foo", "Sept"]),
    st.integers(1969, 2101).map(str),
    st.tuples(st.integers(0, 29), st.integers(0, 69), st.integers(0, 69)).map(
        lambda t: f"{t[0]:02d}:{t[1]:02d}:{t[2]:02d}"
    ),
    st.sampled_from(["+", "-"]).flatmap(
        lambda sign: st.tuples(st.integers(0, 99), st.integers(0, 99)).map(
            lambda hm: f"{sign}{hm[0]:02d}{hm[1]:02d}"
        )
    )
    | st.sampled_from(["+0000", "-0000", "GMT", "UT", "UTC", "EST", "Z"]),
)
def test_rfc822_dates_of_any_case_and_offset_read_as_feedparser_reads_them(
    weekday: str, day: str, month: str, year: str, time: str, zone: str
) -> None:
    text = f"{weekday}{day} {month} {year} {time} {zone}"
    assert parse_date(text) == _as_feedparser_reads(text), text


def test_a_document_with_more_elements_than_feeds_have_is_left_to_the_worker() -> None:
    body = b'<rss version="2.0"><channel><title>x</title>' + b"<a/>" * 250_000 + b"</channel></rss>"
    assert parse_fast(body, "", BASE, NOW) is None  # read by feedparser, in a worker


def test_a_deeply_nested_feed_is_still_read() -> None:
    deep = b"<a>" * 50_000 + b"</a>" * 50_000
    body = (
        b'<rss version="2.0"><channel><title>x</title><item><title>T</title>'
        b"<link>https://a.org/1</link><description>" + deep + b"</description></item>"
        b"</channel></rss>"
    )
    parsed = parse_fast(body, "", BASE, NOW)
    assert parsed is not None
    assert [e.url for e in parsed.entries] == ["https://a.org/1"]
