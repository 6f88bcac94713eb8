"""Everything the organizer `setup` command says: the checklist, the guided setup and the
welcome post."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.admin.model import MEMBER_POSTS, SetupState
from bot.communities.model import WEEKDAYS, Purpose, Schedule
from bot.markdown import escape, mention
from bot.replies import Action, ActionStyle, Choice, Reply, Select, Tone

DONE, TODO = "✅", "⬜"
LABELS = {
    Purpose.CHALLENGES: "weekly challenge",
    Purpose.DIGEST: "reading digest",
    Purpose.CHECKINS: "check-in prompt",
    Purpose.MATCHUPS: "matchups",
    Purpose.REPORTS: "organizer report",
}
TRACK_LABELS = {"auto": "the phase most members are in", "all": "every phase in rotation"}
# Offered in the time zone picker after the organizer's own and the community's; any other
# IANA zone can be typed as a setup option.
ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Kyiv",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Africa/Nairobi",
    "Asia/Dubai",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Shanghai",
    "Asia/Tokyo",
    "Australia/Sydney",
    "Pacific/Auckland",
)
MAX_CHOICES = 25  # the most a select offers on Discord (Slack allows more)
REPORTS_PRIVATE = (
    "the weekly organizer report names members who may need help, so it never goes to a "
    "public channel by itself: pick a private organizers' channel"
)
WELCOME = (
    "Thanks for adding Cohort! An organizer (a server or workspace admin) can set it up right "
    "here: **Use the defaults** posts every member post in this channel and follows the "
    "built-in reading feeds; the pickers below change any of it. Anyone else who presses a "
    "button is told it is for organizers."
)
GUIDED = (
    "Pick below, or press **Use the defaults** to post every member post in this channel and "
    "follow the built-in reading feeds. Any setting can also be typed, like "
    "`setup timezone:Europe/Berlin challenges:#challenges post:challenges day:mon time:09:00`."
)


def schedule_needs_post(given: list[str]) -> str:
    names = " and ".join(f"`{name}`" for name in given)
    verb = "sets" if len(given) == 1 else "set"
    return (
        f"{names} {verb} the schedule of one kind of post: add `post:` with one of "
        + ", ".join(p.value for p in Purpose)
        + ", for example `setup post:digest day:fri time:16:00`."
    )


def when(schedule: Schedule) -> str:
    """When a schedule posts, in words."""
    if schedule.cron:
        return f"cron {escape(schedule.cron)}"
    return f"{WEEKDAYS[schedule.weekday]} {schedule.local_time}"


def checklist(state: SetupState) -> tuple[str, ...]:
    """What is configured and what is missing, one line each."""
    community = state.community
    lines = [f"{DONE} Time zone: {escape(community.timezone)}"]
    for purpose in Purpose:
        channel = community.channels.get(purpose)
        schedule = community.schedule(purpose)
        where = f"#{escape(channel)}" if channel else "no channel yet"
        status = when(schedule) if schedule.enabled else "turned off"
        mark = DONE if channel or not schedule.enabled else TODO
        why = f" ({REPORTS_PRIVATE})" if purpose is Purpose.REPORTS and mark == TODO else ""
        lines.append(f"{mark} {purpose.value.capitalize()}: {where}, {status}{why}")
    if state.feeds:
        builtin = f", {state.builtin_feeds} of them built-in" if state.builtin_feeds else ""
        lines.append(f"{DONE} Feeds: {state.feeds} followed{builtin}")
    else:
        lines.append(f"{TODO} Feeds: none, so the digest holds curated readings only")
    lines.append(f"{DONE} Challenge track: {_track(community.challenge_track)}")
    names = ", ".join(mention(o) for o in state.organizers) or "only platform admins"
    lines.append(f"{DONE} Organizers: {names}")
    return tuple(lines)


def _track(track: str) -> str:
    return TRACK_LABELS.get(track, f"phase {escape(track)}")


def fixes(state: SetupState, here: str | None) -> tuple[Action, ...]:
    """One button per gap the checklist shows that a click can close."""
    community = state.community
    actions: list[Action] = []
    if zone := state.suggested_timezone():
        actions.append(Action(f"Time zone {zone} (yours)", f"setup timezone:{zone}"))
    if here:
        for purpose in MEMBER_POSTS:
            if purpose not in community.channels and community.schedule(purpose).enabled:
                label = LABELS[purpose].capitalize()
                actions.append(Action(f"{label} here", f"setup {purpose.value}:{here}"))
    if not state.feeds:
        actions.append(Action("Follow the built-in feeds", "setup feeds:on"))
    return tuple(actions)


def defaults(state: SetupState, here: str) -> Action:
    """Every member post in `here`, the built-in feeds, and the organizer's time zone."""
    zone = state.suggested_timezone()
    line = f"setup all:{here} feeds:on" + (f" timezone:{zone}" if zone else "")
    return Action("Use the defaults", line, ActionStyle.PRIMARY)


def _selects(state: SetupState) -> tuple[Select, ...]:
    community = state.community
    member_channels = {community.channels.get(p) for p in MEMBER_POSTS}
    common = member_channels.pop() if len(member_channels) == 1 else None
    reports = community.channels.get(Purpose.REPORTS)
    zones = [z for z in (state.profile_timezone, community.timezone) if z]
    zones.extend(ZONES)
    tracks = [Choice(_track(t).capitalize(), t) for t in state.tracks]
    posts = tuple(p.value for p in Purpose if community.schedule(p).enabled)
    return (
        Select("Channel for every member post", "setup", "all", current=_one(common)),
        Select(
            "Organizers' channel for the report (keep it private)",
            "setup",
            "reports",
            current=_one(reports),
        ),
        Select(
            "Time zone",
            "setup",
            "timezone",
            tuple(Choice(z, z) for z in dict.fromkeys(zones))[:MAX_CHOICES],
            current=(community.timezone,),
        ),
        Select(
            "Posts to turn on",
            "setup",
            "posts",
            tuple(Choice(LABELS[p].capitalize(), p.value) for p in Purpose),
            multiple=True,
            current=posts,
        ),
        Select(
            "Challenge track", "setup", "track", tuple(tracks), current=(community.challenge_track,)
        ),
        Select(
            "Built-in reading feeds",
            "setup",
            "feeds",
            (Choice("Follow them", "on"), Choice("Don't follow them", "off")),
            current=("on" if state.builtin_feeds else "off",),
        ),
    )


def _one(value: str | None) -> tuple[str, ...]:
    return (value,) if value else ()


def guided(state: SetupState, here: str | None, intro: str = GUIDED) -> Reply:
    """The guided setup: the checklist, a button per gap, the defaults in one press, and a
    picker for each setting."""
    actions = [*fixes(state, here)]
    community = state.community
    if here and (not state.feeds or any(p not in community.channels for p in MEMBER_POSTS)):
        actions.insert(0, defaults(state, here))
    actions.append(Action("A channel per post", "setup pick:channels"))
    return Reply(
        title="Set up Cohort",
        body=intro,
        items=checklist(state),
        actions=tuple(actions),
        selects=_selects(state),
    )


def welcome(state: SetupState, here: str) -> Reply:
    """The guided setup as the post Cohort makes where it arrives."""
    return replace(guided(state, here, WELCOME), private=False)


def channel_pickers(state: SetupState) -> Reply:
    """A channel picker for each kind of post."""
    community = state.community
    return Reply(
        title="A channel per post",
        body=f"Pick where each post goes. For the organizer report, {REPORTS_PRIVATE}.",
        items=checklist(state)[1:6],
        selects=tuple(
            Select(
                f"Channel for the {LABELS[p]}",
                "setup",
                p.value,
                current=_one(community.channels.get(p)),
            )
            for p in Purpose
        ),
    )


def overview(
    state: SetupState, here: str | None, changes: list[str], unchanged: list[str]
) -> Reply:
    """The checklist after a change, with a button for each gap still open."""
    actions = (*fixes(state, here), Action("Guided setup", "setup"))
    saved = "Saved: " + "; ".join(changes) + "." if changes else ""
    label = "Unchanged" if changes else "Nothing changed"
    kept = f"{label}: " + "; ".join(unchanged) + "." if unchanged else ""
    body = " ".join(part for part in (saved, kept) if part)
    tone = Tone.SUCCESS if changes else Tone.INFO
    return Reply(
        title="Community setup", body=body, items=checklist(state), actions=actions, tone=tone
    )


def feeds_changed(on: bool, count: int, other: int) -> str:
    if on:
        kept = f" ({other} already followed)" if other and count else ""
        return (
            f"following {count} built-in feeds{kept}"
            if count
            else "built-in feeds already followed"
        )
    return f"stopped following {other} built-in feeds"


def unknown_posts(given: str) -> str:
    names = ", ".join(p.value for p in Purpose)
    return f"`posts` takes some of {names} separated by commas, or none; not `{escape(given)}`."


def cron_too_often(line: str, gap: timedelta) -> str:
    """A crontab line refused because it would post more often than once an hour."""
    minutes = int(gap.total_seconds() // 60)
    apart = "1 minute" if minutes == 1 else f"{minutes} minutes"
    return (
        f"`cron` may post at most once an hour, and {escape(line)} would post {apart} apart. "
        "Give one minute of the hour, like `0 9 * * mon`."
    )
