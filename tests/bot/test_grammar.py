"""The text grammar shared by Slack and the console."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.grammar import GrammarError, Token, quote, tokenize


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("join", [Token("join")]),
        ("  profile   set  ", [Token("profile"), Token("set")]),
        (
            "join timezone:Europe/Berlin",
            [Token("join"), Token("timezone:Europe/Berlin", "timezone", "Europe/Berlin")],
        ),
        (
            'goal add text:"ship it now"',
            [Token("goal"), Token("add"), Token("text:ship it now", "text", "ship it now")],
        ),
        ('say "a \\"quoted\\" word"', [Token("say"), Token('a "quoted" word')]),
        ('"https://x.org/a"', [Token("https://x.org/a")]),
        (
            "submit https://x.org/a",
            [Token("submit"), Token("https://x.org/a", "https", "//x.org/a")],
        ),
        ("empty:", [Token("empty:", "empty", "")]),
    ],
)
def test_tokenize_reads_words_options_and_quotes(line: str, expected: list[Token]) -> None:
    assert tokenize(line) == expected


def test_tokenize_refuses_an_unclosed_quote() -> None:
    with pytest.raises(GrammarError, match="not closed"):
        tokenize('goal add text:"never closed')


@given(st.text(min_size=0, max_size=60))
def test_quote_round_trips_any_text_as_one_token(value: str) -> None:
    tokens = tokenize("cmd " + quote(value))
    if value == "" or quote(value) == '""':
        assert tokens[1:] == [Token("")]
    else:
        assert [t.text for t in tokens[1:]] == [value]
        assert tokens[1].key is None


@given(st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True), st.text(max_size=40))
def test_quoted_option_values_keep_their_key(name: str, value: str) -> None:
    (token,) = tokenize(f"{name}:{quote(value)}")
    assert token.key == name
    assert token.value == value


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "goal add text:'ship it now'",
            [Token("goal"), Token("add"), Token("text:ship it now", "text", "ship it now")],
        ),
        ("say 'a b'", [Token("say"), Token("a b")]),
        ("say 'it\\'s'", [Token("say"), Token("it's")]),
        ("note:don't", [Token("note:don't", "note", "don't")]),
        ("say don't 'x y'", [Token("say"), Token("don't"), Token("x y")]),
        ("text:'say \"hi\"'", [Token('text:say "hi"', "text", 'say "hi"')]),
    ],
)
def test_single_quotes_group_words_where_a_value_starts(line: str, expected: list[Token]) -> None:
    assert tokenize(line) == expected


def test_an_unclosed_single_quote_is_named() -> None:
    with pytest.raises(GrammarError, match="a single quote is not closed"):
        tokenize("goal add text:'never closed")


def _single(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _double(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@given(st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True), st.text(max_size=40))
def test_single_quotes_read_like_double_quotes(name: str, value: str) -> None:
    for shape in ("cmd {q}", "cmd {n}:{q}", "cmd x {n}:{q} {q}"):
        single = tokenize(shape.format(n=name, q=_single(value)))
        double = tokenize(shape.format(n=name, q=_double(value)))
        assert single == double


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            "goal add text:\u201cship it now\u201d",
            [Token("goal"), Token("add"), Token("text:ship it now", "text", "ship it now")],
        ),
        ("say \u2018a b\u2019", [Token("say"), Token("a b")]),
        ("say don\u2019t", [Token("say"), Token("don\u2019t")]),
    ],
)
def test_curly_quotes_read_like_straight_ones(line: str, expected: list[Token]) -> None:
    assert tokenize(line) == expected


def _curly(value: str) -> str:
    return "\u201c" + value.replace("\\", "\\\\").replace("\u201d", "\\\u201d") + "\u201d"


@given(st.from_regex(r"[a-z][a-z0-9_-]{0,10}", fullmatch=True), st.text(max_size=40))
def test_curly_double_quotes_read_like_straight_ones(name: str, value: str) -> None:
    for shape in ("cmd {q}", "cmd {n}:{q}"):
        curly = tokenize(shape.format(n=name, q=_curly(value)))
        assert curly == tokenize(shape.format(n=name, q=_double(value)))
