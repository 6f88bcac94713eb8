"""What every interaction does, in order: acknowledge (defer when the command is slow), convert,
call one core function, render the answer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from adapters.discord import convert, forms, render
from adapters.discord.convert import FormTarget, Interaction, Pick, Run
from bot.commands import Autocomplete, Command
from bot.dispatch import Dispatcher
from bot.errors import UserError
from bot.grammar import GrammarError, tokenize
from bot.identity import CommunityRef, Platform
from bot.replies import Answer, Form


class Handlers:
    """The adapter's side of every interaction; the client and its buttons call these."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self._dispatcher = dispatcher

    async def command(
        self,
        interaction: Interaction,
        path: Sequence[str],
        command: Command,
        raw: Mapping[str, str],
    ) -> None:
        """A slash command."""
        if command.slow:
            await interaction.response.defer(ephemeral=True, thinking=True)
        answer = await self._dispatcher.run(convert.caller(interaction), path, raw)
        await self._answer(interaction, answer)

    async def arrived(self, guild_id: str, channel_id: str) -> None:
        """Cohort was added to a server; `channel_id` is where it may greet the organizers."""
        await self._dispatcher.arrived(CommunityRef(Platform.DISCORD, guild_id), channel_id)

    async def suggest(
        self, interaction: Interaction, source: Autocomplete, typed: str
    ) -> list[str]:
        """Autocomplete for an option while the user types it."""
        return await self._dispatcher.suggestions(convert.caller(interaction), source, typed)

    async def run(self, interaction: Interaction, run: Run) -> None:
        """A button that runs a command line."""
        if self._slow_line(run.line):
            await interaction.response.defer(ephemeral=True, thinking=True)
        caller = convert.caller(interaction, run.guild_id)
        answer = await self._dispatcher.run_line(caller, run.line)
        await self._answer(interaction, answer, run.guild_id)

    async def pick(self, interaction: Interaction, pick: Pick) -> None:
        """A choice made in a select: runs the line the select and the choice make."""
        line = pick.select.line(convert.chosen(_data(interaction)))
        await self.run(interaction, Run(line, pick.guild_id))

    async def open_form(self, interaction: Interaction, target: FormTarget) -> None:
        """A button that opens a form. Never deferred: a modal can only be the first answer
        to an interaction, and asking the core for a form is quick."""
        caller = convert.caller(interaction, target.guild_id)
        answer = await self._dispatcher.run(caller, target.path, {})
        await self._answer(interaction, answer, target.guild_id)

    async def submit_form(self, interaction: Interaction, target: FormTarget) -> None:
        """A submitted modal: its inputs become the options of the command it names."""
        if self._slow_path(target.path):
            await interaction.response.defer(ephemeral=True, thinking=True)
        caller = convert.caller(interaction, target.guild_id)
        values = convert.modal_values(_data(interaction))
        answer = await self._dispatcher.run(caller, target.path, values)
        # Discord does not let a modal answer a modal: a form comes back as a button.
        await self._answer(interaction, answer, target.guild_id, modal_allowed=False)

    def _slow_line(self, line: str) -> bool:
        try:
            words = [t.text for t in tokenize(line)]
            _, command, _ = self._dispatcher.catalogue.resolve(words)
        except (GrammarError, UserError):
            return False  # the core answers with the problem, quickly
        return command.slow

    def _slow_path(self, path: Sequence[str]) -> bool:
        try:
            _, command, _ = self._dispatcher.catalogue.resolve(list(path))
        except UserError:
            return False
        return command.slow

    async def _answer(
        self,
        interaction: Interaction,
        answer: Answer,
        guild_id: str | None = None,
        *,
        modal_allowed: bool = True,
    ) -> None:
        if isinstance(answer, Form):
            if modal_allowed and not interaction.response.is_done():
                await interaction.response.send_modal(forms.modal(answer, guild_id))
                return
            await _send(interaction, forms.form_invitation(answer, guild_id), private=True)
            return
        await _send(interaction, render.reply(answer, guild_id), private=answer.private)


async def _send(interaction: Interaction, messages: list[render.Outgoing], private: bool) -> None:
    """Send the rendered messages as the interaction's response and follow-ups.

    Deferrals are ephemeral (most answers are personal), and the message that completes a
    deferral keeps its visibility; so a public answer after a deferral turns the placeholder
    into a short note and follows up in public."""
    response = interaction.response
    rest = messages[1:]
    if not response.is_done():
        await response.send_message(**_parts(messages[0]), ephemeral=private)
    elif private:
        first = messages[0]
        await interaction.edit_original_response(
            embeds=first.embeds, attachments=first.files, view=first.view
        )
    else:
        await interaction.edit_original_response(content=render.PUBLIC_FOLLOWS)
        rest = messages
    for message in rest:
        await interaction.followup.send(**_parts(message), ephemeral=private)


def _parts(message: render.Outgoing) -> dict[str, Any]:
    parts: dict[str, Any] = {"embeds": message.embeds}
    if message.files:
        parts["files"] = message.files
    if message.view is not None:
        parts["view"] = message.view
    return parts


def _data(interaction: Interaction) -> Mapping[str, Any] | None:
    data = interaction.data
    return dict(data) if data is not None else None
