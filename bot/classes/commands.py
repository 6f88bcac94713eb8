"""The `classmates` command."""

from __future__ import annotations

from bot.classes import messages
from bot.classes.service import ClassService
from bot.commands import Args, Command
from bot.context import Context
from bot.replies import Answer


def commands(service: ClassService) -> tuple[Command, ...]:
    async def classmates(ctx: Context, args: Args) -> Answer:
        found = await service.classmates(ctx.community, ctx.caller.member.user_id, ctx.now)
        return messages.classmates(found)

    return (
        Command(
            "classmates",
            "Your class: who started the same month, how many are active, its leaderboard",
            classmates,
        ),
    )
