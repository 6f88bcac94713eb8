"""Feed documents as text, and the fast reading of well-formed ones.

:func:`decode` turns the bytes into text once, whatever their encoding (a byte order mark,
UTF-16 or UTF-32 without one, the declared encoding, the HTTP charset), and refuses entity
declarations in that text: every parser then reads exactly the text that was checked, so no
encoding can hide a billion-laughs document. :func:`read_fast` reads RSS 0.9x/1.0/2.0, Atom
0.3/1.0 and JSON Feed with the C parsers of the standard library (expat through ElementTree,
json); it returns None for anything it does not recognise as well-formed, which the caller
then hands to feedparser's lenient parser. Every pattern here is linear in its input.
"""

from __future__ import annotations

import codecs
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from itertools import islice
from typing import Any, NamedTuple
from urllib.parse import urljoin

from feedparser.datetimes import _parse_date as feedparser_date

MAX_ENTRIES = 300
"""Entries read from one document, newest first as feeds list them; the rest are archive."""


class DocumentError(Exception):
    """The document is refused before any parser reads it; the message says why."""


class RawEntry(NamedTuple):
    """An entry as a document gives it, before Cohort's checks: what the digest uses. A named
    tuple, as :class:`bot.digests.parse.Entry` is: a frozen dataclass takes longer to build."""

    title: str
    link: str | None
    guid: str | None
    guid_is_link: bool
    published: datetime | None  # the first date that reads, in feedparser's order


@dataclass(frozen=True, slots=True)
class Document:
    kind: str  # "rss", "rdf", "atom", "json", or feedparser's version name
    title: str
    entries: list[RawEntry]


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# How `<?` or `<` starts in encodings that a document without a BOM may still use.
_SNIFFED = (
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00<\x00?", "utf-16-be"),
    (b"<\x00?\x00", "utf-16-le"),
)
_DECLARED = re.compile(rb"<\?xml[^>]{0,200}?encoding\s{0,20}=\s{0,20}[\"']([A-Za-z0-9._:-]{1,40})")
_CHARSET = re.compile(r"charset\s{0,20}=\s{0,20}[\"']?([A-Za-z0-9._:-]{1,40})", re.I)
_DECLARATION = re.compile(r"\s{0,4096}<\?xml[^>]{0,300}>")
_ENTITY = re.compile(r"<!ENTITY", re.I)


def _encoding(body: bytes, content_type: str) -> tuple[str, int]:
    """The encoding to read `body` with, and how many bytes of BOM to skip."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, len(bom)
    for start, name in _SNIFFED:
        if body.startswith(start):
            return name, 0
    candidates = []
    if declared := _DECLARED.match(body, 0, 300):
        candidates.append(declared[1].decode("ascii"))
    if charset := _CHARSET.search(content_type[:200]):
        candidates.append(charset[1])
    # Text that is valid UTF-8 and not plain ASCII is UTF-8 whatever it declares: a
    # single-byte encoding almost never gives valid UTF-8 by chance, and servers that
    # declare ISO-8859-1 for UTF-8 text are common.
    for name in ("utf-8", *candidates):
        try:
            if codecs.lookup(name).name.startswith(("utf-16", "utf-32")):
                continue  # declared so but not sniffed as such: it is not
            body.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
        return name, 0
    return "windows-1252", 0


def decode(body: bytes, content_type: str) -> str:
    """The document as text without its XML declaration; DocumentError when it declares
    entities (feeds never need them, and they are how billion-laughs documents work)."""
    name, skip = _encoding(body, content_type)
    text = body[skip:].decode(name, errors="replace")
    if _ENTITY.search(text):
        raise DocumentError("the document declares XML entities, which feeds never need")
    if declaration := _DECLARATION.match(text):
        text = text[declaration.end() :]
    return text.lstrip("\ufeff")


# -- dates -------------------------------------------------------------------------------------

# A day name is one feedparser knows, followed by ", " (it reads "Tue,24" and "Xyz, 24" as
# no date at all).
_RFC822 = re.compile(
    r"(?:(?i:mon|tue|wed|thu|fri|sat|sun), )?"
    r"(\d{1,2}) ([A-Za-z]{3}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) (?:([+-])(\d{2})(\d{2})|GMT|UTC?)"
)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:Z|[+-]\d{2}:\d{2})")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_MONTHS.update({name.title(): number for name, number in _MONTHS.items()})  # as feeds write them


@cache
def _offset(sign: str, hours: str, minutes: str) -> timedelta:
    """What to add to a local time with this zone offset to get UTC."""
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    return -offset if sign == "+" else offset


def _rfc822(match: re.Match[str]) -> datetime | None:
    day, month_name, year, hour, minute, second, sign, off_h, off_m = match.groups()
    month = _MONTHS.get(month_name) or _MONTHS.get(month_name.lower())
    if month is None:
        return None
    moment = datetime(int(year), month, int(day), int(hour), int(minute), int(second), tzinfo=UTC)
    if sign and (off_h != "00" or off_m != "00"):  # "+0000" and "-0000" are UTC already
        moment += _offset(sign, off_h, off_m)
    return moment


def parse_date(text: str) -> datetime | None:
    """A date as feedparser reads it, in UTC; the two commonest forms without feedparser's
    slower chain of handlers (a property test holds them to the same answers)."""
    text = text.strip()
    try:
        if rfc822 := _RFC822.fullmatch(text):
            if (moment := _rfc822(rfc822)) is not None:
                return moment
        elif _ISO.fullmatch(text):
            return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)
    except (ValueError, OverflowError):
        pass
    parsed = feedparser_date(text)
    if parsed is None:
        return None
    year, month, day, hour, minute, second = parsed[:6]
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


def _first_date(values: Iterator[str | None]) -> datetime | None:
    for value in values:
        if value and (moment := parse_date(value)) is not None:
            return moment
    return None


# -- XML ---------------------------------------------------------------------------------------

_ATOM10 = "http://www.w3.org/2005/Atom"
_ATOM03 = "http://purl.org/atom/ns#"
_RSS10 = "http://purl.org/rss/1.0/"
_RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_DC = "http://purl.org/dc/elements/1.1/"
_DCTERMS = "http://purl.org/dc/terms/"
_XHTML = "http://www.w3.org/1999/xhtml"
_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_ABOUT = f"{{{_RDF}}}about"
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")
_CHUNK = 64 * 1024  # characters expat reads at once, a few milliseconds
_MAX_ELEMENTS = 200_000  # a 4 MB feed of 300 long entries has a few thousand

# Where each kind of date is found, in the order feedparser prefers them.
_PUBLISHED = ("pubDate", f"{{{_DCTERMS}}}issued", "published", "issued")
_UPDATED = (f"{{{_DC}}}date", f"{{{_DCTERMS}}}modified", "updated", "modified")
_CREATED = (f"{{{_DCTERMS}}}created", "created")
_DATE_ORDER = ("published", "updated", "created")
_DATES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("published", _PUBLISHED),
    ("updated", _UPDATED),
    ("created", _CREATED),
)


def _local(tag: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag."""
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return namespace, name
    return "", tag


def _text(element: ET.Element) -> str:
    """An element's text; for XHTML content its text with tags as spaces, as markup would
    read once its tags are dropped."""
    if len(element) == 0:
        return element.text or ""
    return " ".join(part for part in element.itertext())


def _base(element: ET.Element, base: str) -> str:
    value = element.get(_BASE)
    if not value:
        return base
    try:
        return urljoin(base, value.strip())
    except ValueError:
        return base


def _join(base: str, value: str) -> str:
    if not base:
        return value
    try:
        return urljoin(base, value)
    except ValueError:
        return value


@cache
def _roles(namespaces: tuple[str, ...]) -> dict[str, str]:
    """What each child tag of an entry means to the digest, for a feed in `namespaces`."""
    roles: dict[str, str] = {f"{{{_DC}}}title": "dc_title"}
    for namespace in namespaces:
        prefix = f"{{{namespace}}}" if namespace else ""
        roles.update(
            {
                f"{prefix}title": "title",
                f"{prefix}link": "link",
                f"{prefix}guid": "guid",
                f"{prefix}id": "id",
            }
        )
        for kind, names in _DATES:
            roles.update({f"{prefix}{n}": kind for n in names if not n.startswith("{")})
    for namespace in (_ATOM10, _ATOM03):
        roles.setdefault(f"{{{namespace}}}link", "atom_link")
    for kind, names in _DATES:
        roles.update({n: kind for n in names if n.startswith("{")})
    return roles


def _entry(item: ET.Element, feed_namespaces: tuple[str, ...], base: str) -> RawEntry:
    base = _base(item, base)
    roles = _roles(feed_namespaces)
    title = link = guid = None
    dc_title = None
    guid_is_link = False
    dates: dict[str, str] = {}
    for child in item:
        role = roles.get(child.tag)  # None for comments and processing instructions too
        if role is None:
            continue
        if role == "title":
            title = _text(child)
        elif role == "dc_title":
            dc_title = _text(child)
        elif role in ("link", "atom_link"):
            href = child.get("href")
            if href is None:
                if role == "link" and (value := (child.text or "").strip()):
                    link = _join(_base(child, base), value)
                continue
            rel = child.get("rel", "alternate")
            kind = child.get("type", "text/html").split(";")[0].strip().lower()
            if rel == "alternate" and kind in _HTML_TYPES:
                link = _join(_base(child, base), href.strip())
        elif role in ("guid", "id"):
            guid = _join(_base(child, base), (child.text or "").strip())
            if role == "guid":
                guid_is_link = child.get("isPermaLink", "true") == "true"
        else:
            dates.setdefault(role, child.text or "")
    about = item.get(_ABOUT)
    if guid is None and about:
        guid = _join(base, about.strip())
    if link is None and guid_is_link and guid:
        link = guid
    published = None
    for date_kind in _DATE_ORDER:
        if (when := dates.get(date_kind)) and (moment := parse_date(when)) is not None:
            published = moment
            break
    title = title if title is not None else dc_title or ""
    return RawEntry(title, link, guid, guid_is_link, published)


def _tree(text: str) -> ET.Element | None:
    """The document's element tree, read in chunks so that a thread reading it lets the event
    loop run between two chunks; None when it is not well-formed, or has more elements than
    feeds ever have (each needs memory; every element starts with a "<")."""
    if text.count("<") > _MAX_ELEMENTS:
        return None
    parser = ET.XMLParser()  # noqa: S314 - `text` has no entity declarations (decode())
    try:
        for start in range(0, len(text), _CHUNK):
            parser.feed(text[start : start + _CHUNK])
        root: ET.Element = parser.close()
    except ET.ParseError:
        return None
    return root


def _read_xml(text: str) -> Document | None:
    root = _tree(text)
    if root is None:
        return None
    namespace, name = _local(root.tag)
    base = _base(root, "")
    if name == "rss" and namespace == "":
        channel = root.find("channel")
        if channel is None:
            return None
        title = _text(t) if (t := channel.find("title")) is not None else ""
        items = islice(root.iter("item"), MAX_ENTRIES)
        return Document("rss", title, [_entry(i, ("",), _base(channel, base)) for i in items])
    if name == "RDF" and namespace == _RDF:
        for ns in (_RSS10, _RSS090):
            channel = root.find(f"{{{ns}}}channel")
            if channel is not None:
                title = _text(t) if (t := channel.find(f"{{{ns}}}title")) is not None else ""
                items = islice(root.iter(f"{{{ns}}}item"), MAX_ENTRIES)
                return Document("rdf", title, [_entry(i, (ns,), base) for i in items])
        return None
    if name == "feed" and namespace in (_ATOM10, _ATOM03):
        title = _text(t) if (t := root.find(f"{{{namespace}}}title")) is not None else ""
        entries = islice(root.iter(f"{{{namespace}}}entry"), MAX_ENTRIES)
        return Document("atom", title, [_entry(e, (namespace,), base) for e in entries])
    return None


# -- JSON Feed ---------------------------------------------------------------------------------


def _read_json(text: str) -> Document | None:
    try:
        data: Any = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
        "https://jsonfeed.org/version/"
    ):
        return None
    entries = []
    items = data.get("items")
    for item in items[:MAX_ENTRIES] if isinstance(items, list) else []:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        guid = item.get("id")
        dates = (item.get("date_published"), item.get("date_modified"))
        entries.append(
            RawEntry(
                str(item.get("title") or ""),
                link if isinstance(link, str) else None,
                str(guid) if isinstance(guid, str | int) else None,
                False,
                _first_date(d if isinstance(d, str) else None for d in dates),
            )
        )
    return Document("json", str(data.get("title") or ""), entries)


def read_fast(text: str) -> Document | None:
    """The feed in a well-formed document, or None when this reader cannot tell."""
    start = text.lstrip()[:1]
    if start == "{":
        return _read_json(text)
    if start == "<":
        return _read_xml(text)
    return None
