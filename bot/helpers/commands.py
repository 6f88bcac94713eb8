"""The `helper` commands: on, off, status, find, ask, decline, helped and block."""

from __future__ import annotations

from bot.commands import MAX_ID, Args, Command, Option, OptionKind
from bot.context import Context
from bot.errors import UserError
from bot.helpers import messages
from bot.helpers.service import MAX_LIMIT, HelperService
from bot.milestones.service import parse_ids
from bot.replies import Answer


def _phases(text: str) -> tuple[int, ...]:
    ids = parse_ids(text)
    if not all(i.isdigit() and len(i) <= 2 for i in ids):
        raise UserError("Give phases as numbers, like `phases:1,2`.")
    return tuple(int(i) for i in ids)


def _request(name: str = "request") -> Option:
    return Option(
        name,
        "The blocker's number, from the button",
        OptionKind.INTEGER,
        required=True,
        positional=True,
        min_value=1,
        max_value=MAX_ID,
    )


def commands(service: HelperService) -> tuple[Command, ...]:
    async def on(ctx: Context, args: Args) -> Answer:
        chosen = await service.turn_on(
            ctx.community,
            ctx.caller.member.user_id,
            parse_ids(args.text("topics") or ""),
            _phases(args.text("phases") or ""),
            args.integer("limit"),
            ctx.now,
        )
        return messages.turned_on(chosen)

    async def off(ctx: Context, args: Args) -> Answer:
        return messages.turned_off(
            await service.turn_off(ctx.community, ctx.caller.member.user_id, ctx.now)
        )

    async def status(ctx: Context, args: Args) -> Answer:
        return messages.standing(
            await service.standing(ctx.community, ctx.caller.member.user_id, ctx.now)
        )

    async def find(ctx: Context, args: Args) -> Answer:
        return messages.offered(
            await service.find(
                ctx.community, ctx.caller.member.user_id, args.text("subject"), ctx.now
            )
        )

    async def ask(ctx: Context, args: Args) -> Answer:
        helper = await service.ask(
            ctx.community,
            ctx.caller.member.user_id,
            args.integer("request") or 0,
            args.integer("helper") or 0,
            ctx.now,
        )
        return messages.asked(helper)

    async def decline(ctx: Context, args: Args) -> Answer:
        await service.decline(
            ctx.community, ctx.caller.member.user_id, args.integer("request") or 0, ctx.now
        )
        return messages.declined_ack()

    async def helped(ctx: Context, args: Args) -> Answer:
        yes = args.text("answer") == "yes"
        changed = await service.answer(
            ctx.community, ctx.caller.member.user_id, args.integer("request") or 0, yes, ctx.now
        )
        return messages.answered(yes, changed)

    async def block(ctx: Context, args: Args) -> Answer:
        other = args.text("member") or ""
        undo = bool(args.boolean("undo"))
        changed = await service.block(
            ctx.community, ctx.caller.member.user_id, other, undo, ctx.now
        )
        return messages.blocked(other, undo, changed)

    return (
        Command(
            "helper",
            "Help members stuck where you've been, and get help when you're stuck",
            subcommands=(
                Command("status", "Whether you help, and the credits and freezes earned", status),
                Command(
                    "on",
                    "Offer your help to members stuck on milestones you finished",
                    on,
                    options=(
                        Option("topics", "Only these topic ids, like rag, evaluation"),
                        Option("phases", "Only members in these phases, like 1,2"),
                        Option(
                            "limit",
                            f"Requests a week at most (1 to {MAX_LIMIT})",
                            OptionKind.INTEGER,
                            min_value=1,
                            max_value=MAX_LIMIT,
                        ),
                    ),
                ),
                Command("off", "Stop offering your help", off),
                Command(
                    "find",
                    "Find helpers for the blocker of this week's check-in",
                    find,
                    options=(
                        Option(
                            "subject",
                            "What it is about: m:<milestone id> or t:<topic id>",
                            max_length=80,
                        ),
                    ),
                ),
                Command(
                    "ask",
                    "Ask one of the helpers offered: opens a private conversation",
                    ask,
                    options=(
                        _request(),
                        Option(
                            "helper",
                            "The helper's number in the offer",
                            OptionKind.INTEGER,
                            required=True,
                            positional=True,
                            min_value=1,
                            max_value=3,
                        ),
                    ),
                ),
                Command(
                    "decline", "Say you can't help with a request", decline, options=(_request(),)
                ),
                Command(
                    "helped",
                    "Say whether the helper's conversation helped",
                    helped,
                    options=(
                        _request(),
                        Option(
                            "answer",
                            "Did it help?",
                            OptionKind.CHOICE,
                            required=True,
                            positional=True,
                            choices=("yes", "no"),
                        ),
                    ),
                ),
                Command(
                    "block",
                    "Never be offered to or offered this member as a helper",
                    block,
                    options=(
                        Option(
                            "member",
                            "The member",
                            OptionKind.MEMBER,
                            required=True,
                            positional=True,
                        ),
                        Option("undo", "Lift the block", OptionKind.BOOLEAN),
                    ),
                ),
            ),
            default="status",
        ),
    )
