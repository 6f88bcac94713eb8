"""The reply Markdown subset: escaping user text and tokenizing lines."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.markdown import Kind, Token, escape, link, mention, plain, tokenize


def test_markup_becomes_tokens() -> None:
    line = "**Week 3** is *hard*: see [the guide](https://example.org/g) with `code` <@U1>"
    assert tokenize(line) == [
        Token(Kind.BOLD),
        Token(Kind.TEXT, "Week 3"),
        Token(Kind.BOLD),
        Token(Kind.TEXT, " is "),
        Token(Kind.ITALIC),
        Token(Kind.TEXT, "hard"),
        Token(Kind.ITALIC),
        Token(Kind.TEXT, ": see "),
        Token(Kind.LINK, "the guide", "https://example.org/g"),
        Token(Kind.TEXT, " with "),
        Token(Kind.CODE, "code"),
        Token(Kind.TEXT, " "),
        Token(Kind.MENTION, "U1"),
    ]


def test_a_link_to_a_non_http_scheme_stays_text() -> None:
    assert [t.kind for t in tokenize("[x](javascript:alert(1))")] == [Kind.TEXT]


@given(st.text(max_size=200).filter(lambda s: "\n" not in s))
def test_escaped_user_text_is_one_literal_text_token(text: str) -> None:
    tokens = tokenize(escape(text))
    assert all(t.kind is Kind.TEXT for t in tokens)
    assert "".join(t.text for t in tokens) == text


@given(
    st.text(max_size=50).filter(lambda s: "\n" not in s),
    st.text(max_size=50).filter(lambda s: "\n" not in s),
)
def test_link_labels_are_literal(label: str, tail: str) -> None:
    tokens = tokenize(link(label, "https://example.org/") + escape(tail))
    assert tokens[0] == Token(Kind.LINK, label, "https://example.org/")


def test_mentions_typed_by_users_stay_text_but_core_mentions_do_not() -> None:
    assert tokenize(escape("<@U123> @everyone")) == [Token(Kind.TEXT, "<@U123> @everyone")]
    assert tokenize(mention("U123")) == [Token(Kind.MENTION, "U123")]


def test_plain_drops_markup_and_keeps_link_targets() -> None:
    assert plain("**a** [b](https://c.org)\n- *d*") == "a b (https://c.org)\n- d"
