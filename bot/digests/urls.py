"""URLs of feed entries: made absolute against the feed's address as feed readers do, and
reduced to a canonical form for spotting the same story twice. Each shortcut here gives what
urllib gives (property tests in tests/bot/digests/test_urls.py hold them to it)."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

MAX_URL = 1000
WEB = ("http", "https")
SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")

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
# A relative reference that is one plain path segment: no dots to remove, no query, fragment,
# parameters or scheme, nothing urljoin would treat specially.
_SEGMENT = re.compile(r"[A-Za-z0-9_~!$&'()*+,=@-][A-Za-z0-9._~!$&'()*+,=@-]*")


# An http(s) URL whose network location is a plain `host[:port]`, split as urlsplit splits it
# (the location ends at the first "/", "?" or "#"; the query at the first "#"). Tabs and line
# breaks, which urlsplit removes, and every other form are left to urlsplit.
_PLAIN = re.compile(
    r"([Hh][Tt][Tt][Pp][Ss]?)://([A-Za-z0-9.-]*(?::[0-9]*)?)"
    r"(/[^?#\t\r\n]*)?(?:\?([^#\t\r\n]*))?(?:#([^\t\r\n]*))?"
)


def split(url: str) -> SplitResult:
    """`urlsplit(url)` for a URL without surrounding spaces: a plain http(s) address is split by
    one pattern, three times faster than urlsplit for an address it has not seen (its cache
    holds 128, and a refresh reads thousands)."""
    plain = _PLAIN.fullmatch(url)
    if plain is None:
        return urlsplit(url)
    scheme, netloc, path, query, fragment = plain.groups()
    return SplitResult(scheme.lower(), netloc, path or "", query or "", fragment or "")


def is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str) -> str:
    """The URL reduced to what identifies the page: https, a lower-case host without `www.`
    or a default port, no trailing slash, no fragment, no credentials, no tracking
    parameters, the remaining parameters sorted. Two links to the same story from two feeds
    usually agree once reduced; the result is for comparing, not for showing."""
    text = url.strip()
    scheme: str
    path: str
    query: str
    try:
        if plain := _PLAIN.fullmatch(text):  # what split() reads, without its SplitResult
            scheme, netloc, path, query = plain.group(1, 2, 3, 4)
            hostname, port = _plain_host_and_port(netloc)
            path, query = path or "", query or ""
        else:
            parts = urlsplit(text)
            scheme, path, query = parts.scheme, parts.path, parts.query
            hostname, port = host_and_port(parts)
    except ValueError:
        return text
    scheme = scheme.lower()
    if scheme not in _DEFAULT_PORTS or not hostname:
        return text
    host = hostname.rstrip(".").removeprefix("www.")
    if port is not None and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    path = path.rstrip("/") or "/"
    if query and not _only_tracking(query):
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode(sorted((k, v) for k, v in pairs if not is_tracking(k)))
    else:
        query = ""
    if not host:  # "http://./": urlunsplit reads a path of "//..." as the location
        return urlunsplit(("https", host, path, query, ""))
    # What urlunsplit gives for a host and a path that starts with "/" (a path after a
    # location always does), without its checks.
    return f"https://{host}{path}?{query}" if query else f"https://{host}{path}"


def _only_tracking(query: str) -> bool:
    """Whether every parameter of a query is plainly a tracking one (`?utm_source=rss`), so
    that nothing of it is kept; False when parse_qsl must decide."""
    for part in query.split("&"):
        name = part.partition("=")[0]
        if "%" in name or "+" in name or ";" in name or not is_tracking(name):
            return False
    return True


def host_and_port(parts: SplitResult) -> tuple[str | None, int | None]:
    """`parts.hostname` and `parts.port` (ValueError for a bad port), reading a plain
    `host[:port]` directly: each property parses the address again."""
    netloc = parts.netloc
    if not netloc.isascii() or "@" in netloc or "[" in netloc or "%" in netloc:
        return parts.hostname, parts.port
    return _plain_host_and_port(netloc)


def _plain_host_and_port(netloc: str) -> tuple[str | None, int | None]:
    """The host and port of a location that is a plain ASCII `host[:port]`."""
    host, _, port = netloc.partition(":")
    if not port:
        return host.lower() or None, None
    if not port.isdigit() or int(port) > 65535:
        raise ValueError(f"not a port: {port!r}")
    return host.lower() or None, int(port)


def join(base_url: str, reference: str) -> str:
    """`reference` made absolute against the feed's address, as feed readers read it; ""
    when it cannot be."""
    scheme = SCHEME.match(reference)
    if scheme and (reference.startswith("//", scheme.end()) or scheme[1].lower() not in WEB):
        return reference  # already absolute, nearly always: urljoin would return it as it is
    if reference and _SEGMENT.fullmatch(reference) and (prefix := _directory(base_url)):
        return prefix + reference  # a plain name, such as most GUIDs: what urljoin gives
    try:
        return urljoin(base_url, reference)
    except ValueError:
        return ""


@lru_cache(maxsize=64)
def _directory(base_url: str) -> str | None:
    """What urljoin puts before a plain name joined to `base_url` (None if it cannot)."""
    try:
        joined = urljoin(base_url, "x")
    except ValueError:
        return None
    return joined[:-1] if joined.endswith("x") and urlsplit(joined).scheme in WEB else None
