"""The `leaderboard` command."""

from __future__ import annotations

from bot.commands import Args, Command, Option, OptionKind
from bot.context import Context
from bot.leaderboards import messages
from bot.leaderboards.model import Board, Period
from bot.leaderboards.service import LeaderboardService
from bot.replies import Answer


def commands(service: LeaderboardService) -> tuple[Command, ...]:

    async def leaderboard(ctx: Context, args: Args) -> Answer:
        board = Board(args.text("board") or Board.STREAK)
        period = Period(args.text("period") or Period.ALL)
        result = await service.leaderboard(
            ctx.community, ctx.caller.member.user_id, board, period, ctx.now
        )
        return messages.leaderboard(result)

    return (
        Command(
            "leaderboard",
            "Top ten on streaks, hours or milestones, and where you stand",
            leaderboard,
            options=(
                Option(
                    "board",
                    "What to rank by",
                    OptionKind.CHOICE,
                    positional=True,
                    choices=tuple(b.value for b in Board),
                ),
                Option(
                    "period",
                    "Over which weeks (hours and milestones)",
                    OptionKind.CHOICE,
                    choices=tuple(p.value for p in Period),
                ),
            ),
        ),
    )
