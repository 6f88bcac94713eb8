"""Slash commands, modals, buttons and autocomplete through the real discord.py client, run
against the loopback fake of Discord."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import discord
import pytest

from adapters.discord import forms, render
from bot.app import Cohort
from bot.commands import Access, Command, Option, OptionKind
from bot.dispatch import Dispatcher
from bot.replies import Tone
from tests.adapters.discord.conftest import COLOURS, Start
from tests.fakes.discord_fake import (
    ADMINISTRATOR,
    AUTOCOMPLETE,
    AUTOCOMPLETE_RESULT,
    BOOLEAN,
    CHANNEL,
    CHANNEL_ID,
    DEFERRED,
    EPHEMERAL,
    INTEGER,
    MANAGE_GUILD,
    MEMBER_ID,
    MESSAGE_RESPONSE,
    MODAL,
    PRIVILEGED_INTENTS,
    STRING,
    SUBCOMMAND,
    USER,
    Call,
    FakeDiscord,
)
from tests.support import no_errors_logged

_TYPES = {
    OptionKind.INTEGER: INTEGER,
    OptionKind.BOOLEAN: BOOLEAN,
    OptionKind.MEMBER: USER,
    OptionKind.CHANNEL: CHANNEL,
}
ERROR = render.COLOURS[Tone.ERROR].value


def sample(option: Option) -> tuple[dict[str, Any], dict[str, Any]]:
    """A valid value for an option, as Discord sends it, with its resolved objects."""
    kind = option.kind
    values: dict[OptionKind, Any] = {
        OptionKind.TEXT: "hello",
        OptionKind.INTEGER: option.min_value if option.min_value is not None else 1,
        OptionKind.BOOLEAN: True,
        OptionKind.DATE: "2026-12-01",
        OptionKind.TIMEZONE: "Europe/Berlin",
        OptionKind.URL: "https://example.org/work",
        OptionKind.TIME: "09:30",
        OptionKind.CHOICE: option.choices[0] if option.choices else "",
        OptionKind.MEMBER: str(MEMBER_ID),
        OptionKind.CHANNEL: str(CHANNEL_ID),
    }
    payload = {"type": _TYPES.get(kind, STRING), "name": option.name, "value": values[kind]}
    resolved: dict[str, Any] = {}
    if kind is OptionKind.MEMBER:
        member = FakeDiscord().member(MEMBER_ID, "ada")
        resolved = {
            "users": {str(MEMBER_ID): member.pop("user")},
            "members": {str(MEMBER_ID): member},
        }
    if kind is OptionKind.CHANNEL:
        channel = {"id": str(CHANNEL_ID), "name": "general", "type": 0, "permissions": "0"}
        resolved = {"channels": {str(CHANNEL_ID): channel}}
    return payload, resolved


def invocation(command: Command) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    options: list[dict[str, Any]] = []
    resolved: dict[str, Any] = {}
    for option in command.options:
        if option.required:
            payload, extra = sample(option)
            options.append(payload)
            for key, objects in extra.items():
                resolved.setdefault(key, {}).update(objects)
    return options, resolved


def registered_leaves(fake: FakeDiscord) -> dict[tuple[str, ...], dict[str, Any]]:
    leaves: dict[tuple[str, ...], dict[str, Any]] = {}
    for command in fake.commands[None]:
        subs = [o for o in command["options"] if o["type"] == SUBCOMMAND]
        for sub in subs:
            leaves[(command["name"], sub["name"])] = sub
        if not subs:
            leaves[(command["name"],)] = command
    return leaves


def sent_messages(calls: list[Call]) -> list[dict[str, Any]]:
    """The message bodies of an interaction's answers: its response, edits and follow-ups."""
    bodies = []
    for call in calls:
        if call.path.endswith("/callback"):
            if call.body["type"] == MESSAGE_RESPONSE:
                bodies.append(call.body["data"])
        else:
            bodies.append(call.body)
    return bodies


def texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in texts(v)]
    if isinstance(value, list):
        return [t for v in value for t in texts(v)]
    return []


async def test_client_asks_for_no_privileged_intents_and_allows_no_mentions(
    fake: FakeDiscord, start: Start, probe: Dispatcher
) -> None:
    await start(probe)
    identify = fake.identifies[0]
    assert identify["token_ok"]
    assert identify["intents"] == discord.Intents.default().value
    assert identify["intents"] & PRIVILEGED_INTENTS == 0

    answered = await fake.interact(
        fake.slash(["echo"], [{"type": STRING, "name": "text", "value": "hi"}])
    )
    [message] = sent_messages(await fake.answers(answered))
    assert message["allowed_mentions"] == {"parse": []}


async def test_every_catalogue_command_is_registered_and_answers(
    fake: FakeDiscord, start: Start, cohort: Cohort
) -> None:
    client = await start(cohort.dispatcher)
    await client.tree.sync()

    leaves = dict(cohort.catalogue.leaves())
    registered = registered_leaves(fake)
    assert set(registered) == set(leaves), "the Discord commands differ from the catalogue"
    for path, command in leaves.items():
        declarations = {o["name"]: o for o in registered[path].get("options", [])}
        assert set(declarations) == {o.name for o in command.options}, path
        for option in command.options:
            declared = declarations[option.name]
            assert declared["type"] == _TYPES.get(option.kind, STRING), (path, option.name)
            assert declared.get("required", False) == option.required, (path, option.name)
            if option.kind is OptionKind.CHOICE:
                assert [c["value"] for c in declared["choices"]] == list(option.choices)
            elif option.autocomplete and declared["type"] == STRING:
                assert declared["autocomplete"] is True, (path, option.name)

    with no_errors_logged():  # a handler that raised answers with an error id: not an answer
        for path, command in leaves.items():
            options, resolved = invocation(command)
            interaction = await fake.interact(
                fake.slash(path, options, resolved=resolved, permissions=MANAGE_GUILD)
            )
            answers = await fake.answers(interaction)
            assert answers[0].path.endswith("/callback"), path
            assert answers[0].body["type"] in (MESSAGE_RESPONSE, DEFERRED, MODAL), path
            if answers[0].body["type"] == DEFERRED:
                answers = await fake.answers(interaction, 2)
            assert "error id" not in json.dumps([a.body for a in answers]), path


async def test_a_member_without_manage_server_is_refused_every_organizer_command(
    fake: FakeDiscord, start: Start, cohort: Cohort
) -> None:
    client = await start(cohort.dispatcher)
    await client.tree.sync()
    by_name = {c["name"]: c for c in fake.commands[None]}
    organizer_leaves = [
        (path, c) for path, c in cohort.catalogue.leaves() if c.access is Access.ORGANIZER
    ]
    assert organizer_leaves, "the catalogue has organizer commands to check"

    for path, command in organizer_leaves:
        group = cohort.catalogue.get(path[0])
        assert group is not None
        if all(c.access is Access.ORGANIZER for c in group.subcommands or (group,)):
            assert int(by_name[path[0]]["default_member_permissions"]) == MANAGE_GUILD, path
        options, resolved = invocation(command)
        # The member can see the command anyway: server admins can widen the default.
        interaction = await fake.interact(
            fake.slash(path, options, resolved=resolved, permissions=(1 << 10) | (1 << 11))
        )
        if command.slow:
            # Deferred first, privately; the refusal then replaces the "thinking" message.
            deferral, edit = await fake.answers(interaction, count=2)
            assert deferral.body["data"]["flags"] & EPHEMERAL, path
            assert edit.body["embeds"][0]["color"] == ERROR, path
            continue
        [answer] = sent_messages(await fake.answers(interaction))
        assert answer["flags"] & EPHEMERAL, path
        assert answer["embeds"][0]["color"] == ERROR, path


async def test_manage_server_or_administrator_is_what_makes_an_organizer(
    fake: FakeDiscord, start: Start, probe: Dispatcher
) -> None:
    await start(probe)
    colours = {}
    for label, permissions in (
        ("member", 0),
        ("manage server", MANAGE_GUILD),
        ("administrator", ADMINISTRATOR),
    ):
        interaction = await fake.interact(fake.slash(["organize"], permissions=permissions))
        [answer] = sent_messages(await fake.answers(interaction))
        colours[label] = answer["embeds"][0]["color"]
    assert colours["member"] == ERROR
    assert colours["manage server"] != ERROR
    assert colours["administrator"] != ERROR


async def test_check_in_form_opens_as_a_modal_and_its_submission_runs_the_command(
    fake: FakeDiscord, start: Start, probe: Dispatcher
) -> None:
    client = await start(probe)
    opened = await fake.interact(
        fake.slash(["checkin"], [{"type": STRING, "name": "next", "value": "ship the demo"}])
    )
    [callback] = await fake.answers(opened)
    assert callback.body["type"] == MODAL
    modal = callback.body["data"]
    assert modal["custom_id"] == "cohort:form:checkin"
    assert modal["title"] == "Weekly check-in"
    assert len(modal["components"]) <= forms.MODAL_COMPONENTS
    inputs = {
        c["component"]["custom_id"]: c["component"] for c in modal["components"] if c["type"] == 18
    }
    assert list(inputs) == ["done", "next", "blockers"]
    assert inputs["done"]["required"] is True
    assert inputs["done"]["max_length"] == 500
    assert inputs["done"]["style"] == discord.TextStyle.paragraph.value
    assert inputs["next"]["value"] == "ship the demo"  # what the command line already gave
    assert inputs["blockers"]["required"] is False
    assert any(c["type"] == 10 for c in modal["components"])  # the intro

    # The modal is answered from its custom id alone, even by a client started since.
    await client.close()
    await start(probe)
    submitted = await fake.interact(
        fake.submit(
            modal["custom_id"],
            {"done": "read *two* papers", "next": "ship the demo", "blockers": ""},
        )
    )
    [answer] = sent_messages(await fake.answers(submitted))
    description = answer["embeds"][0]["description"]
    assert "read \\*two\\* papers" in description
    assert "ship the demo" in description
    assert not answer.get("flags", 0) & EPHEMERAL  # the probe's check-in is public


async def test_a_submitted_form_that_is_still_incomplete_comes_back_as_a_button(
    fake: FakeDiscord, start: Start, probe: Dispatcher
) -> None:
    await start(probe)
    submitted = await fake.interact(
        fake.submit("cohort:form:checkin", {"done": " ", "next": "ship the demo"})
    )
    [answer] = sent_messages(await fake.answers(submitted))
    assert answer["flags"] & EPHEMERAL
    [button] = answer["components"][0]["components"]
    assert button["custom_id"] == "cohort:form:checkin"
    assert button["label"] == "Weekly check-in"


async def test_a_button_still_works_after_the_client_restarts(
    fake: FakeDiscord, start: Start, probe: Dispatcher
) -> None:
    first = await start(probe)
    said = await fake.interact(
        fake.slash(["echo"], [{"type": STRING, "name": "text", "value": "hello there"}])
    )
    await fake.answers(said)
    message = fake.original(said)
    [button] = message["components"][0]["components"]
    assert button["custom_id"] == 'cohort:run:echo "hello there"'
    assert button["label"] == "Again"

    await first.close()
    await start(probe)
    clicked = await fake.interact(fake.click(message, button["custom_id"], name="grace"))
    [answer] = sent_messages(await fake.answers(clicked))
    assert answer["embeds"][0]["description"].startswith("hello there")


async def test_autocomplete_suggests_time_zones(
    fake: FakeDiscord, start: Start, cohort: Cohort
) -> None:
    await start(cohort.dispatcher)
    for path in (["join"], ["profile", "set"]):
        typing = await fake.interact(
            fake.slash(
                path,
                [{"type": STRING, "name": "timezone", "value": "berl", "focused": True}],
                kind=AUTOCOMPLETE,
            )
        )
        [callback] = await fake.answers(typing)
        assert callback.body["type"] == AUTOCOMPLETE_RESULT
        choices = callback.body["data"]["choices"]
        assert {"name": "Europe/Berlin", "value": "Europe/Berlin"} in choices, path


async def test_autocomplete_asks_features_and_offers_long_choice_lists(
    fake: FakeDiscord, start: Start, probe: Dispatcher
) -> None:
    client = await start(probe)
    await client.tree.sync()
    [pick] = [c for c in fake.commands[None] if c["name"] == "pick"]
    assert pick["options"][0]["autocomplete"] is True
    assert "choices" not in pick["options"][0] or not pick["options"][0]["choices"]

    typing = await fake.interact(
        fake.slash(
            ["milestone"],
            [{"type": STRING, "name": "name", "value": "rag", "focused": True}],
            kind=AUTOCOMPLETE,
        )
    )
    [callback] = await fake.answers(typing)
    assert callback.body["data"]["choices"] == [
        {"name": "Retrieval and RAG", "value": "Retrieval and RAG"}
    ]

    typing = await fake.interact(
        fake.slash(
            ["pick"],
            [{"type": STRING, "name": "colour", "value": "", "focused": True}],
            kind=AUTOCOMPLETE,
        )
    )
    [callback] = await fake.answers(typing)
    assert [c["value"] for c in callback.body["data"]["choices"]] == list(COLOURS[:25])


async def test_slow_commands_defer_first(
    fake: FakeDiscord, start: Start, probe: Dispatcher
) -> None:
    await start(probe)
    private = await fake.interact(fake.slash(["slow"]))
    callback, edit = await fake.answers(private, 2)
    assert callback.body["type"] == DEFERRED
    assert callback.body["data"]["flags"] & EPHEMERAL
    assert edit.method == "PATCH"
    assert edit.path.endswith("/messages/@original")
    assert edit.body["embeds"][0]["title"] == "Done slowly"

    public = await fake.interact(
        fake.slash(["slow"], [{"type": BOOLEAN, "name": "public", "value": True}])
    )
    callback, note, follow_up = await fake.answers(public, 3)
    assert callback.body["type"] == DEFERRED
    assert note.body["content"] == render.PUBLIC_FOLLOWS
    assert follow_up.method == "POST"
    assert follow_up.body["embeds"][0]["title"] == "Done slowly"
    assert not follow_up.body.get("flags", 0) & EPHEMERAL


async def test_a_form_after_a_deferral_comes_as_a_button_that_opens_it(
    fake: FakeDiscord, start: Start, probe: Dispatcher
) -> None:
    await start(probe)
    asked = await fake.interact(fake.slash(["survey"]))
    _, edit = await fake.answers(asked, 2)
    [button] = edit.body["components"][0]["components"]
    assert button["custom_id"] == "cohort:form:survey"

    clicked = await fake.interact(fake.click(fake.original(asked), button["custom_id"]))
    [callback] = await fake.answers(clicked)
    assert callback.body["type"] == MODAL

    submitted = await fake.interact(fake.submit("cohort:form:survey", {"answer": "yes"}))
    deferred, result = await fake.answers(submitted, 2)
    assert deferred.body["type"] == DEFERRED
    assert result.body["embeds"][0]["description"] == "yes"


async def test_mentions_in_user_text_never_reach_discord(
    fake: FakeDiscord, start: Start, probe: Dispatcher
) -> None:
    await start(probe)
    hostile = (
        "@everyone @here <@&1100000000000000009> <@1100000000000000005> "
        "**loud** [click](https://phish.example) # heading"
    )
    said = await fake.interact(
        fake.slash(["echo"], [{"type": STRING, "name": "text", "value": hostile}])
    )
    [message] = sent_messages(await fake.answers(said))
    assert message["allowed_mentions"] == {"parse": []}
    shown = texts([message["embeds"], message.get("content") or ""])
    for text in shown:
        for raw in ("@everyone", "@here", "<@&", "<@1100000000000000005>"):
            assert raw not in text, text
    description = message["embeds"][0]["description"]
    assert "\\*\\*loud\\*\\*" in description
    assert "\\[click\\]" in description
    stored = fake.original(said)
    assert stored["mention_everyone"] is False
    assert stored["mention_roles"] == []
    assert stored["mentions"] == []


def assert_within_limits(message: dict[str, Any]) -> None:
    assert len(message.get("content") or "") <= render.CONTENT_LIMIT
    embeds = message.get("embeds") or []
    assert len(embeds) <= render.EMBEDS_PER_MESSAGE
    total = 0
    for embed in embeds:
        title, description = embed.get("title") or "", embed.get("description") or ""
        fields = embed.get("fields") or []
        assert len(title) <= render.TITLE_LIMIT
        assert len(description) <= render.DESCRIPTION_LIMIT
        assert len(fields) <= render.FIELDS_PER_EMBED
        for item in fields:
            assert 0 < len(item["name"]) <= render.FIELD_NAME_LIMIT
            assert 0 < len(item["value"]) <= render.FIELD_VALUE_LIMIT
        total += (
            len(title) + len(description) + sum(len(f["name"]) + len(f["value"]) for f in fields)
        )
    assert total <= render.EMBED_TOTAL_LIMIT


async def test_long_replies_are_split_within_discords_limits(
    fake: FakeDiscord, start: Start, probe: Dispatcher
) -> None:
    await start(probe)
    asked = await fake.interact(
        fake.slash(
            ["long"],
            [
                {"type": INTEGER, "name": "paragraphs", "value": 3},
                {"type": INTEGER, "name": "fields", "value": 4},
            ],
        )
    )
    # About 4,600 characters of body and four fields of 1,280: three messages of at most
    # 6,000 characters each.
    messages = sent_messages(await fake.answers(asked, 3))
    for message in messages:
        assert_within_limits(message)
    embeds = [e for m in messages for e in m["embeds"]]
    whole = "".join(texts(embeds))
    assert all(f"Paragraph {i}:" in whole for i in range(3))
    assert sum(len(e.get("fields") or []) for e in embeds) == 4
    assert render.TRUNCATED not in whole
    assert embeds[0]["title"].endswith(render.ELLIPSIS)
    assert all(f["value"].endswith(render.ELLIPSIS) for e in embeds for f in e.get("fields", []))


async def test_very_long_replies_are_cut_with_a_visible_marker(
    fake: FakeDiscord, start: Start, probe: Dispatcher
) -> None:
    await start(probe)
    asked = await fake.interact(
        fake.slash(
            ["long"],
            [
                {"type": INTEGER, "name": "paragraphs", "value": 50},
                {"type": INTEGER, "name": "fields", "value": 60},
            ],
        )
    )
    messages = sent_messages(await fake.answers(asked, render.MAX_MESSAGES))
    assert len(messages) == render.MAX_MESSAGES
    for message in messages:
        assert_within_limits(message)
    descriptions = [e.get("description") or "" for m in messages for e in m["embeds"]]
    assert any(d.endswith(render.TRUNCATED) for d in descriptions[:-1])  # the body, cut
    assert descriptions[-1] == render.TRUNCATED  # and the fields that did not fit


async def test_a_picture_is_attached_and_shown_in_the_embed(
    fake: FakeDiscord, start: Start, probe: Dispatcher
) -> None:
    await start(probe)
    asked = await fake.interact(fake.slash(["picture"]))
    [callback] = await fake.answers(asked)
    assert callback.files == ["progress_chart.png"]
    data = callback.body["data"]
    assert data["embeds"][0]["image"]["url"] == "attachment://progress_chart.png"
    assert data["attachments"][0]["description"] == "A bar chart"


class _Watch(logging.Handler):
    """Sets `seen` when a log record says `needle`."""

    def __init__(self, needle: str) -> None:
        super().__init__()
        self.needle = needle
        self.seen = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.needle in record.getMessage():
            self.seen.set()


async def test_commands_discord_knows_but_this_version_does_not_ask_for_a_sync(
    fake: FakeDiscord, start: Start, probe: Dispatcher, monkeypatch: pytest.MonkeyPatch
) -> None:
    watch = _Watch("run `cohort discord sync`")
    logger = logging.getLogger("adapters.discord.client")
    monkeypatch.setattr(logger, "handlers", [watch])
    await start(probe)
    await fake.interact(fake.slash(["retired"]))
    await asyncio.wait_for(watch.seen.wait(), 10)
