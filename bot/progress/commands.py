"""The `progress` command and the organizer `stats` command."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bot import pictures
from bot.commands import HEAVY, Access, Args, Command, Option, OptionKind
from bot.context import Context
from bot.progress import card, chart, messages
from bot.progress.service import ProgressService
from bot.replies import Answer

T = TypeVar("T")


def commands(service: ProgressService) -> tuple[Command, ...]:

    async def progress(ctx: Context, args: Args) -> Answer:
        result = await service.progress(
            ctx.community,
            ctx.caller.member.user_id,
            ctx.is_organizer,
            args.text("member"),
            ctx.now,
        )
        return messages.progress(result, await _picture(ctx, card.progress_card, result))

    async def stats(ctx: Context, args: Args) -> Answer:
        result = await service.stats(ctx.community, ctx.now)
        return messages.stats(result, await _picture(ctx, chart.stats_chart, result))

    return (
        Command(
            "progress",
            "Your weeks, hours and phases as text and a picture, or another member's",
            progress,
            options=(
                Option(
                    "member",
                    "Someone else's progress (if they are public)",
                    OptionKind.MEMBER,
                    positional=True,
                ),
            ),
            slow=True,
            cost=HEAVY,
        ),
        Command(
            "stats",
            "How the community is doing: weekly active members, check-in rate, who is at risk",
            stats,
            access=Access.ORGANIZER,
            slow=True,
            cost=HEAVY,
        ),
    )


async def _picture(ctx: Context, draw: Callable[[T], bytes], result: T) -> bytes | None:
    """The reply's picture, drawn off the event loop; None, and not drawn, where the caller
    cannot see it."""
    return await pictures.draw(draw, result) if ctx.caller.shows_images else None
