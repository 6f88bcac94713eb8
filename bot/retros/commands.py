"""The `retro` command: the form when run alone, a direct save with inline answers."""

from __future__ import annotations

from bot.commands import Args, Command, Option, OptionKind
from bot.context import Context
from bot.replies import Answer
from bot.retros import messages
from bot.retros.model import MAX_GOAL, MAX_TEXT, Answers
from bot.retros.service import RetroService


def commands(service: RetroService) -> tuple[Command, ...]:
    async def retro(ctx: Context, args: Args) -> Answer:
        answers = Answers(
            went_well=args.text("well"),
            to_change=args.text("change"),
            goal=args.text("goal"),
            share=args.boolean("share"),
        )
        user_id = ctx.caller.member.user_id
        if answers.is_empty():
            return messages.form(await service.draft(ctx.community, user_id, ctx.now))
        return messages.answered(await service.answer(ctx.community, user_id, answers, ctx.now))

    return (
        Command(
            "retro",
            "Your quarterly retro: what went well, what to change, one goal",
            retro,
            options=(
                Option("well", "What went well this quarter", max_length=MAX_TEXT),
                Option("change", "What you would change", max_length=MAX_TEXT),
                Option("goal", "One goal for the next quarter", max_length=MAX_GOAL),
                Option(
                    "share",
                    "Show your goal, with your name, in your class's summary",
                    OptionKind.BOOLEAN,
                ),
            ),
        ),
    )
