"""The `nudges` command: reminders on or off."""

from __future__ import annotations

from bot.commands import Args, Command, Option, OptionKind
from bot.context import Context
from bot.nudges import messages
from bot.nudges.service import NudgeService
from bot.replies import Answer


def commands(service: NudgeService) -> tuple[Command, ...]:

    async def nudges(ctx: Context, args: Args) -> Answer:
        wanted = args.text("setting")
        on = None if wanted is None else wanted == "on"
        now_on = await service.set(ctx.community, ctx.caller.member.user_id, on)
        return messages.setting(now_on, changed=on is not None)

    return (
        Command(
            "nudges",
            "Reminder messages before your streak breaks and when a goal is due: on or off",
            nudges,
            options=(
                Option(
                    "setting",
                    "on or off; leave it out to see the setting",
                    OptionKind.CHOICE,
                    positional=True,
                    choices=("on", "off"),
                ),
            ),
        ),
    )
