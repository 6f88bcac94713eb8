"""The `goal` commands: add, list and done."""

from __future__ import annotations

from bot.commands import MAX_ID, Args, Command, Option, OptionKind
from bot.context import Context
from bot.goals import messages
from bot.goals.service import GoalService
from bot.replies import Answer


def commands(service: GoalService) -> tuple[Command, ...]:

    async def add(ctx: Context, args: Args) -> Answer:
        goal, today = await service.add(
            ctx.community,
            ctx.caller.member.user_id,
            args.text("text") or "",
            args.date("due"),
            ctx.now,
        )
        return messages.added(goal, today)

    async def list_(ctx: Context, args: Args) -> Answer:
        return messages.listing(
            await service.goals(ctx.community, ctx.caller.member.user_id, ctx.now)
        )

    async def done(ctx: Context, args: Args) -> Answer:
        goal, first_time = await service.complete(
            ctx.community, ctx.caller.member.user_id, args.integer("id") or 0, ctx.now
        )
        return messages.completed(goal, first_time)

    return (
        Command(
            "goal",
            "Your own goals with due dates: add, list, done",
            subcommands=(
                Command(
                    "add",
                    "Add a goal, with a due date if you like",
                    add,
                    options=(
                        Option("text", "The goal, like 'Ship a RAG demo'", required=True),
                        Option("due", "When it is due (YYYY-MM-DD)", OptionKind.DATE),
                    ),
                ),
                Command("list", "Your goals, open ones first", list_),
                Command(
                    "done",
                    "Tick a goal off",
                    done,
                    options=(
                        Option(
                            "id",
                            "The goal's number from `goal list`",
                            OptionKind.INTEGER,
                            required=True,
                            positional=True,
                            min_value=1,
                            max_value=MAX_ID,
                        ),
                    ),
                ),
            ),
            default="list",
        ),
    )
