"""Slash commands derived from the core catalogue: one per command, a group for each command
with subcommands, typed options, choices and autocomplete."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable, Sequence

import discord
from discord import AppCommandOptionType, ChannelType, app_commands

from adapters.discord import convert
from adapters.discord.convert import Interaction
from adapters.discord.handlers import Handlers
from adapters.discord.render import clip
from bot.commands import Access, Catalogue, Command, Option, OptionKind

DESCRIPTION_LIMIT = 100
MAX_CHOICES = 25
CHOICE_LIMIT = 100  # characters in a choice's name and value
STRING_LIMIT = 6000
MANAGE_SERVER = discord.Permissions(manage_guild=True)

_TYPES = {
    OptionKind.INTEGER: AppCommandOptionType.integer,
    OptionKind.BOOLEAN: AppCommandOptionType.boolean,
    OptionKind.MEMBER: AppCommandOptionType.user,
    OptionKind.CHANNEL: AppCommandOptionType.channel,
}  # every other kind is typed as text and validated by the core
_POST_CHANNELS = [ChannelType.text, ChannelType.news]

Suggest = Callable[[Interaction, str], Awaitable[list[str]]]
ChoiceList = list[app_commands.Choice[int | float | str]]


class OptionTransformer(app_commands.Transformer):
    """Declares one core option to Discord and hands its value back as the core's raw text."""

    def __init__(self, option: Option) -> None:
        self.option = option

    @property
    def type(self) -> AppCommandOptionType:
        return _TYPES.get(self.option.kind, AppCommandOptionType.string)

    @property
    def min_value(self) -> int | None:
        return self.option.min_value if self.option.kind is OptionKind.INTEGER else None

    @property
    def max_value(self) -> int | None:
        if self.option.kind is OptionKind.INTEGER:
            return self.option.max_value
        if self.type is AppCommandOptionType.string:  # for text, Discord reads this as a length
            return min(self.option.max_length, STRING_LIMIT)
        return None

    @property
    def channel_types(self) -> list[ChannelType]:
        return _POST_CHANNELS

    @property
    def choices(self) -> list[app_commands.Choice[int | float | str]] | None:
        if self.option.kind is not OptionKind.CHOICE or len(self.option.choices) > MAX_CHOICES:
            return None
        return [app_commands.Choice(name=c, value=c) for c in self.option.choices]

    async def transform(self, interaction: Interaction, value: object, /) -> str:
        return convert.option_text(value)


class SuggestingTransformer(OptionTransformer):
    """An option whose values are suggested while the user types."""

    def __init__(self, option: Option, suggest: Suggest) -> None:
        super().__init__(option)
        self._suggest = suggest

    async def autocomplete(
        self, interaction: Interaction, value: int | float | str, /
    ) -> ChoiceList:
        values = await self._suggest(interaction, str(value))
        choices: ChoiceList = [
            app_commands.Choice(name=v, value=v) for v in values if 0 < len(v) <= CHOICE_LIMIT
        ]
        return choices[:MAX_CHOICES]


def _transformer(option: Option, handlers: Handlers) -> OptionTransformer:
    source = option.autocomplete
    if option.kind is OptionKind.CHOICE and len(option.choices) > MAX_CHOICES:
        # Discord shows at most 25 fixed choices; longer lists are offered while typing.
        return SuggestingTransformer(option, _matching(option.choices))
    if source is not None and option.kind is not OptionKind.CHOICE and option.kind not in _TYPES:

        async def suggest(interaction: Interaction, typed: str) -> list[str]:
            return await handlers.suggest(interaction, source, typed)

        return SuggestingTransformer(option, suggest)
    return OptionTransformer(option)


def _matching(choices: Sequence[str]) -> Suggest:
    async def suggest(interaction: Interaction, typed: str) -> list[str]:
        needle = typed.strip().lower()
        return [c for c in choices if needle in c.lower()]

    return suggest


def _leaf(
    path: tuple[str, ...],
    command: Command,
    handlers: Handlers,
    parent: app_commands.Group | None,
) -> app_commands.Command[app_commands.Group, ..., None]:
    """One slash command (or subcommand) that hands its options to the core as raw text."""
    names = {f"option_{i}": option.name for i, option in enumerate(command.options)}

    async def callback(interaction: Interaction, **values: str | None) -> None:
        raw = convert.raw_options({names[key]: value for key, value in values.items()})
        await handlers.command(interaction, path, command, raw)

    interaction_parameter = inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_ONLY)
    parameters = [
        inspect.Parameter(
            key,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=_transformer(option, handlers),
            default=inspect.Parameter.empty if option.required else None,
        )
        for key, option in zip(names, command.options, strict=True)
    ]
    # discord.py reads a command's options from its callback's signature; the catalogue
    # decides them at run time, so the signature is declared rather than written out.
    callback.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [interaction_parameter, *parameters]
    )
    if names:
        app_commands.describe(
            **{
                key: clip(option.description, DESCRIPTION_LIMIT)
                for key, option in zip(names, command.options, strict=True)
            }
        )(callback)
        app_commands.rename(**names)(callback)
    return app_commands.Command(
        name=command.name,
        description=clip(command.description, DESCRIPTION_LIMIT),
        callback=callback,
        parent=parent,
    )


def _organizers_only(commands: Iterable[Command]) -> discord.Permissions | None:
    """Manage Server as the default permission when every command under a name is for
    organizers. Server admins can widen this, so the core checks again on every call."""
    return MANAGE_SERVER if all(c.access is Access.ORGANIZER for c in commands) else None


def register(
    tree: app_commands.CommandTree[discord.Client], catalogue: Catalogue, handlers: Handlers
) -> None:
    """Add every catalogue command to the tree."""
    for command in catalogue.commands:
        if command.subcommands:
            group = app_commands.Group(
                name=command.name,
                description=clip(command.description, DESCRIPTION_LIMIT),
                guild_only=True,
                default_permissions=_organizers_only(command.subcommands),
            )
            for sub in command.subcommands:
                group.add_command(_leaf((command.name, sub.name), sub, handlers, group))
            tree.add_command(group)
        else:
            leaf = _leaf((command.name,), command, handlers, None)
            leaf.guild_only = True
            leaf.default_permissions = _organizers_only([command])
            tree.add_command(leaf)
