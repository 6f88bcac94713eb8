"""The `match` commands: join, leave, skip, status, block and met for members; preview, run,
stats and settings for organizers."""

from __future__ import annotations

from bot.commands import HEAVY, MAX_ID, Access, Args, Command, Option, OptionKind
from bot.context import Context
from bot.matchups import messages, organizer_messages
from bot.matchups.model import ClassMode, Mode
from bot.matchups.service import CADENCES, MatchService
from bot.replies import Answer


def commands(matchups: MatchService) -> tuple[Command, ...]:
    async def join(ctx: Context, args: Args) -> Answer:
        joined = await matchups.join(
            ctx.community,
            ctx.caller.member.user_id,
            args.text("interests"),
            args.boolean("share"),
            ctx.now,
        )
        here = ctx.caller.channel_id if ctx.is_organizer else None
        return messages.joined(joined, here)

    async def leave(ctx: Context, args: Args) -> Answer:
        await matchups.leave(ctx.community, ctx.caller.member.user_id)
        return messages.left()

    async def skip(ctx: Context, args: Args) -> Answer:
        undo = bool(args.boolean("undo"))
        await matchups.skip(ctx.community, ctx.caller.member.user_id, undo)
        return messages.skipping(undo)

    async def status(ctx: Context, args: Args) -> Answer:
        user_id = ctx.caller.member.user_id
        return messages.status(await matchups.overview(ctx.community, user_id, ctx.now), user_id)

    async def block(ctx: Context, args: Args) -> Answer:
        other = args.text("member") or ""
        undo = bool(args.boolean("undo"))
        changed = await matchups.block(
            ctx.community, ctx.caller.member.user_id, other, undo, ctx.now
        )
        return messages.blocked(other, undo, changed)

    async def met(ctx: Context, args: Args) -> Answer:
        answer = args.text("answer") == "yes"
        await matchups.answer(
            ctx.community, ctx.caller.member.user_id, args.integer("round") or 0, answer, ctx.now
        )
        return messages.answered(answer)

    async def preview(ctx: Context, args: Args) -> Answer:
        return organizer_messages.preview(await matchups.preview(ctx.community, ctx.now))

    async def run(ctx: Context, args: Args) -> Answer:
        return organizer_messages.ran(await matchups.run_now(ctx.community, ctx.now))

    async def stats(ctx: Context, args: Args) -> Answer:
        return organizer_messages.stats(await matchups.stats(ctx.community))

    async def settings(ctx: Context, args: Args) -> Answer:
        cadence, size, mode = args.text("cadence"), args.integer("size"), args.text("mode")
        classes = args.text("classes")
        changed = any(v is not None for v in (cadence, size, mode, classes))
        if changed:
            chosen = await matchups.configure(ctx.community, cadence, size, mode, classes)
        else:
            chosen = await matchups.settings(ctx.community)
        return organizer_messages.settings_shown(chosen, ctx.community, changed)

    def undo(what: str) -> Option:
        return Option("undo", what, OptionKind.BOOLEAN)

    return (
        Command(
            "match",
            "Weekly peer matchups: meet someone at your point of the roadmap",
            subcommands=(
                Command(
                    "status",
                    "See your current match and your matchup settings",
                    status,
                ),
                Command(
                    "join",
                    "Take part in the matchups, or change your interests",
                    join,
                    options=(
                        Option(
                            "interests",
                            "What you'd like to talk about, like 'nlp, rag, mlops'",
                            max_length=300,
                        ),
                        Option(
                            "share",
                            "Share one blocker from your last check-in with your match",
                            OptionKind.BOOLEAN,
                        ),
                    ),
                ),
                Command("leave", "Stop taking part in the matchups", leave),
                Command(
                    "skip",
                    "Sit out the next round only",
                    skip,
                    options=(undo("Take part in the next round after all"),),
                ),
                Command(
                    "block",
                    "Never be matched with a member (they are not told)",
                    block,
                    options=(
                        Option(
                            "member",
                            "The member never to be matched with",
                            OptionKind.MEMBER,
                            required=True,
                            positional=True,
                        ),
                        undo("Lift the block"),
                    ),
                ),
                Command(
                    "met",
                    "Tell whether you met your match",
                    met,
                    options=(
                        Option(
                            "round",
                            "The round's number, from its buttons",
                            OptionKind.INTEGER,
                            required=True,
                            min_value=1,
                            max_value=MAX_ID,
                        ),
                        Option(
                            "answer",
                            "Did you meet?",
                            OptionKind.CHOICE,
                            required=True,
                            choices=("yes", "no"),
                        ),
                    ),
                ),
                Command(
                    "preview",
                    "See the groups the next round would make (only you see them)",
                    preview,
                    access=Access.ORGANIZER,
                    slow=True,
                    cost=HEAVY,
                ),
                Command(
                    "run",
                    "Make the next round now, the one `match preview` shows",
                    run,
                    access=Access.ORGANIZER,
                    slow=True,
                    cost=HEAVY,
                ),
                Command(
                    "stats", "Rounds, met rate and repeats avoided", stats, access=Access.ORGANIZER
                ),
                Command(
                    "settings",
                    "See or change the cadence, group size, mode and class preference",
                    settings,
                    access=Access.ORGANIZER,
                    options=(
                        Option(
                            "cadence",
                            "How often rounds are made",
                            OptionKind.CHOICE,
                            choices=CADENCES,
                        ),
                        Option(
                            "size",
                            "People per group (2 to 4)",
                            OptionKind.INTEGER,
                            min_value=2,
                            max_value=4,
                        ),
                        Option(
                            "mode",
                            "peers: same phase; mentor: one phase apart; mixed: any phase",
                            OptionKind.CHOICE,
                            choices=tuple(m.value for m in Mode),
                        ),
                        Option(
                            "classes",
                            "within: prefer pairs from one class (start month); across: mix them",
                            OptionKind.CHOICE,
                            choices=tuple(c.value for c in ClassMode),
                        ),
                    ),
                ),
            ),
            default="status",
        ),
    )
