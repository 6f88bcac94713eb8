"""Renders core replies and forms as plain terminal text."""

from __future__ import annotations

from adapters.console.files import Shelf
from bot.markdown import plain
from bot.replies import Action, FieldKind, Form, FormField, Reply, Select, Tone


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
    if field.kind is FieldKind.CHOICE and field.choices:
        return choice_prompt(field, current)
    need = "required" if field.required else "optional, Enter to skip"
    hint = f" e.g. {field.placeholder}" if field.placeholder else ""
    shown = f" [{current}]" if current else ""
    return f"{plain(field.label)} ({need}{hint}){shown}: "


def choice_prompt(field: FormField, current: str) -> str:
    """A choice as numbered lines, then the prompt for a number (the current one in
    brackets)."""
    hint = field.placeholder[:1].lower() + field.placeholder[1:]
    need = "required" if field.required else "optional, Enter to skip"
    lines = [f"{plain(field.label)} ({need}; {hint})" if hint else f"{plain(field.label)} ({need})"]
    number = ""
    for n, choice in enumerate(field.choices, 1):
        lines.append(f"  {n}. {plain(choice.label)}")
        if choice.value == current:
            number = str(n)
    shown = f" [{number}]" if number else ""
    return "\n".join(lines) + f"\nNumber{shown}: "


def chosen(field: FormField, typed: str) -> str | None:
    """The value a typed number (or a choice's own value) picks; None when it picks none."""
    values = [c.value for c in field.choices]
    if typed.isdigit() and 1 <= int(typed) <= len(values):
        return values[int(typed) - 1]
    return typed if typed in values else None


def missing_fields(form: Form) -> str:
    names = ", ".join(f"{f.name} ({plain(f.label)})" for f in form.missing())
    return f"error: {plain(form.title)} needs {names}. Give them inline, like name:value."
