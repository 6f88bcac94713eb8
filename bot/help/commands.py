"""The `help` command."""

from __future__ import annotations

from collections.abc import Callable

from bot.commands import Args, Autocomplete, Catalogue, Command, Option, clip, suggest
from bot.context import Context
from bot.errors import UserError
from bot.help import messages
from bot.replies import Answer


def commands(catalogue: Callable[[], Catalogue]) -> tuple[Command, ...]:
    """`catalogue` is read when help runs, so help describes the whole, finished catalogue."""

    async def help_(ctx: Context, args: Args) -> Answer:
        whole = catalogue()
        name = args.text("command")
        if name is None:
            return messages.overview(whole, ctx.is_organizer, ctx.caller.member.community.platform)
        command = whole.get(name.lstrip("/").lower())
        if command is None:
            hint = suggest(name, whole.names()) if len(name) <= 40 else ""
            raise UserError(f"There is no command `{clip(name)}`.{hint}")
        platform = ctx.caller.member.community.platform
        return messages.detail(whole, command, platform, ctx.today())

    return (
        Command(
            "help",
            "What you can do with Cohort",
            help_,
            options=(
                Option(
                    "command",
                    "A command to explain",
                    positional=True,
                    max_length=40,
                    autocomplete=Autocomplete.COMMAND,
                ),
            ),
        ),
    )
