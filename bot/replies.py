"""The neutral answers the core gives: Reply (text, fields, image, actions) and Form (input)."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.grammar import quote


class Tone(StrEnum):
    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    ERROR = "error"


class ActionStyle(StrEnum):
    PRIMARY = "primary"
    SECONDARY = "secondary"
    DANGER = "danger"


@dataclass(frozen=True, slots=True)
class Action:
    """A button. `command` is the text-grammar line the core runs when it is pressed, so the
    same stable id works on every platform and after a restart."""

    label: str
    command: str
    style: ActionStyle = ActionStyle.SECONDARY


@dataclass(frozen=True, slots=True)
class Choice:
    """One entry of a :class:`Select`: what it shows and the option value it gives."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Select:
    """A drop-down. Choosing runs `command` with `option` set to the chosen value (a channel's
    id when `choices` is empty: a channel picker; else one choice's value, or several joined
    with commas when `multiple`). Like an Action, what it runs is a text-grammar line, so its
    id is stable across restarts and platforms."""

    label: str
    command: str
    option: str
    choices: tuple[Choice, ...] = ()
    multiple: bool = False
    current: tuple[str, ...] = ()  # the value(s) chosen now, shown as the default

    @property
    def picks_channel(self) -> bool:
        return not self.choices

    def line(self, values: Sequence[str]) -> str:
        """The command line that choosing `values` runs (`none` when a multiple choice was
        emptied)."""
        return f"{self.command} {self.option}:{quote(','.join(values) or 'none')}"


@dataclass(frozen=True, slots=True)
class Field:
    """A labelled value shown beside the body (an embed field, a Slack section field)."""

    name: str
    value: str
    inline: bool = True


@dataclass(frozen=True, slots=True)
class Image:
    """A PNG picture attached to a reply."""

    filename: str
    data: bytes
    alt: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file attached to a reply that is not a picture, such as a data export."""

    filename: str
    data: bytes
    media_type: str  # its MIME type, like application/json


@dataclass(frozen=True, slots=True)
class Reply:
    """What a command answers. `body`, field values and items are in the subset described
    in :mod:`bot.markdown`; `private` replies are shown only to the caller where the
    platform allows it."""

    body: str = ""
    title: str | None = None
    fields: tuple[Field, ...] = ()
    items: tuple[str, ...] = ()
    image: Image | None = None
    actions: tuple[Action, ...] = ()
    selects: tuple[Select, ...] = ()
    tone: Tone = Tone.INFO
    private: bool = True
    attachment: Attachment | None = None

    @classmethod
    def error(cls, body: str, title: str | None = None) -> Reply:
        return cls(body=body, title=title, tone=Tone.ERROR)


class FieldKind(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"  # one of `choices`, or none: a drop-down where the platform has one


@dataclass(frozen=True, slots=True)
class FormField:
    """One input of a form; `name` is the option of the command the form submits to."""

    name: str
    label: str
    required: bool = False
    kind: FieldKind = FieldKind.SHORT_TEXT
    max_length: int = 1000
    placeholder: str = ""
    value: str = ""
    choices: tuple[Choice, ...] = ()  # what a CHOICE field offers
    spare: bool = False  # left out first where a platform's form has little room


@dataclass(frozen=True, slots=True)
class Form:
    """A request for input. Submitting it runs `command` (a catalogue path such as
    ``("checkin",)``) with the field values as options."""

    title: str
    command: tuple[str, ...]
    fields: tuple[FormField, ...] = field(default_factory=tuple)
    intro: str = ""

    def missing(self) -> tuple[FormField, ...]:
        """The required fields that have no value yet."""
        return tuple(f for f in self.fields if f.required and not f.value.strip())


Answer = Reply | Form


def encode(reply: Reply) -> str:
    """A reply as JSON, for the outbox."""
    data: dict[str, Any] = {
        "body": reply.body,
        "title": reply.title,
        "fields": [[f.name, f.value, f.inline] for f in reply.fields],
        "items": list(reply.items),
        "actions": [[a.label, a.command, a.style.value] for a in reply.actions],
        "tone": reply.tone.value,
        "private": reply.private,
    }
    if reply.selects:
        data["selects"] = [
            [
                s.label,
                s.command,
                s.option,
                [[c.label, c.value] for c in s.choices],
                s.multiple,
                list(s.current),
            ]
            for s in reply.selects
        ]
    if reply.image:
        data["image"] = [
            reply.image.filename,
            base64.b64encode(reply.image.data).decode("ascii"),
            reply.image.alt,
        ]
    if reply.attachment:
        data["attachment"] = [
            reply.attachment.filename,
            base64.b64encode(reply.attachment.data).decode("ascii"),
            reply.attachment.media_type,
        ]
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def decode(text: str) -> Reply:
    """The reply :func:`encode` wrote."""
    data = json.loads(text)
    image = data.get("image")
    attachment = data.get("attachment")
    return Reply(
        body=data["body"],
        title=data["title"],
        fields=tuple(Field(n, v, i) for n, v, i in data["fields"]),
        items=tuple(data["items"]),
        image=Image(image[0], base64.b64decode(image[1]), image[2]) if image else None,
        actions=tuple(
            Action(label, cmd, ActionStyle(style)) for label, cmd, style in data["actions"]
        ),
        selects=tuple(
            Select(label, command, option, tuple(Choice(*c) for c in choices), multiple, tuple(now))
            for label, command, option, choices, multiple, now in data.get("selects", ())
        ),
        tone=Tone(data["tone"]),
        private=data["private"],
        attachment=(
            Attachment(attachment[0], base64.b64decode(attachment[1]), attachment[2])
            if attachment
            else None
        ),
    )
