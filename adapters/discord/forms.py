"""Renders core forms as Discord modals (text inputs and string selects in labels, within
Discord's limits), and the button that opens one when a modal cannot be the answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord

from adapters.discord.convert import form_id
from adapters.discord.render import (
    BUTTON_LABEL_LIMIT,
    COLOURS,
    DESCRIPTION_LIMIT,
    ELLIPSIS,
    PLACEHOLDER_LIMIT,
    SELECT_LABEL_LIMIT,
    SELECT_OPTIONS,
    SELECT_VALUE_LIMIT,
    TITLE_LIMIT,
    Outgoing,
    clip,
    markdown,
)
from bot.markdown import plain
from bot.replies import FieldKind, Form, FormField, Tone

MODAL_TITLE_LIMIT = 45
MODAL_COMPONENTS = 5
INPUT_LABEL_LIMIT = 45
INPUT_LIMIT = 4000


def modal(form: Form, guild_id: str | None = None) -> discord.ui.Modal:
    """A form as a modal: up to five components, the required fields first when a form has
    more fields than fit, and the intro on top when there is room for it."""
    window = discord.ui.Modal(
        title=clip(plain(form.title), MODAL_TITLE_LIMIT) or ELLIPSIS,
        custom_id=form_id(form.command, guild_id),
        timeout=None,
    )
    fields = _fitting_fields(form.fields, MODAL_COMPONENTS)
    if form.intro and len(fields) < MODAL_COMPONENTS:
        window.add_item(discord.ui.TextDisplay(clip(markdown(form.intro), INPUT_LIMIT)))
    for item in fields:
        window.add_item(
            discord.ui.Label(
                text=clip(plain(item.label), INPUT_LABEL_LIMIT) or item.name,
                component=_input(item),
            )
        )
    # Submissions are handled by the client from the custom id alone, so they work after a
    # restart; a stopped modal is never kept in discord.py's modal store.
    window.stop()
    return window


def _input(item: FormField) -> discord.ui.Item[Any]:
    """A field's input: a text input, or a string select (Discord allows one in a label)."""
    if item.kind is FieldKind.CHOICE and item.choices:
        choices = item.choices[:SELECT_OPTIONS]
        return discord.ui.Select(
            custom_id=item.name,
            placeholder=clip(item.placeholder, PLACEHOLDER_LIMIT) or None,
            min_values=1 if item.required else 0,
            max_values=1,
            required=item.required,
            options=[
                discord.SelectOption(
                    label=clip(plain(c.label), SELECT_LABEL_LIMIT) or c.value,
                    value=c.value[:SELECT_VALUE_LIMIT],
                    default=bool(item.value) and c.value == item.value,
                )
                for c in choices
            ],
        )
    return discord.ui.TextInput(
        custom_id=item.name,
        style=(
            discord.TextStyle.paragraph
            if item.kind is FieldKind.LONG_TEXT
            else discord.TextStyle.short
        ),
        placeholder=clip(item.placeholder, PLACEHOLDER_LIMIT) or None,
        default=item.value[:INPUT_LIMIT] or None,
        required=item.required,
        max_length=max(1, min(item.max_length, INPUT_LIMIT)),
    )


def _fitting_fields(fields: Sequence[FormField], room: int) -> list[FormField]:
    """The fields that fit, in their order: required ones first, then optional ones, then
    the spare ones (a form marks what may be left out first)."""
    ranked = sorted(range(len(fields)), key=lambda i: (not fields[i].required, fields[i].spare, i))[
        :room
    ]
    return [fields[i] for i in sorted(ranked)]


def form_invitation(form: Form, guild_id: str | None = None) -> list[Outgoing]:
    """A message with a button that opens the form, for when a modal cannot be the answer
    (the interaction was already acknowledged)."""
    view = discord.ui.View(timeout=None)
    view.add_item(
        discord.ui.Button(
            label=clip(plain(form.title), BUTTON_LABEL_LIMIT) or ELLIPSIS,
            custom_id=form_id(form.command, guild_id),
            style=discord.ButtonStyle.primary,
        )
    )
    view.stop()  # dispatched by the client's dynamic items, as for reply buttons
    embed = discord.Embed(
        title=clip(markdown(form.title), TITLE_LIMIT),
        description=clip(markdown(form.intro), DESCRIPTION_LIMIT) or None,
        colour=COLOURS[Tone.INFO],
    )
    return [Outgoing(embeds=[embed], view=view)]
