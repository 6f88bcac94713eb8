"""Rendering and conversion without a client: escaping, limits, buttons, modals, custom ids.

Tests that build views or modals are async because discord.py ties those to a running loop,
as it is when the adapter renders."""

from __future__ import annotations

import re

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from adapters.discord import convert, forms, render
from bot.markdown import escape
from bot.replies import Action, Attachment, Choice, FieldKind, Form, FormField, Image, Reply
from tests.fakes.discord_fake import _modal_errors

ZWSP = "\u200b"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("@everyone and @here", f"@{ZWSP}everyone and @{ZWSP}here"),
        ("<@&123456789012345678>", f"\\<@{ZWSP}&123456789012345678\\>"),
        ("<@123456789012345678>", f"\\<@{ZWSP}123456789012345678\\>"),
        (
            "**bold** _it_ ~~s~~ ||spoiler|| `code`",
            "\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\|\\|spoiler\\|\\| \\`code\\`",
        ),
        ("[click](https://phish.example)", "\\[click\\](https://phish.example)"),
        ("# Heading", "\\# Heading"),
        ("- not a list", "\\- not a list"),
        ("1. not a list", "1\\. not a list"),
        ("> not a quote", "\\> not a quote"),
        ("see https://example.org/a_b_c.", "see https://example.org/a_b_c."),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_user_text_is_shown_literally(text: str, shown: str) -> None:
    assert render.escape_text(text) == shown


_RAW_MENTION = re.compile(r"@(everyone|here)|<@[!&]?\d", re.IGNORECASE)


@given(st.text())
def test_no_user_text_can_mention_anyone(text: str) -> None:
    assert not _RAW_MENTION.search(render.escape_text(text))
    assert not _RAW_MENTION.search(render.markdown(escape(text)))


@pytest.mark.parametrize(
    ("subset", "discord_markdown"),
    [
        ("**Done:** 3 *milestones*", "**Done:** 3 *milestones*"),
        ("run `join timezone:Area/City`", "run `join timezone:Area/City`"),
        (
            "[the roadmap](https://roadmap.sh/ai-engineer)",
            "[the roadmap](https://roadmap.sh/ai-engineer)",
        ),
        ("hello <@123456789012345678>", "hello <@123456789012345678>"),
        ("hello <@ada>", "hello @ada"),
        ("- first\n- second", "- first\n- second"),
        (escape("**not bold** <@&1>"), "\\*\\*not bold\\*\\* \\<@&1\\>"),
    ],
)
def test_the_markdown_subset_becomes_discord_markdown(subset: str, discord_markdown: str) -> None:
    assert render.markdown(subset) == discord_markdown


@given(st.text(), st.integers(min_value=2, max_value=50))
def test_clip_stays_within_the_limit_and_marks_what_it_cut(text: str, limit: int) -> None:
    clipped = render.clip(text, limit)
    assert len(clipped) <= limit
    assert clipped == text or clipped.endswith(render.ELLIPSIS)


@given(
    st.text(alphabet=st.sampled_from("ab \\\n*"), max_size=400),
    st.integers(min_value=2, max_value=40),
)
def test_split_keeps_every_character_and_every_escape(raw: str, limit: int) -> None:
    text = render.escape_text(raw)
    pieces = render.split(text, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    for piece in pieces:
        trailing = len(piece) - len(piece.rstrip("\\"))
        assert trailing % 2 == 0, piece
    assert "".join(pieces).replace("\n", "").replace(" ", "") == text.replace("\n", "").replace(
        " ", ""
    )


async def test_an_empty_reply_still_makes_a_valid_message() -> None:
    [message] = render.reply(Reply())
    assert message.embeds[0].description == ZWSP
    assert message.view is None
    assert message.files == []


async def test_buttons_that_do_not_fit_become_hints() -> None:
    long_line = "echo " + "x" * 100
    actions = (Action("Too long", long_line), *(Action(f"B{i}", f"echo {i}") for i in range(26)))
    [message] = render.reply(Reply(body="Pick one", actions=actions))
    assert message.view is not None
    ids = [item.custom_id for item in message.view.children if isinstance(item, discord.ui.Button)]
    assert ids == [f"cohort:run:echo {i}" for i in range(25)]
    assert message.view.is_finished()  # dispatched by the client's dynamic items instead
    description = message.embeds[0].description or ""
    assert "Too long: /echo xxx" in description
    assert "B25: /echo 25" in description


async def test_buttons_in_a_dm_carry_their_server() -> None:
    [message] = render.reply(Reply(actions=(Action("Check in", "checkin"),)), guild_id="42")
    assert message.view is not None
    [button] = message.view.children
    assert isinstance(button, discord.ui.Button)
    assert button.custom_id == "cohort:run:g42:checkin"
    match = convert.RUN_TEMPLATE.fullmatch(button.custom_id)
    assert match is not None
    assert convert.parse_run(match) == convert.Run("checkin", "42")


async def test_a_picture_gets_a_safe_png_name_and_its_alt_text() -> None:
    [message] = render.reply(Reply(image=Image("../my chart!.png", b"png", "Weekly hours")))
    [file] = message.files
    assert file.filename == "my_chart_.png"
    assert file.description == "Weekly hours"
    assert message.embeds[0].image.url == "attachment://my_chart_.png"


async def test_a_modal_holds_five_components_required_fields_first() -> None:
    fields = (
        *(FormField(f"f{i}", f"Optional {i}") for i in range(4)),
        FormField(
            "must",
            "A required question that is far too long for a label",
            required=True,
            kind=FieldKind.LONG_TEXT,
            max_length=9000,
        ),
        FormField("also", "Also required", required=True, value="x" * 5000),
    )
    modal = forms.modal(
        Form("A form title longer than forty-five characters!", ("f",), fields, intro="Hello")
    )
    assert modal.custom_id == "cohort:form:f"
    assert len(modal.title) <= forms.MODAL_TITLE_LIMIT
    labels = [c for c in modal.children if isinstance(c, discord.ui.Label)]
    assert len(modal.children) == 5  # no room left for the intro
    assert len(labels) == 5
    inputs = [label.component for label in labels]
    assert [i.custom_id for i in inputs if isinstance(i, discord.ui.TextInput)] == [
        "f0",
        "f1",
        "f2",
        "must",
        "also",
    ]
    must, also = inputs[3], inputs[4]
    assert isinstance(must, discord.ui.TextInput)
    assert isinstance(also, discord.ui.TextInput)
    assert must.max_length == forms.INPUT_LIMIT
    assert must.style is discord.TextStyle.paragraph
    assert also.default == "x" * forms.INPUT_LIMIT
    assert all(len(label.text) <= forms.INPUT_LABEL_LIMIT for label in labels)
    assert modal.is_finished()  # submissions are handled from the custom id


async def test_a_choice_is_an_optional_select_in_a_label_and_spare_fields_give_way() -> None:
    choices = tuple(Choice(f"Milestone {i} " + "x" * 120, f"m:{i}") for i in range(30))
    fields = (
        FormField("done", "Done", required=True),
        FormField("next", "Next", spare=True),
        FormField("blockers", "Blockers"),
        FormField("about", "About", kind=FieldKind.CHOICE, choices=choices, value="m:2"),
        FormField("milestones", "Milestones"),
        FormField("confidence", "Confidence", spare=True),
        FormField("extra", "Extra"),
    )
    modal = forms.modal(Form("Weekly check-in", ("checkin",), fields))
    payload = modal.to_dict()
    assert _modal_errors(payload) == []  # what the fake checks as Discord does
    names = [c["component"]["custom_id"] for c in payload["components"]]
    assert names == ["done", "blockers", "about", "milestones", "extra"]  # spare ones gave way
    about = next(c["component"] for c in payload["components"] if c["label"] == "About")
    assert about["type"] == 3  # a string select
    assert (about["min_values"], about["max_values"], about["required"]) == (0, 1, False)
    assert len(about["options"]) == render.SELECT_OPTIONS
    assert [o["value"] for o in about["options"] if o.get("default")] == ["m:2"]
    assert all(len(o["label"]) <= render.SELECT_LABEL_LIMIT for o in about["options"])


def test_a_select_submitted_in_a_modal_gives_its_values() -> None:
    data = {
        "custom_id": "cohort:form:checkin",
        "components": [
            {"type": 18, "component": {"type": 3, "custom_id": "about", "values": ["m:git"]}},
            {"type": 18, "component": {"type": 3, "custom_id": "none", "values": []}},
        ],
    }
    assert convert.modal_values(data) == {"about": "m:git", "none": ""}


def test_the_fake_refuses_a_modal_discord_would_refuse() -> None:
    select = {"type": 3, "custom_id": "a", "min_values": 0, "options": []}
    twice = [{"type": 18, "label": "L", "component": {"type": 4, "custom_id": "x"}}]
    problems = _modal_errors(
        {"title": "T", "components": [{"type": 18, "label": "L", "component": select}] * 6}
    )
    assert "a modal holds 1-5 components" in problems
    assert "a string select has 1-25 options" in problems
    assert "a required select must ask for a value" in problems
    assert _modal_errors({"title": "T", "components": twice * 2}) == ["duplicate custom ids"]


def test_submitted_values_are_found_in_rows_and_labels() -> None:
    data = {
        "custom_id": "cohort:form:checkin",
        "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "done", "value": "a"}]},
            {"type": 18, "component": {"type": 4, "custom_id": "next", "value": "b"}},
            {"type": 10, "content": "intro"},
        ],
    }
    assert convert.modal_values(data) == {"done": "a", "next": "b"}
    assert convert.parse_form("cohort:form:profile set") == convert.FormTarget(
        ("profile", "set"), None
    )
    assert convert.parse_form("cohort:run:help") is None


def test_a_button_line_too_long_for_a_custom_id_has_none() -> None:
    assert convert.run_id("x" * 89) == "cohort:run:" + "x" * 89
    assert convert.run_id("x" * 90) is None


@pytest.mark.parametrize(
    ("value", "raw"),
    [
        (True, "true"),
        (False, "false"),
        (7, "7"),
        ("text", "text"),
        (discord.Object(123456789012345678), "123456789012345678"),
    ],
)
def test_option_values_become_the_cores_raw_text(value: object, raw: str) -> None:
    assert convert.option_text(value) == raw


def test_a_file_attachment_travels_with_the_first_message() -> None:
    export = Attachment("cohort-export.json", b'{"member": {}}', "application/json")
    (message,) = render.reply(Reply(body="Your data", attachment=export))
    (attached,) = message.files
    assert attached.filename == "cohort-export.json"
    assert attached.fp.read() == b'{"member": {}}'
