"""The organizer `report` commands: preview the weekly report, choose where and when it goes,
and nudge a member (what the report's buttons run)."""

from __future__ import annotations

from bot import pictures
from bot.commands import HEAVY, Access, Args, Command, Option, OptionKind
from bot.communities.model import WEEKDAYS
from bot.context import Context
from bot.replies import Answer
from bot.reports import chart, messages
from bot.reports.service import ReportService


def commands(service: ReportService) -> tuple[Command, ...]:

    async def preview(ctx: Context, args: Args) -> Answer:
        result = await service.preview(ctx.community, ctx.now)
        drawn = (
            await pictures.draw(chart.report_chart, result.rates)
            if ctx.caller.shows_images
            else None
        )
        return messages.report(result, drawn)

    async def settings(ctx: Context, args: Args) -> Answer:
        day = args.text("day")
        community = await service.configure(
            ctx.community,
            args.text("channel"),
            None if day is None else WEEKDAYS.index(day),
            args.text("time"),
        )
        return messages.settings(community, changed=bool(args.given()))

    async def nudge(ctx: Context, args: Args) -> Answer:
        result = await service.nudge(ctx.community, args.text("member") or "", ctx.now)
        return messages.nudged(result)

    return (
        Command(
            "report",
            "The weekly organizer report: see it now, choose its channel and time, nudge a member",
            access=Access.ORGANIZER,
            subcommands=(
                Command(
                    "preview",
                    "The weekly report as it would be posted now, shown only to you",
                    preview,
                    slow=True,
                    cost=HEAVY,
                ),
                Command(
                    "settings",
                    "Where and when the weekly report goes; leave the options out to see it",
                    settings,
                    options=(
                        Option(
                            "channel",
                            "An organizers' channel (never one with public posts)",
                            OptionKind.CHANNEL,
                        ),
                        Option(
                            "day", "Day of the week for it", OptionKind.CHOICE, choices=WEEKDAYS
                        ),
                        Option("time", "Local time for it (HH:MM, 24-hour)", OptionKind.TIME),
                    ),
                ),
                Command(
                    "nudge",
                    "Send a member a kind word from the organizers, once a week at most",
                    nudge,
                    options=(
                        Option(
                            "member",
                            "Who to nudge",
                            OptionKind.MEMBER,
                            required=True,
                            positional=True,
                        ),
                    ),
                ),
            ),
            default="preview",
        ),
    )
