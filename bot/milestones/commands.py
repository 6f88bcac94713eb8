"""The milestones commands: `done` (a milestone, by its id) and `milestones` (the checklist)."""

from __future__ import annotations

from bot.commands import MAX_ID, Args, Autocomplete, Command, Option, OptionKind
from bot.context import Context
from bot.dispatch import Suggest
from bot.milestones import messages
from bot.milestones.service import MilestoneService
from bot.replies import Answer


def suggester(service: MilestoneService) -> Suggest:
    """Autocomplete for milestone ids, for `Dispatcher.add_suggester`."""

    async def suggest(ctx: Context, typed: str) -> list[str]:
        return await service.suggest(ctx.community, ctx.caller.member.user_id, typed, ctx.now)

    return suggest


def commands(service: MilestoneService) -> tuple[Command, ...]:

    async def done(ctx: Context, args: Args) -> Answer:
        result = await service.complete(
            ctx.community,
            ctx.caller.member.user_id,
            args.text("milestone") or "",
            args.text("evidence"),
            ctx.now,
        )
        return messages.completed(result)

    async def checklist(ctx: Context, args: Args) -> Answer:
        result = await service.checklist(
            ctx.community, ctx.caller.member.user_id, args.integer("phase"), ctx.now
        )
        return messages.checklist(result)

    return (
        Command(
            "milestones",
            "Your phase's milestones as a checklist, with your progress in every phase",
            checklist,
            options=(
                Option(
                    "phase",
                    "Another phase, like 2",
                    OptionKind.INTEGER,
                    min_value=1,
                    max_value=MAX_ID,
                ),
            ),
        ),
        Command(
            "done",
            "Mark a roadmap milestone done, with a link to your work if you like",
            done,
            options=(
                Option(
                    "milestone",
                    "The milestone's id, like python-fluency",
                    required=True,
                    positional=True,
                    max_length=64,
                    autocomplete=Autocomplete.MILESTONE,
                ),
                Option("evidence", "A link to what you made", OptionKind.URL),
            ),
        ),
    )
