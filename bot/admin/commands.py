"""The organizer `setup` command: time zone, channels, schedules and organizers."""

from __future__ import annotations

from bot.admin import messages
from bot.commands import Access, Args, Autocomplete, Command, Option, OptionKind
from bot.communities.model import WEEKDAYS, Community, Purpose, Schedule
from bot.communities.service import CommunityService
from bot.dispatch import Context
from bot.errors import UserError
from bot.markdown import escape, mention
from bot.replies import Answer

_PURPOSES = tuple(p.value for p in Purpose)


def commands(communities: CommunityService) -> tuple[Command, ...]:
    async def setup(ctx: Context, args: Args) -> Answer:
        community = ctx.community
        changes: list[str] = []
        timezone = args.text("timezone")
        if timezone:
            changes.append(f"time zone {escape(timezone)}")
        channels = {p: c for p in Purpose if (c := args.text(p.value))}
        changes.extend(f"{p.value} in #{escape(c)}" for p, c in channels.items())
        schedule = _schedule(args, community)
        if schedule is not None:
            changes.append(
                f"{schedule.purpose.value} on {WEEKDAYS[schedule.weekday]} at {schedule.local_time}"
            )
        community = await communities.configure(
            community, timezone=timezone, channels=channels, schedule=schedule
        )
        if added := args.text("organizer"):
            new = await communities.add_organizer(community, added, ctx.caller.member.user_id)
            changes.append(f"{mention(added)} {'is now' if new else 'was already'} an organizer")
        if removed := args.text("remove-organizer"):
            gone = await communities.remove_organizer(community, removed)
            changes.append(
                f"{mention(removed)} {'is no longer' if gone else 'was not'} a named organizer"
            )
        organizers = await communities.organizers(community)
        return messages.overview(community, organizers, changes)

    return (
        Command(
            "setup",
            "Configure this community: time zone, channels, post times and organizers",
            setup,
            access=Access.ORGANIZER,
            options=(
                Option(
                    "timezone",
                    "The community's IANA time zone, used for post times",
                    OptionKind.TIMEZONE,
                    autocomplete=Autocomplete.TIMEZONE,
                ),
                *(
                    Option(p.value, f"The channel for {p.value} posts", OptionKind.CHANNEL)
                    for p in Purpose
                ),
                Option(
                    "post",
                    "Which post the day and time are for",
                    OptionKind.CHOICE,
                    choices=_PURPOSES,
                ),
                Option("day", "Day of the week for that post", OptionKind.CHOICE, choices=WEEKDAYS),
                Option("time", "Local time for that post (HH:MM, 24-hour)", OptionKind.TIME),
                Option("organizer", "Make this member an organizer", OptionKind.MEMBER),
                Option(
                    "remove-organizer", "Stop this member being an organizer", OptionKind.MEMBER
                ),
            ),
        ),
    )


def _schedule(args: Args, community: Community) -> Schedule | None:
    post, day, time = args.text("post"), args.text("day"), args.text("time")
    if post is None:
        if day is not None or time is not None:
            raise UserError(messages.SCHEDULE_NEEDS_POST)
        return None
    purpose = Purpose(post)
    if day is None and time is None:
        raise UserError(f"Give `day`, `time` or both for the {post} post.")
    existing = community.schedule(purpose)
    return Schedule(
        purpose,
        WEEKDAYS.index(day) if day else existing.weekday,
        time or existing.local_time,
    )
