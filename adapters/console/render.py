"""Renders core replies and forms as plain terminal text."""

from __future__ import annotations

from adapters.console.files import Shelf
from bot.markdown import plain
from bot.replies import Action, Form, FormField, Reply, Select, Tone


def reply(answer: Reply, shelf: Shelf) -> str:
    """The reply as text; its picture and file are written with `shelf`, and their paths shown."""
    lines: list[str] = []
    if answer.title:
        lines.append(f"== {plain(answer.title)} ==")
    if answer.body:
        text = plain(answer.body)
        lines.append(f"error: {text}" if answer.tone is Tone.ERROR else text)
    lines.extend(f"{plain(f.name)}: {plain(f.value)}" for f in answer.fields)
    lines.extend(f"- {plain(item)}" for item in answer.items)
    if answer.image:
        path = shelf.keep(answer.image.filename, answer.image.data)
        lines.append(f"[picture: {plain(answer.image.alt)}] saved to {path}")
    if answer.attachment:
        path = shelf.keep(answer.attachment.filename, answer.attachment.data)
        lines.append(f"[file: {len(answer.attachment.data)} bytes] saved to {path}")
    if answer.actions:
        lines.append("Next: " + " | ".join(f"/{a.command}" for a in answer.actions))
    lines.extend(f"{plain(s.label)}: /{s.command} {s.option}:{_shape(s)}" for s in answer.selects)
    return "\n".join(lines)


def _shape(select: Select) -> str:
    if select.picks_channel:
        return "#channel"
    values = "|".join(c.value for c in select.choices)
    return f"{values} (several, with commas)" if select.multiple else values


def choosing(primary: Action | None) -> str:
    """The question after a reply with pickers: its primary button, or choose each setting."""
    run = f"Enter runs /{primary.command}, " if primary else "Enter skips, "
    return f"{run}`pick` sets each setting in turn, or type a command: "


def select_prompt(select: Select) -> str:
    if select.picks_channel:
        what = "a channel name"
    else:
        what = ("some of " if select.multiple else "one of ") + ", ".join(
            c.value for c in select.choices
        )
        what += ", separated by commas" if select.multiple else ""
    shown = f" [{','.join(select.current)}]" if select.current else ""
    return f"{plain(select.label)} ({what}; Enter keeps, {EMPTY} skips){shown}: "


EMPTY = "-"
"""Typed at a form's prompt: empty the field rather than keep its value."""
FIX_FORM = "Fix what the error names: Enter keeps each value as typed, :cancel stops."


def form_intro(form: Form) -> str:
    lines = [f"== {plain(form.title)} =="]
    if form.intro:
        lines.append(plain(form.intro))
    lines.append(
        f"Enter keeps the value in [brackets], {EMPTY} empties it; :cancel stops without sending."
    )
    return "\n".join(lines)


def field_prompt(field: FormField, current: str) -> str:
    need = "required" if field.required else "optional, Enter to skip"
    hint = f" e.g. {field.placeholder}" if field.placeholder else ""
    shown = f" [{current}]" if current else ""
    return f"{plain(field.label)} ({need}{hint}){shown}: "


def missing_fields(form: Form) -> str:
    names = ", ".join(f"{f.name} ({plain(f.label)})" for f in form.missing())
    return f"error: {plain(form.title)} needs {names}. Give them inline, like name:value."
