"""Slack views in Block Kit: forms as modals (inputs and menus), the modal a command's
result is shown in, a refused submission shown again with its error, and the App Home."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from adapters.slack.render import (
    MENU_OPTIONS,
    PLACEHOLDER_LIMIT,
    SECTION_LIMIT,
    Block,
    blocks,
    buttons,
    chunks,
    fit,
    mrkdwn,
    option,
    plain_text,
    reply_content,
    section,
)
from bot import markdown as md
from bot.replies import Action, FieldKind, Form, FormField, Reply

MODAL_TITLE_LIMIT = 24
LABEL_LIMIT = 2000
INPUT_LIMIT = 3000
MAX_VIEW_BLOCKS = 100
FORM_CALLBACK = "cohort:form"
RESULT_CALLBACK = "cohort:result"
INPUT_ACTION = "value"
ERROR_BLOCK = "cohort:error"


def _title(text: str) -> Block:
    return plain_text(md.plain(text).strip() or "Cohort", MODAL_TITLE_LIMIT)


def modal(form: Form, metadata: str) -> Block:
    """A form as a modal; each field is an input whose block_id is the option it fills."""
    view_blocks: list[Block] = [section(text) for text in chunks(form.intro)]
    for field in form.fields:
        element = _input(field)
        if field.placeholder:
            element["placeholder"] = plain_text(field.placeholder, PLACEHOLDER_LIMIT)
        view_blocks.append(
            {
                "type": "input",
                "block_id": field.name,
                "optional": not field.required,
                "label": plain_text(md.plain(field.label), LABEL_LIMIT),
                "element": element,
            }
        )
    return {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "title": _title(form.title),
        "submit": plain_text("Submit", MODAL_TITLE_LIMIT),
        "close": plain_text("Cancel", MODAL_TITLE_LIMIT),
        "private_metadata": metadata,
        "blocks": view_blocks,
    }


def _input(field: FormField) -> Block:
    """A field's element: a menu of its choices (its value chosen at first), or a text input."""
    if field.kind is FieldKind.CHOICE and field.choices:
        options = [option(c) for c in field.choices[:MENU_OPTIONS]]
        element: Block = {"type": "static_select", "action_id": INPUT_ACTION, "options": options}
        chosen = [o for o in options if field.value and o["value"] == field.value]
        if chosen:
            element["initial_option"] = chosen[0]
        return element
    limit = max(1, min(field.max_length, INPUT_LIMIT))
    element = {
        "type": "plain_text_input",
        "action_id": INPUT_ACTION,
        "multiline": field.kind is FieldKind.LONG_TEXT,
        "max_length": limit,
    }
    if field.value:
        element["initial_value"] = field.value[:limit]
    return element


def working(title: Mapping[str, Any]) -> Block:
    """What a submitted modal shows while the command runs."""
    return {
        "type": "modal",
        "callback_id": RESULT_CALLBACK,
        "title": dict(title),
        "blocks": [section(":hourglass_flowing_sand: Working on it…")],
    }


def result(reply: Reply, title: str, metadata: str) -> Block:
    """A reply shown in a modal (after a form, or a button pressed on the App Home)."""
    return {
        "type": "modal",
        "callback_id": RESULT_CALLBACK,
        "title": _title(title),
        "close": plain_text("Done", MODAL_TITLE_LIMIT),
        "private_metadata": metadata,
        "blocks": blocks(reply, MAX_VIEW_BLOCKS),
    }


def refused(view: Mapping[str, Any], values: Mapping[str, str], error: Reply) -> Block:
    """The submitted form again, with what was typed and the reason it was refused on top."""
    kept: list[Block] = []
    for block in view.get("blocks", []):
        if block.get("block_id") == ERROR_BLOCK:
            continue
        block = dict(block)
        name = block.get("block_id")
        if block.get("type") == "input" and isinstance(name, str) and values.get(name):
            element = block["element"]
            if element.get("type") == "static_select":
                # What was chosen stays chosen (an initial option must be one of the options).
                chosen = [o for o in element.get("options", []) if o["value"] == values[name]]
                if chosen:
                    block["element"] = {**element, "initial_option": chosen[0]}
            else:
                block["element"] = {**element, "initial_value": values[name]}
        kept.append(block)
    note = section(mrkdwn(":x: " + error.body, SECTION_LIMIT), ERROR_BLOCK)
    refreshed: Block = {
        "type": "modal",
        "callback_id": FORM_CALLBACK,
        "title": dict(view["title"]),
        "private_metadata": view.get("private_metadata", ""),
        "blocks": [note, *kept][:MAX_VIEW_BLOCKS],
    }
    for key in ("submit", "close"):
        if view.get(key):
            refreshed[key] = dict(view[key])
    return refreshed


def home(replies: Sequence[Reply], quick_actions: Sequence[Action]) -> Block:
    """The App Home tab: the replies one after another, then one row of buttons (the quick
    actions and the replies' own, once each)."""
    content: list[Block] = []
    for reply in replies:
        if content:
            content.append({"type": "divider"})
        content.extend(reply_content(reply))
    seen: set[str] = set()
    actions = []
    for action in (*quick_actions, *(a for r in replies for a in r.actions)):
        if action.command not in seen:
            seen.add(action.command)
            actions.append(action)
    return {"type": "home", "blocks": fit(content, buttons(actions), MAX_VIEW_BLOCKS)}


@dataclass(frozen=True, slots=True)
class ViewMeta:
    """What a modal remembers between Slack and us (its private_metadata): the command a
    form submits to, and where the conversation it came from can be answered."""

    command: tuple[str, ...] = ()
    channel_id: str | None = None
    response_url: str | None = None

    def encode(self) -> str:
        return json.dumps(
            {"c": list(self.command), "ch": self.channel_id, "r": self.response_url},
            separators=(",", ":"),
        )

    @classmethod
    def decode(cls, text: str) -> ViewMeta:
        try:
            data = json.loads(text)
            return cls(tuple(str(p) for p in data["c"]), data.get("ch"), data.get("r"))
        except (ValueError, KeyError, TypeError):
            return cls()
