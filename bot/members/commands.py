"""The members commands: join, profile (show and set) and leave."""

from __future__ import annotations

from bot.commands import Args, Autocomplete, Command, Option, OptionKind
from bot.context import Context
from bot.members import messages
from bot.members.service import MemberService, ProfileChange
from bot.replies import Answer

_PROFILE_OPTIONS = (
    Option(
        "timezone",
        "Your IANA time zone, like Europe/Berlin",
        OptionKind.TIMEZONE,
        autocomplete=Autocomplete.TIMEZONE,
    ),
    Option("start", "The day your roadmap starts (YYYY-MM-DD)", OptionKind.DATE),
    Option("hours", "Hours a week you aim to study", OptionKind.INTEGER, min_value=1, max_value=80),
    Option("focus", "What you want to focus on, like 'nlp, llm apps'", max_length=200),
)


def _change(args: Args) -> ProfileChange:
    return ProfileChange(
        timezone=args.text("timezone"),
        start_date=args.date("start"),
        weekly_hours=args.integer("hours"),
        focus=args.text("focus"),
        public=args.boolean("public"),
    )


def commands(members: MemberService) -> tuple[Command, ...]:
    async def join(ctx: Context, args: Args) -> Answer:
        member, returning = await members.join(
            ctx.community.id, ctx.caller, ctx.community.timezone, _change(args), ctx.now
        )
        zone_of_community = not returning and args.text("timezone") is None
        return messages.joined(member, ctx.now, returning, zone_of_community)

    async def show(ctx: Context, args: Args) -> Answer:
        member = await members.require(ctx.community.id, ctx.caller.member.user_id)
        return messages.profile(member, ctx.now, await members.profile_sections(member, ctx.now))

    async def set_(ctx: Context, args: Args) -> Answer:
        member = await members.update_profile(
            ctx.community.id, ctx.caller.member.user_id, _change(args), ctx.now
        )
        return messages.updated(member, ctx.now)

    async def leave(ctx: Context, args: Args) -> Answer:
        member = await members.leave(ctx.community.id, ctx.caller.member.user_id, ctx.now)
        return messages.left(member)

    return (
        Command(
            "join",
            "Join the AI-engineer roadmap in this community",
            join,
            options=_PROFILE_OPTIONS,
        ),
        Command(
            "profile",
            "See or change your roadmap profile",
            subcommands=(
                Command("show", "See your profile", show),
                Command(
                    "set",
                    "Change your time zone, start date, weekly hours, focus or visibility",
                    set_,
                    options=(
                        *_PROFILE_OPTIONS,
                        Option(
                            "public",
                            "Show you on leaderboards (true or false)",
                            OptionKind.BOOLEAN,
                        ),
                    ),
                ),
            ),
            default="show",
        ),
        Command("leave", "Leave the roadmap here; your history is kept", leave),
    )
