"""Feed documents into entries, canonical URLs and title keys for spotting the same story
twice.

A document is decoded and checked once (:mod:`bot.digests.documents`), then read by the fast
reader when it is well-formed RSS, Atom or JSON Feed, else by feedparser's lenient parser.
A document that is empty, an HTML page, declares XML entities or is not a feed at all is a
:class:`ParseError`, never an empty feed. A document that is not well-formed XML but from
which feedparser still recovered entries is accepted with a warning: real feeds carry the odd
unescaped ``&``, and dropping them whole would punish readers for it. Every pattern here is
linear in its input, so no document can make a parse take more than a few passes over it.
"""

from __future__ import annotations

import asyncio
import calendar
import hashlib
import html
import io
import re
import unicodedata
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlsplit

import feedparser

from bot.digests.documents import (
    MAX_ENTRIES,
    Document,
    DocumentError,
    RawEntry,
    decode,
    read_fast,
)
from bot.digests.urls import MAX_URL, SCHEME, WEB, canonical_url, join

MAX_TITLE = 300
PARSE_DEADLINE = 10.0
"""Seconds one document may take to parse; a well-formed feed of 4 MB takes well under one."""

# A tag starts with a letter, "/", "!" or "?" (so "5 < 6" stays text) and stops at the next "<":
# each character is read twice at most.
_TAG = re.compile(r"<[A-Za-z/!?][^<>]*>")
_NOT_WORD = re.compile(r"[\W_]+")
_ASCII_WORDS = bytes(
    ord(chr(b).lower()) if chr(b).isalnum() else ord(" ") if b < 128 else b for b in range(256)
)
_BENIGN = ("CharacterEncodingOverride", "NonXMLContentType")
_RAW_TITLE = 20_000  # characters of a title read at all; 300 are kept
FAST = "ElementTree/expat"
LENIENT = "feedparser"


_Result = TypeVar("_Result")


class ParseError(Exception):
    """The document is not a feed; the message says why, for the organizer."""


class Entry(NamedTuple):
    """An entry as the digest keeps it. A named tuple: a first check builds 5,000 of them in
    the parse workers and again in the bot, and a frozen dataclass took three times as long."""

    uid: str  # sha256 of the guid, or of the link when there is none
    url: str
    title: str
    published_at: datetime | None
    canonical: str  # sha256 of the canonical URL
    title_key: str


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    entries: tuple[Entry, ...]
    warning: str | None = None  # set when the document was repaired to read it
    reader: str = ""  # FAST or LENIENT: which parser read the document


Parse = Callable[[bytes, str, str, datetime], Awaitable[ParsedFeed]]
"""What parses a fetched document off the event loop: body, content type, the URL it came
from, now. :func:`parse_in_thread`, or :class:`bot.digests.workers.ParseWorkers`."""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def title_key(title: str) -> str:
    """The title as words only: entities decoded, Unicode-normalized, case-folded, with
    punctuation and spacing reduced to single spaces."""
    text = html.unescape(title) if "&" in title else title
    if text.isascii():
        # What the pattern below gives for ASCII, a third of its time: letters and digits
        # lower-cased, everything else a space, runs of spaces one (a property test).
        return " ".join(text.encode().translate(_ASCII_WORDS).decode().split())[:MAX_TITLE]
    text = unicodedata.normalize("NFKC", text).casefold()
    return _NOT_WORD.sub(" ", text).strip()[:MAX_TITLE]


def near_duplicates(key_a: str, key_b: str) -> bool:
    """Whether two title keys name the same story: equal, or, for titles of four words or
    more, sharing at least 80% of their words (a source prefix, a changed word)."""
    if key_a == key_b:
        return bool(key_a)
    words_a, words_b = set(key_a.split()), set(key_b.split())
    if min(len(words_a), len(words_b)) < 4:
        return False
    return len(words_a & words_b) / len(words_a | words_b) >= 0.8


def clean_title(raw: str) -> str:
    """A feed title as plain text on one line: markup dropped, entities decoded."""
    text = raw[:_RAW_TITLE]
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "&" in text:
        text = html.unescape(text)
    return " ".join(text.split())[:MAX_TITLE]


def looks_like_html(text: str) -> bool:
    """Whether a document starts as an HTML page does, after any comments. A loop over
    `str.find` rather than a pattern with nested repetition, which backtracks exponentially
    on a run of empty comments."""
    position = 0
    limit = min(len(text), 4096)
    while True:
        while position < limit and text[position].isspace():
            position += 1
        if not text.startswith("<!--", position):
            break
        end = text.find("-->", position + 4, limit)
        if end < 0:
            return False
        position = end + 3
    head = text[position : position + 20].lower()
    if head.startswith("<!doctype"):
        return head[9:].lstrip().startswith("html")
    return head.startswith("<html") and (head[5:6].isspace() or head[5:6] == ">")


async def parse_in_thread(
    body: bytes, content_type: str, base_url: str, now: datetime
) -> ParsedFeed:
    """Parse a fetched document in a thread, off the event loop; raises :class:`ParseError`,
    also when the parse takes longer than PARSE_DEADLINE. A thread cannot be stopped, so that
    parse runs on to its end in the background (every pattern being linear and bodies capped,
    that end comes); :class:`bot.digests.workers.ParseWorkers` kills feedparser's instead."""
    return await in_thread(parse_sync, body, content_type, base_url, now)


async def in_thread(
    parse: Callable[[bytes, str, str, datetime], _Result],
    body: bytes,
    content_type: str,
    base_url: str,
    now: datetime,
) -> _Result:
    """`parse` in a thread within PARSE_DEADLINE (ParseError after it)."""
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(PARSE_DEADLINE):
            return await loop.run_in_executor(None, parse, body, content_type, base_url, now)
    except TimeoutError:
        raise ParseError(f"parsing took longer than {PARSE_DEADLINE:g} s") from None


def parse_sync(body: bytes, content_type: str, base_url: str, now: datetime) -> ParsedFeed:
    """Read a document: with the fast reader when it is well-formed, else with feedparser."""
    return parse_fast(body, content_type, base_url, now) or parse_leniently(
        body, content_type, base_url, now
    )


def _text(body: bytes, content_type: str) -> tuple[str, bool]:
    """The checked text of a document and whether it looks like an HTML page."""
    if not body.strip():
        raise ParseError("the response was empty")
    try:
        text = decode(body, content_type)
    except DocumentError as error:
        raise ParseError(str(error)) from None
    return text, "html" in content_type.lower() or looks_like_html(text)


def parse_fast(body: bytes, content_type: str, base_url: str, now: datetime) -> ParsedFeed | None:
    """The feed in a well-formed document, read in time linear in its size; None when only
    feedparser's lenient parser can tell what the document is."""
    text, looks_html = _text(body, content_type)
    document = None if looks_html else read_fast(text)
    if document is None:
        return None
    entries = entries_of(document, base_url, now)
    return ParsedFeed(clean_title(document.title)[:200], tuple(entries), None, FAST)


def parse_leniently(body: bytes, content_type: str, base_url: str, now: datetime) -> ParsedFeed:
    """Read a document with feedparser, which repairs what it can."""
    text, looks_html = _text(body, content_type)
    # Decoded and checked text only, declared as what it now is.
    utf8 = b'<?xml version="1.0" encoding="utf-8"?>' + text.encode("utf-8", "replace")
    document, problem = read_leniently(utf8, "application/xml; charset=utf-8")
    if document is None:
        if looks_html:
            raise ParseError("this is a web page (HTML), not an RSS or Atom feed")
        detail = f" ({problem})" if problem else ""
        raise ParseError(f"this is not an RSS or Atom feed{detail}")
    entries = entries_of(document, base_url, now)
    warning = None
    if problem:
        if not entries:
            raise ParseError(f"the feed is not well-formed XML: {problem}")
        warning = f"not well-formed XML ({problem}); read what could be recovered"
    return ParsedFeed(clean_title(document.title)[:200], tuple(entries), warning, LENIENT)


def read_leniently(data: bytes, content_type: str) -> tuple[Document | None, str]:
    """The feed feedparser finds in `data` (None when it finds none) and the problem its
    lenient parser had to repair, if any."""
    # A stream, never bytes: feedparser treats a bare string as a URL or a file name to open.
    # No base URL: with one, feedparser joins every element's value to it, a third of its
    # time; entries_of joins the two values that need it.
    result: Any = feedparser.parse(
        io.BytesIO(data),
        response_headers={"content-type": content_type},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    version = str(result.get("version") or "")
    bozo = result.get("bozo_exception") if result.get("bozo") else None
    problem = "" if bozo is None or type(bozo).__name__ in _BENIGN else _describe(bozo)
    if not version:
        return None, problem
    entries = [
        RawEntry(
            str(raw.get("title") or ""),
            raw.get("link") if isinstance(raw.get("link"), str) else None,
            str(raw.get("id")) if raw.get("id") else None,
            bool(raw.get("guidislink")),
            _published(raw),
        )
        for raw in result.get("entries") or []
    ]
    return Document(version, str(result.get("feed", {}).get("title") or ""), entries), problem


def _describe(problem: object) -> str:
    text = " ".join(str(problem).split())
    return text.removeprefix("<unknown>:")[:160]


def entries_of(document: Document, base_url: str, now: datetime) -> list[Entry]:
    """The entries the digest keeps from a document: with a usable link, one per GUID."""
    seen: set[str] = set()
    entries: list[Entry] = []
    for raw in document.entries[:MAX_ENTRIES]:
        url = _link(raw, base_url)
        if url is None:
            continue
        title = clean_title(raw.title) or url[:MAX_TITLE]
        guid = (raw.guid or "").strip()
        guid = (join(base_url, guid) if guid else "") or url
        uid = digest(guid)
        if uid in seen:  # a duplicate GUID: the first one is the entry, the rest are noise
            continue
        seen.add(uid)
        published = raw.published if raw.published is None or raw.published <= now else None
        entries.append(
            Entry(uid, url, title, published, digest(canonical_url(url)), title_key(title))
        )
    return entries


def _link(raw: RawEntry, base_url: str) -> str | None:
    candidates = [raw.link]
    if raw.guid_is_link or (raw.guid or "").startswith("http"):
        candidates.append(raw.guid)
    for candidate in candidates:
        if not candidate or not candidate.strip():
            continue
        url = join(base_url, candidate.strip())
        scheme = SCHEME.match(url)
        if not scheme or scheme[1].lower() not in WEB or len(url) > MAX_URL:
            continue
        if not url.isascii() or "[" in url:
            try:
                urlsplit(url)  # refuses such as "http://[x"
            except ValueError:
                continue
        return url
    return None


def _published(raw: Any) -> datetime | None:
    """When feedparser says an entry was published (or updated, or created), in UTC."""
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = dict.get(raw, name)  # not raw.get: feedparser warns when it maps names
        if parsed is None:
            continue
        try:
            return datetime.fromtimestamp(calendar.timegm(parsed), UTC)
        except (OverflowError, ValueError, OSError):
            continue
    return None
