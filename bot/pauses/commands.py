"""The `pause` and `resume` commands."""

from __future__ import annotations

from bot.commands import Args, Command, Option, OptionKind
from bot.context import Context
from bot.pauses import messages
from bot.pauses.service import PauseService
from bot.replies import Answer


def commands(service: PauseService) -> tuple[Command, ...]:

    async def pause(ctx: Context, args: Args) -> Answer:
        until = args.date("until") or ctx.today()
        pause = await service.pause(ctx.community, ctx.caller.member.user_id, until, ctx.now)
        return messages.paused(pause)

    async def resume(ctx: Context, args: Args) -> Answer:
        await service.resume(ctx.community, ctx.caller.member.user_id, ctx.now)
        return messages.resumed()

    return (
        Command(
            "pause",
            "Step away until a date: your streak is kept, no reminders or matchups",
            pause,
            options=(
                Option(
                    "until",
                    "The day you are back (YYYY-MM-DD)",
                    OptionKind.DATE,
                    required=True,
                    positional=True,
                ),
            ),
        ),
        Command("resume", "End your pause now", resume),
    )
