"""The small Markdown subset every reply is written in, its escaping and its tokenizer.

The subset, which each adapter renders natively:

- ``**bold**``, ``*italic*`` and ```code``` inline;
- ``[label](https://example.org)`` links (http and https only);
- ``<@user-id>`` mentions of a member by platform user id, produced only by the core;
- lines starting with ``- `` are list items; blank lines separate paragraphs;
- a backslash makes the next character literal.

Text typed by users or taken from feeds goes through :func:`escape` before it is put in a
reply, so none of it can turn into markup, links or mentions on any platform.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_SPECIAL = set("\\*`[]()<>")


def escape(text: str) -> str:
    """Make user-supplied text literal inside the subset."""
    return "".join("\\" + ch if ch in _SPECIAL else ch for ch in text)


def mention(user_id: str) -> str:
    """A mention of a member, for the core's own messages."""
    return f"<@{escape(user_id)}>"


def link(label: str, url: str) -> str:
    """A link whose label is literal text. A URL the subset cannot carry safely (spaces,
    brackets, a `|` that Slack would read as a label) is shown as literal text instead."""
    if not _SAFE_URL.fullmatch(url):
        return f"{escape(label)}: {escape(url)}"
    return f"[{escape(label)}]({url})"


class Kind(StrEnum):
    TEXT = "text"
    BOLD = "bold"  # toggles bold on or off
    ITALIC = "italic"  # toggles italic on or off
    CODE = "code"
    LINK = "link"
    MENTION = "mention"


@dataclass(frozen=True, slots=True)
class Token:
    """One piece of a line: literal text, a style toggle, code, a link or a mention."""

    kind: Kind
    text: str = ""
    url: str = ""


_SAFE_URL = re.compile(r"https?://[^\s()<>|\[\]`\\*]+")
_LINK = re.compile(r"\[((?:\\.|[^\]\\])*)\]\((https?://[^\s()<>]+)\)")
_MENTION = re.compile(r"<@([A-Za-z0-9_.\-]+)>")
_CODE = re.compile(r"`([^`]*)`")


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def tokenize(line: str) -> list[Token]:
    """Split one line of the subset into tokens; adjacent literal text is merged."""
    tokens: list[Token] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            tokens.append(Token(Kind.TEXT, "".join(buffer)))
            buffer.clear()

    i = 0
    while i < len(line):
        ch = line[i]
        if ch == "\\" and i + 1 < len(line):
            buffer.append(line[i + 1])
            i += 2
            continue
        if line.startswith("**", i):
            flush()
            tokens.append(Token(Kind.BOLD))
            i += 2
            continue
        if ch == "*":
            flush()
            tokens.append(Token(Kind.ITALIC))
            i += 1
            continue
        if ch == "`" and (match := _CODE.match(line, i)):
            flush()
            tokens.append(Token(Kind.CODE, match.group(1)))
            i = match.end()
            continue
        if ch == "[" and (match := _LINK.match(line, i)):
            flush()
            tokens.append(Token(Kind.LINK, _unescape(match.group(1)), match.group(2)))
            i = match.end()
            continue
        if ch == "<" and (match := _MENTION.match(line, i)):
            flush()
            tokens.append(Token(Kind.MENTION, match.group(1)))
            i = match.end()
            continue
        buffer.append(ch)
        i += 1
    flush()
    return tokens


def plain(markdown: str) -> str:
    """The text of the subset with all markup removed (for fallbacks and the console)."""
    lines = []
    for line in markdown.split("\n"):
        parts = []
        for token in tokenize(line):
            if token.kind in (Kind.TEXT, Kind.CODE):
                parts.append(token.text)
            elif token.kind is Kind.LINK:
                parts.append(f"{token.text} ({token.url})")
            elif token.kind is Kind.MENTION:
                parts.append(f"@{token.text}")
        lines.append("".join(parts))
    return "\n".join(lines)
