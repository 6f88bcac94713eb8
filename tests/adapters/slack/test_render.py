"""Rendering replies and forms as Block Kit: markup, escaping and Slack's limits."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.slack import convert, render, views
from bot.markdown import escape, link, mention
from bot.replies import Action, Choice, Field, FieldKind, Form, FormField, Reply, Tone


@pytest.mark.parametrize(
    ("markdown", "mrkdwn"),
    [
        ("**Week 3** is *done*", "*Week 3* is _done_"),
        ("run `profile set`", "run `profile set`"),
        (
            link("the <paper>", "https://example.org/a?x=1&y=2"),
            "<https://example.org/a?x=1&amp;y=2|the &lt;paper&gt;>",
        ),
        (f"hi {mention('U42')}", "hi <@U42>"),
        ("- first\n- second", "• first\n• second"),
        (escape("<!channel> & <@U1>"), "&lt;!channel&gt; &amp; &lt;@U1&gt;"),
        ("[pipe](https://example.org/a|b)", "<https://example.org/a%7Cb|pipe>"),
    ],
)
def test_the_markdown_subset_becomes_mrkdwn(markdown: str, mrkdwn: str) -> None:
    assert render.chunks(markdown) == [mrkdwn]


@given(st.text(max_size=4000))
def test_escaped_user_text_never_carries_markup_and_fits_the_sections(text: str) -> None:
    parts = render.chunks(escape(text), 300)
    assert all(len(p) <= 300 for p in parts)
    assert not any(c in p for p in parts for c in "<>")


def test_a_long_bold_line_is_split_with_its_style_closed_and_reopened() -> None:
    parts = render.chunks("**" + "word " * 1000 + "**", 500)
    assert len(parts) > 1
    assert all(len(p) <= 500 for p in parts)
    assert all(p.startswith("*") and p.endswith("*") for p in parts)


def test_a_huge_reply_stays_within_50_blocks_and_3000_characters_per_section() -> None:
    reply = Reply(
        title="x" * 400,
        body="\n".join(f"line {i} " + "y" * 200 for i in range(400)),
        fields=tuple(Field(f"f{i}", "v" * 3000, inline=i % 3 != 0) for i in range(40)),
        items=tuple("item " * 50 for _ in range(100)),
        actions=tuple(Action(f"Button {i}", f"help {i}") for i in range(30)),
    )

    message = render.message(reply)

    assert len(message.blocks) <= render.MAX_MESSAGE_BLOCKS
    assert len(message.text) <= render.FALLBACK_LIMIT
    assert len(message.blocks[0]["text"]["text"]) <= render.HEADER_LIMIT
    for block in message.blocks:
        if block["type"] == "section":
            assert len(block.get("text", {}).get("text", "")) <= render.SECTION_LIMIT
            assert len(block.get("fields", [])) <= render.FIELDS_PER_SECTION
            assert all(len(f["text"]) <= render.FIELD_LIMIT for f in block.get("fields", []))
    assert message.blocks[-3]["type"] == "context"  # the note saying the rest did not fit
    action_ids = [e["action_id"] for b in message.blocks[-2:] for e in b["elements"]]
    assert len(action_ids) == 30
    assert len(set(action_ids)) == 30


def test_the_tone_marks_a_reply_without_a_title() -> None:
    (block,) = render.blocks(Reply.error("No such week."))
    assert block["text"]["text"] == ":x: No such week."


def test_a_form_becomes_a_modal_within_slacks_limits() -> None:
    form = Form(
        "A very long check-in title indeed",
        ("checkin",),
        fields=(
            FormField("hours", "Hours", required=True, value="6"),
            FormField("notes", "Notes", kind=FieldKind.LONG_TEXT, max_length=9000),
        ),
        intro="Tell us **how** it went.",
    )

    view = views.modal(form, '{"c":["checkin"]}')

    assert len(view["title"]["text"]) <= views.MODAL_TITLE_LIMIT
    intro, hours, notes = view["blocks"]
    assert intro["text"]["text"] == "Tell us *how* it went."
    assert (hours["block_id"], hours["optional"], hours["element"]["initial_value"]) == (
        "hours",
        False,
        "6",
    )
    assert notes["element"]["multiline"] is True
    assert notes["element"]["max_length"] == views.INPUT_LIMIT
    assert json.loads(view["private_metadata"]) == {"c": ["checkin"]}


def test_the_home_view_lists_each_action_once() -> None:
    profile = Reply(title="Profile", actions=(Action("Roadmap", "roadmap"),))
    view = views.home([profile], [Action("Roadmap", "roadmap"), Action("Help", "help")])
    (row,) = [b for b in view["blocks"] if b["type"] == "actions"]
    assert [e["value"] for e in row["elements"]] == ["roadmap", "help"]


def test_a_success_reply_with_a_title_marks_the_header() -> None:
    header = render.blocks(Reply(title="Joined", tone=Tone.SUCCESS))[0]
    assert header["text"]["text"] == ":white_check_mark: Joined"


@pytest.mark.parametrize(
    ("typed", "line"),
    [
        ("join timezone:Europe/Berlin", "join timezone:Europe/Berlin"),
        (
            "submit <https://example.org/x?a=1&amp;b=2|example.org/x>",
            "submit https://example.org/x?a=1&b=2",
        ),
        ("profile set focus:“nlp &amp; llm apps”", 'profile set focus:"nlp & llm apps"'),
        ("note text:&amp;lt;b&amp;gt;", "note text:&lt;b&gt;"),
        ("setup organizer:<@U42|grace>", "setup organizer:<@U42|grace>"),
        ("contact <mailto:ada@example.org|ada@example.org>", "contact ada@example.org"),
    ],
)
def test_slash_command_text_becomes_a_grammar_line(typed: str, line: str) -> None:
    assert convert.command_line(typed) == line


def test_submitted_values_are_read_by_input_block() -> None:
    view = {
        "state": {
            "values": {
                "hours": {"value": {"type": "plain_text_input", "value": "6"}},
                "notes": {"value": {"type": "plain_text_input", "value": None}},
            }
        }
    }
    assert convert.submitted_values(view) == {"hours": "6", "notes": ""}


def test_a_choice_is_an_optional_menu_whose_pick_is_read_back_and_kept_on_refusal() -> None:
    choices = tuple(Choice(f"Milestone {i} " + "x" * 100, f"m:{i}") for i in range(120))
    about = FormField("about", "About", kind=FieldKind.CHOICE, choices=choices, value="m:2")
    view = views.modal(Form("Check-in", ("checkin",), (about,)), "meta")
    (block,) = [b for b in view["blocks"] if b["type"] == "input"]
    element = block["element"]
    assert block["optional"] is True
    assert element["type"] == "static_select"
    assert len(element["options"]) == render.MENU_OPTIONS
    assert all(len(o["text"]["text"]) <= render.OPTION_LIMIT for o in element["options"])
    assert element["initial_option"]["value"] == "m:2"

    chosen = {"type": "static_select", "selected_option": element["options"][5]}
    state = {"values": {"about": {"value": chosen}}}
    assert convert.submitted_values({"state": state}) == {"about": "m:5"}
    nothing = {"values": {"about": {"value": {"type": "static_select", "selected_option": None}}}}
    assert convert.submitted_values({"state": nothing}) == {"about": ""}

    refused = views.refused({**view, "id": "V1"}, {"about": "m:5"}, Reply.error("No."))
    (kept,) = [b for b in refused["blocks"] if b["type"] == "input"]
    assert kept["element"]["initial_option"]["value"] == "m:5"
    assert "initial_value" not in kept["element"]
