"""The `export` and `forget-me` commands."""

from __future__ import annotations

from bot.commands import HEAVY, Args, Command, Option
from bot.context import Context
from bot.privacy import messages
from bot.privacy.service import PrivacyService
from bot.replies import Answer


def commands(service: PrivacyService) -> tuple[Command, ...]:

    async def export(ctx: Context, args: Args) -> Answer:
        return messages.exported(
            await service.export(ctx.community, ctx.caller.member.user_id, ctx.now)
        )

    async def forget_me(ctx: Context, args: Args) -> Answer:
        code = args.text("confirm")
        if code is None:
            return messages.preview(await service.preview(ctx.community, ctx.caller.member.user_id))
        await service.forget(ctx.community, ctx.caller.member.user_id, code)
        return messages.forgotten()

    return (
        Command("export", "All your data here, as a JSON file", export, slow=True, cost=HEAVY),
        Command(
            "forget-me",
            "Delete everything Cohort holds about you here, after a confirmation",
            forget_me,
            options=(
                Option(
                    "confirm", "The code `forget-me` shows, to confirm the deletion", max_length=20
                ),
            ),
        ),
    )
