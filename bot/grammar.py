"""The one text grammar shared by Slack and the console.

``<command> [<subcommand>] [positional ...] [name:value | name:"a b"]``

Tokens are separated by white space; double quotes group words (``\\"`` is a literal quote),
and so do single quotes where a value starts (``name:'a b'``; ``\\'`` is a literal quote), as
well as the curly quotes phones type.
A token of the form ``name:value`` is an option only if the command declares ``name``;
otherwise it is a positional value, so ``https://example.org`` stays a positional URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY = re.compile(r"^([a-z][a-z0-9_-]*):(.*)$", re.DOTALL)
_KEY_ONLY = re.compile(r"^[a-z][a-z0-9_-]*:$")
# What closes each quote that opens a value; a curly one (typed by phones) closes curly.
_CLOSING = {'"': '"', "'": "'", "\u201c": "\u201d", "\u2018": "\u2019"}


class GrammarError(ValueError):
    """A line that cannot be split into tokens (an unclosed quote, for one)."""


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a command line. `key` is set when the word looked like ``name:value``
    with the ``name:`` part outside quotes."""

    text: str
    key: str | None = None
    value: str = ""


def tokenize(line: str) -> list[Token]:
    """Split a command line into tokens, honouring quotes and backslash-escaped quotes.

    Double quotes group words anywhere. Single quotes group words the same way where a value
    starts (a word's start, or just after ``name:``), so an apostrophe inside a word, as in
    ``don't``, stays a plain character. The curly quotes phones and some keyboards type
    (U+201C and U+201D, U+2018 and U+2019) work like the straight ones there."""
    tokens: list[Token] = []
    i, n = 0, len(line)
    while i < n:
        while i < n and line[i].isspace():
            i += 1
        if i >= n:
            break
        raw: list[str] = []  # the token as typed, quotes removed
        unquoted_prefix: list[str] = []  # what came before the first quote
        seen_quote = False
        while i < n and not line[i].isspace():
            ch = line[i]
            if ch == '"' or (ch in _CLOSING and _value_starts(raw, seen_quote)):
                seen_quote = True
                i = _quoted(line, i, raw)
                continue
            raw.append(ch)
            if not seen_quote:
                unquoted_prefix.append(ch)
            i += 1
        text = "".join(raw)
        match = _KEY.match("".join(unquoted_prefix))
        if match:
            key = match.group(1)
            tokens.append(Token(text=text, key=key, value=text[len(key) + 1 :]))
        else:
            tokens.append(Token(text=text))
    return tokens


def _value_starts(raw: list[str], seen_quote: bool) -> bool:
    """Whether a value starts here: at the start of a word, or right after ``name:``."""
    return not raw or (not seen_quote and _KEY_ONLY.match("".join(raw)) is not None)


def _quoted(line: str, i: int, raw: list[str]) -> int:
    """Read the quoted part opening at `i` into `raw`; returns the index after it."""
    mark, n = line[i], len(line)
    closing = _CLOSING[mark]
    what = "a double quote" if mark in '"\u201c' else "a single quote"
    i += 1
    while True:
        if i >= n:
            raise GrammarError(f"{what} is not closed")
        if line[i] == "\\" and i + 1 < n and line[i + 1] in (closing, "\\"):
            raw.append(line[i + 1])
            i += 2
            continue
        if line[i] == closing:
            return i + 1
        raw.append(line[i])
        i += 1


def quote(value: str) -> str:
    """Write a value so that :func:`tokenize` reads it back as one token."""
    plain = not any(ch.isspace() or ch in _CLOSING or ch == "\\" for ch in value)
    plain = plain and ":" not in value
    if value and plain:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
