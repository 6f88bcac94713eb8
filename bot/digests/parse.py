"""Feed documents into entries (feedparser, from bytes, in a thread), canonical URLs and title
keys for spotting the same story twice.

A document that is empty, an HTML page, declares XML entities or is not RSS or Atom at all is
a :class:`ParseError`, never an empty feed. A document that is not well-formed XML but from
which feedparser's lenient parser still recovered entries is accepted with a warning: real
feeds carry the odd unescaped ``&``, and dropping them whole would punish readers for it.
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
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import feedparser

MAX_ENTRIES = 300
"""Entries kept from one document, newest first as feeds list them; the rest are archive."""
MAX_TITLE = 300
MAX_URL = 1000

# Query parameters that say where a click came from, not what the page is.
_TRACKING_PREFIXES = ("utm_", "mc_", "_hs", "hsa_", "pk_", "mtm_", "oly_")
_TRACKING_NAMES = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "igshid",
        "mkt_tok",
        "ref",
        "ref_src",
        "ref_url",
        "spm",
        "cmpid",
        "s_cid",
        "ncid",
        "vero_id",
        "_ga",
    }
)
_DEFAULT_PORTS = {"http": 80, "https": 443}
_WEB = ("http", "https")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_TAG = re.compile(r"<[^>]{0,500}>")
_NOT_WORD = re.compile(r"[\W_]+")
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html[\s>])", re.I | re.S)
_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.I)
_BENIGN = ("CharacterEncodingOverride", "NonXMLContentType")


class ParseError(Exception):
    """The document is not a feed; the message says why, for the organizer."""


@dataclass(frozen=True, slots=True)
class Entry:
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


Parse = Callable[[bytes, str, str, datetime], Awaitable[ParsedFeed]]
"""What parses a fetched document off the event loop: body, content type, the URL it came
from, now. :func:`parse_in_thread`, or :class:`bot.digests.workers.ParseWorkers`."""


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The URL reduced to what identifies the page: https, a lower-case host without `www.`
    or a default port, no trailing slash, no fragment, no credentials, no tracking
    parameters, the remaining parameters sorted. Two links to the same story from two feeds
    usually agree once reduced; the result is for comparing, not for showing."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return text
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return text
    host = parts.hostname.rstrip(".").removeprefix("www.")
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = parts.path.rstrip("/") or "/"
    query = sorted(
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking(k)
    )
    return urlunsplit(("https", host, path, urlencode(query), ""))


def title_key(title: str) -> str:
    """The title as words only: entities decoded, Unicode-normalized, case-folded, with
    punctuation and spacing reduced to single spaces."""
    text = unicodedata.normalize("NFKC", html.unescape(title)).casefold()
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
    text = html.unescape(_TAG.sub(" ", raw))
    return " ".join(text.split())[:MAX_TITLE]


async def parse_in_thread(
    body: bytes, content_type: str, base_url: str, now: datetime
) -> ParsedFeed:
    """Parse a fetched document in a thread, off the event loop; raises :class:`ParseError`."""
    return await asyncio.to_thread(parse_sync, body, content_type, base_url, now)


def parse_sync(body: bytes, content_type: str, base_url: str, now: datetime) -> ParsedFeed:
    if not body.strip():
        raise ParseError("the response was empty")
    if _ENTITY_DECLARATION.search(body):
        raise ParseError("the document declares XML entities, which feeds never need")
    looks_html = "html" in content_type.lower() or _HTML_START.match(body[:4096]) is not None
    # A stream, never bytes: feedparser treats a bare string as a URL or a file name to open.
    # No base URL: with one, feedparser joins every element's value to it, a third of its
    # time; _entries joins the two values that need it.
    result: Any = feedparser.parse(
        io.BytesIO(body),
        response_headers={"content-type": content_type},
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    version = result.get("version") or ""
    problem = result.get("bozo_exception") if result.get("bozo") else None
    if not version:
        if looks_html:
            raise ParseError("this is a web page (HTML), not an RSS or Atom feed")
        detail = f" ({_describe(problem)})" if problem is not None else ""
        raise ParseError(f"this is not an RSS or Atom feed{detail}")
    entries = _entries(result.get("entries") or [], base_url, now)
    warning = None
    if problem is not None and type(problem).__name__ not in _BENIGN:
        if not entries:
            raise ParseError(f"the feed is not well-formed XML: {_describe(problem)}")
        warning = f"not well-formed XML ({_describe(problem)}); read what could be recovered"
    title = clean_title(str(result.get("feed", {}).get("title") or ""))
    return ParsedFeed(title[:200], tuple(entries), warning)


def _describe(problem: object) -> str:
    text = " ".join(str(problem).split())
    return text.removeprefix("<unknown>:")[:160]


def _entries(raw_entries: list[Any], base_url: str, now: datetime) -> list[Entry]:
    seen: set[str] = set()
    entries: list[Entry] = []
    for raw in raw_entries[:MAX_ENTRIES]:
        url = _link(raw, base_url)
        if url is None:
            continue
        title = clean_title(str(raw.get("title") or "")) or url[:MAX_TITLE]
        guid = str(raw.get("id") or "").strip()
        guid = (_join(base_url, guid) if guid else "") or url
        uid = digest(guid)
        if uid in seen:  # a duplicate GUID: the first one is the entry, the rest are noise
            continue
        seen.add(uid)
        entries.append(
            Entry(
                uid,
                url,
                title,
                _published(raw, now),
                canonical=digest(canonical_url(url)),
                title_key=title_key(title),
            )
        )
    return entries


def _join(base_url: str, reference: str) -> str:
    """`reference` made absolute against the feed's address, as feed readers read it; ""
    when it cannot be."""
    scheme = _SCHEME.match(reference)
    if scheme and (reference.startswith("//", scheme.end()) or scheme[1].lower() not in _WEB):
        return reference  # already absolute, nearly always: urljoin would return it as it is
    try:
        return urljoin(base_url, reference)
    except ValueError:
        return ""


def _link(raw: Any, base_url: str) -> str | None:
    candidates = [raw.get("link")]
    guid = raw.get("id")
    if raw.get("guidislink") or (isinstance(guid, str) and guid.startswith("http")):
        candidates.append(guid)
    for candidate in candidates:
        if not isinstance(candidate, str) or not candidate.strip():
            continue
        url = _join(base_url, candidate.strip())
        try:
            scheme = urlsplit(url).scheme
        except ValueError:  # such as "http://[x"
            continue
        if scheme in _WEB and len(url) <= MAX_URL:
            return url
    return None


def _published(raw: Any, now: datetime) -> datetime | None:
    """When the entry says it was published; None when it does not say, or says a time in
    the future (a wrong clock or time zone on the publisher's side)."""
    for name in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = raw.get(name)
        if parsed is None:
            continue
        try:
            moment = datetime.fromtimestamp(calendar.timegm(parsed), UTC)
        except (OverflowError, ValueError, OSError):
            continue
        return moment if moment <= now else None
    return None
