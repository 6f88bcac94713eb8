"""The one text grammar shared by Slack and the console.

``<command> [<subcommand>] [positional ...] [name:value | name:"a b"]``

Tokens are separated by white space; double quotes group words (``\\"`` is a literal quote).
A token of the form ``name:value`` is an option only if the command declares ``name``;
otherwise it is a positional value, so ``https://example.org`` stays a positional URL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY = re.compile(r"^([a-z][a-z0-9_-]*):(.*)$", re.DOTALL)


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
    """Split a command line into tokens, honouring double quotes and backslash-escaped quotes."""
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
            if ch == '"':
                seen_quote = True
                i += 1
                while True:
                    if i >= n:
                        raise GrammarError("a double quote is not closed")
                    if line[i] == "\\" and i + 1 < n and line[i + 1] in '"\\':
                        raw.append(line[i + 1])
                        i += 2
                        continue
                    if line[i] == '"':
                        i += 1
                        break
                    raw.append(line[i])
                    i += 1
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


def quote(value: str) -> str:
    """Write a value so that :func:`tokenize` reads it back as one token."""
    if value and not any(ch.isspace() or ch in '"\\' for ch in value) and ":" not in value:
        return value
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
