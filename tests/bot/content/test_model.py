"""The content models: strict types, closed fields, the Markdown subset and https links."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from bot.content.model import Months, PackInfo, Resource, Topic


def _problem(model: type[Any], data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        "Plain words, commas, colons: and dashes - all fine.",
        "**Bold** and *italic* and `code(x) <y>`.",
        "A [link](https://example.org/page) inside.",
        r"Escaped \(parentheses\), \[brackets\], \<angles\> and a \* star.",
        "Two paragraphs.\n\nEach **balanced** on its own.",
        "**Bold wrapped\nover two lines** in YAML.",
    ],
)
def test_text_in_the_markdown_subset_is_accepted(text: str) -> None:
    assert PackInfo.model_validate({"name": "N", "version": 1, "description": text})


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("An *open italic.", "a `*` is not closed on its line"),
        ("An **open bold.", "a `**` is not closed on its line"),
        ("**Bold across\n\nparagraphs**", "a `**` is not closed on its line"),
        ("A literal (paren).", r"a literal ( must be written \( or avoided"),
        ("An <angle>.", r"a literal < must be written \< or avoided"),
        ("A lone ` backtick.", r"a literal ` must be written \` or avoided"),
        ("A [link](http://example.org).", "the link to http://example.org must use https"),
        ("Hello <@12345>.", "content must not mention anyone"),
    ],
)
def test_text_that_would_render_wrongly_is_refused(text: str, problem: str) -> None:
    assert problem in _problem(PackInfo, {"name": "N", "version": 1, "description": text})


@pytest.mark.parametrize(
    "url",
    [
        "http://example.org/page",
        "ftp://example.org/file",
        "https://localhost/page",
        "https://exa mple.org/",
        "https://en.example.org/wiki/Thing_(topic)",
        "example.org/page",
    ],
)
def test_links_must_be_well_formed_https(url: str) -> None:
    data = {"title": "T", "url": url, "kind": "docs", "cost": "free"}
    assert "url" in _problem(Resource, data)


def test_a_link_label_cannot_hold_a_link_of_its_own() -> None:
    data = {
        "title": "See [this](https://example.org/a)",
        "url": "https://example.org/b",
        "kind": "docs",
        "cost": "free",
    }
    assert "is shown as a link" in _problem(Resource, data)


@pytest.mark.parametrize(
    "data",
    [
        {"id": "python", "title": "Python", "extra": 1},
        {"id": "Python", "title": "Python"},
        {"id": "py_thon", "title": "Python"},
        {"id": "python", "title": ""},
        {"id": "python", "title": "Two\nlines"},
        {"id": 7, "title": "Python"},
    ],
)
def test_topics_are_strict_about_fields_ids_and_titles(data: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        Topic.model_validate(data)


def test_numbers_are_never_coerced() -> None:
    assert "start" in _problem(Months, {"start": "1", "end": 3})
    assert "start" in _problem(Months, {"start": True, "end": 3})


def test_months_end_after_they_start() -> None:
    assert "end (2) is before start (3)" in _problem(Months, {"start": 3, "end": 2})
    assert Months.model_validate({"start": 13, "end": None}).label() == "months 13+"
    assert Months.model_validate({"start": 4, "end": 4}).label() == "month 4"


def test_wrapped_paragraphs_are_joined_and_list_lines_kept() -> None:
    text = "First line\n  wraps here.\n\n\nSecond paragraph:\n- one item\n  wrapped\n- two"
    info = PackInfo.model_validate({"name": "N", "version": 1, "description": text})
    assert info.description == (
        "First line wraps here.\n\nSecond paragraph:\n- one item wrapped\n- two"
    )
