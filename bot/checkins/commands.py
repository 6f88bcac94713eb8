"""The `checkin` command: a form when run alone, a direct save with inline answers."""

from __future__ import annotations

from bot.checkins import messages
from bot.checkins.model import Entry
from bot.checkins.service import CheckinService
from bot.commands import Args, Command, Option, OptionKind
from bot.context import Context
from bot.milestones.service import parse_ids
from bot.replies import Answer

MAX_HOURS = 80


def _entry(args: Args) -> Entry:
    return Entry(
        done=args.text("done"),
        hours=args.integer("hours"),
        next_steps=args.text("next"),
        blockers=args.text("blockers"),
        milestone_ids=parse_ids(args.text("milestones") or ""),
        confidence=args.integer("confidence"),
        blocker_subject=args.text("about"),
    )


def commands(service: CheckinService) -> tuple[Command, ...]:

    async def checkin(ctx: Context, args: Args) -> Answer:
        entry = _entry(args)
        user_id = ctx.caller.member.user_id
        if entry.is_empty():
            return messages.form(await service.draft(ctx.community, user_id, ctx.now))
        return messages.saved(await service.save(ctx.community, user_id, entry, ctx.now))

    return (
        Command(
            "checkin",
            "Your weekly check-in: what you did, hours, what's next, blockers",
            checkin,
            options=(
                Option("done", "What you got done this week"),
                Option(
                    "hours",
                    "Hours you put in this week",
                    OptionKind.INTEGER,
                    min_value=0,
                    max_value=MAX_HOURS,
                ),
                Option("next", "Your plan for next week"),
                Option("blockers", "Anything slowing you down"),
                Option(
                    "about",
                    "What the blocker is about: m:<milestone id>, t:<topic id>, or auto",
                    max_length=80,
                ),
                Option("milestones", "Milestone ids you finished, like python-fluency, git-daily"),
                Option(
                    "confidence",
                    "How confident you feel, 1 to 5",
                    OptionKind.INTEGER,
                    min_value=1,
                    max_value=5,
                ),
            ),
        ),
    )
