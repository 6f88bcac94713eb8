"""The organizer `setup` command: the guided setup and its checklist, time zone, channels,
schedules, posts turned on, challenge track, built-in feeds and organizers."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from apscheduler.triggers.cron import CronTrigger

from bot.admin import messages
from bot.admin.model import MEMBER_POSTS
from bot.admin.service import SetupService
from bot.challenges.service import TRACKS
from bot.commands import Access, Args, Autocomplete, Command, Option, OptionKind
from bot.communities.model import WEEKDAYS, Community, Purpose, Schedule
from bot.content.model import ContentPack
from bot.content.problems import ContentError
from bot.content.provider import BUILTIN, ContentProvider
from bot.context import Context
from bot.errors import UserError
from bot.fire_times import next_fire, trigger
from bot.markdown import escape, mention
from bot.replies import Answer

_PURPOSES = tuple(p.value for p in Purpose)


def commands(service: SetupService, content: ContentProvider) -> tuple[Command, ...]:
    communities = service.communities

    async def setup(ctx: Context, args: Args) -> Answer:
        community = ctx.community
        user_id, here = ctx.caller.member.user_id, ctx.caller.channel_id
        if not args.given():
            return messages.guided(await service.state(community, user_id), here)
        if args.text("pick") is not None:
            return messages.channel_pickers(await service.state(community, user_id))
        changes: list[str] = []
        timezone = args.text("timezone")
        if timezone:
            changes.append(f"time zone {escape(timezone)}")
        channels = _channels(args)
        changes.extend(f"{p.value} in #{escape(c)}" for p, c in channels.items())
        schedules = _enabled(args, community)
        changes.extend(f"{s.purpose.value} {'on' if s.enabled else 'off'}" for s in schedules)
        if (schedule := _schedule(args, community)) is not None:
            schedules.append(schedule)
            changes.append(f"{schedule.purpose.value} {messages.when(schedule)}")
        track = args.text("track")
        if track is not None:
            changes.append(f"challenge track {escape(track)}")
        pack_name = args.text("content")
        if pack_name is not None:
            pack = _pack(content, pack_name)
            changes.append(f"content pack {escape(pack.info.name)} ({escape(pack_name)})")
        community = await communities.configure(
            community,
            timezone=timezone,
            channels=channels,
            schedules=schedules,
            challenge_track=track,
            content_dir="" if pack_name == BUILTIN else pack_name,
        )
        if (feeds := args.text("feeds")) is not None:
            changes.append(await service.builtin_feeds(community, feeds == "on", user_id, ctx.now))
        unchanged: list[str] = []
        if added := args.text("organizer"):
            if await communities.add_organizer(community, added, user_id, ctx.now):
                changes.append(f"{mention(added)} is now an organizer")
            else:
                unchanged.append(f"{mention(added)} was already an organizer")
        if removed := args.text("remove-organizer"):
            if await communities.remove_organizer(community, removed):
                changes.append(f"{mention(removed)} is no longer a named organizer")
            else:
                unchanged.append(f"{mention(removed)} was not a named organizer")
        state = await service.state(community, user_id)
        return messages.overview(state, here, changes, unchanged)

    return (
        Command(
            "setup",
            "Set up this community: guided, or by time zone, channels, posts and organizers",
            setup,
            access=Access.ORGANIZER,
            options=(
                Option(
                    "all",
                    "The channel for every member post: "
                    + ", ".join(p.value for p in MEMBER_POSTS),
                    OptionKind.CHANNEL,
                ),
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
                Option(
                    "cron",
                    "Instead of day and time: a crontab line, like '0 9 * * mon,thu'; 'off' "
                    "goes back to day and time",
                    max_length=100,
                ),
                Option(
                    "posts",
                    "The posts to turn on, separated by commas (the others are turned off), "
                    "or none",
                    max_length=100,
                ),
                Option(
                    "track",
                    "The challenge track: auto (the phase most members are in), all, or a phase",
                    OptionKind.CHOICE,
                    choices=TRACKS,
                ),
                Option(
                    "feeds",
                    "on to follow the built-in reading feeds, off to drop them",
                    OptionKind.CHOICE,
                    choices=("on", "off"),
                ),
                Option(
                    "pick",
                    "channels: a channel picker for each kind of post",
                    OptionKind.CHOICE,
                    choices=("channels",),
                ),
                Option(
                    "content",
                    f"A content pack from the host's packs folder, or {BUILTIN}",
                    max_length=64,
                ),
                Option("organizer", "Make this member an organizer", OptionKind.MEMBER),
                Option(
                    "remove-organizer", "Stop this member being an organizer", OptionKind.MEMBER
                ),
            ),
        ),
    )


def _channels(args: Args) -> dict[Purpose, str]:
    """The channels given, each post's own over `all`."""
    every = args.text("all")
    channels = dict.fromkeys(MEMBER_POSTS, every) if every else {}
    channels.update({p: c for p in Purpose if (c := args.text(p.value))})
    return {p: c for p, c in channels.items() if c}


def _enabled(args: Args, community: Community) -> list[Schedule]:
    """The schedules `posts` turns on or off (those it changes)."""
    text = args.text("posts")
    if text is None:
        return []
    names = {n.strip().lower() for n in text.split(",") if n.strip()} - {"none"}
    if not names <= set(_PURPOSES):
        raise UserError(messages.unknown_posts(text))
    changed = []
    for purpose in Purpose:
        schedule = community.schedule(purpose)
        if schedule.enabled != (purpose.value in names):
            changed.append(replace(schedule, enabled=purpose.value in names))
    return changed


def _schedule(args: Args, community: Community) -> Schedule | None:
    post, day, time, cron = (
        args.text("post"),
        args.text("day"),
        args.text("time"),
        args.text("cron"),
    )
    if post is None:
        given = [name for name in ("day", "time", "cron") if args.text(name) is not None]
        if given:
            raise UserError(messages.schedule_needs_post(given))
        return None
    purpose = Purpose(post)
    if day is None and time is None and cron is None:
        raise UserError(f"Give `day`, `time` or both (or `cron`) for the {post} post.")
    existing = community.schedule(purpose)
    if cron is not None:
        cron = None if cron.lower() == "off" else _crontab(cron, community.timezone)
    elif day is None and time is None:
        cron = existing.cron
    return Schedule(
        purpose,
        WEEKDAYS.index(day) if day else existing.weekday,
        time or existing.local_time,
        existing.enabled,
        cron=cron,
    )


def _crontab(line: str, timezone: str) -> str:
    try:
        cron = trigger(Schedule(Purpose.CHALLENGES, 0, "00:00", cron=line), timezone)
    except ValueError as error:
        raise UserError(
            f"`cron` expects five fields (minute hour day month weekday), like "
            f"`0 9 * * mon`: {error}."
        ) from None
    gap = _shortest_gap(cron)
    if gap is not None and gap < timedelta(hours=1):
        raise UserError(messages.cron_too_often(line, gap))
    return line


CRON_SAMPLE_FROM = datetime(2026, 1, 1, tzinfo=UTC)
"""Where the sample of a crontab's fire times starts: any fixed moment does, since a line that
fires twice in an hour does so in every hour it fires in."""


def _shortest_gap(cron: CronTrigger, fires: int = 24) -> timedelta | None:
    """The shortest time between two of the crontab's first `fires` fire times."""
    times: list[datetime] = []
    cursor: datetime | None = CRON_SAMPLE_FROM
    while cursor is not None and len(times) < fires:
        cursor = next_fire(cron, cursor)
        if cursor is not None:
            times.append(cursor)
    return min((b - a for a, b in itertools.pairwise(times)), default=None)


def _pack(content: ContentProvider, name: str) -> ContentPack:
    """The named pack, or an error listing the first of its problems."""
    try:
        return content.named(name)
    except ContentError as error:
        shown = "\n".join(f"- {escape(e)}" for e in error.errors[:5])
        more = len(error.errors) - 5
        tail = f"\n...and {more} more." if more > 0 else ""
        raise UserError(
            f"The pack `{escape(name)}` has {len(error.errors)} problem(s), so it was not "
            f"switched on:\n{shown}{tail}\nThe host can see them all with "
            "`cohort content check`."
        ) from None
