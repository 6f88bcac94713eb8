"""The organizer `holiday` commands: declare, withdraw and list holiday weeks."""

from __future__ import annotations

from bot.commands import Access, Args, Command, Option, OptionKind
from bot.context import Context
from bot.holidays import messages
from bot.holidays.service import HolidayService
from bot.replies import Answer

_WEEK = Option(
    "week", "Any day of the week, like 2026-12-21", OptionKind.DATE, required=True, positional=True
)


def commands(service: HolidayService) -> tuple[Command, ...]:

    async def add(ctx: Context, args: Args) -> Answer:
        day = args.date("week") or ctx.today()
        week, new = await service.declare(ctx.community, day, ctx.caller.member.user_id, ctx.now)
        return messages.declared(week, new)

    async def remove(ctx: Context, args: Args) -> Answer:
        day = args.date("week") or ctx.today()
        return messages.withdrawn(await service.withdraw(ctx.community, day, ctx.now))

    async def list_(ctx: Context, args: Args) -> Answer:
        return messages.listing(await service.upcoming(ctx.community, ctx.now), ctx.today())

    return (
        Command(
            "holiday",
            "Holiday weeks: weeks that keep everyone's streak as it is",
            access=Access.ORGANIZER,
            subcommands=(
                Command("add", "Declare a holiday week", add, options=(_WEEK,)),
                Command(
                    "remove", "Make a holiday week an ordinary week again", remove, options=(_WEEK,)
                ),
                Command("list", "The holiday weeks ahead", list_),
            ),
            default="list",
        ),
    )
