"""Everything the organizer `setup` command says."""

from __future__ import annotations

from datetime import timedelta

from bot.communities.model import WEEKDAYS, Community, Purpose, Schedule
from bot.markdown import escape, mention
from bot.replies import Field, Reply, Tone


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


def overview(
    community: Community, organizers: list[str], changes: list[str], unchanged: list[str]
) -> Reply:
    fields = [Field("Time zone", escape(community.timezone))]
    for purpose in Purpose:
        channel = community.channels.get(purpose)
        schedule = community.schedule(purpose)
        where = f"#{escape(channel)}" if channel else "no channel yet"
        fields.append(Field(purpose.value.capitalize(), f"{where}, {when(schedule)}"))
    names = ", ".join(mention(o) for o in organizers) or "only platform admins"
    fields.append(Field("Organizers", names, inline=False))
    if changes or unchanged:
        saved = "Saved: " + "; ".join(changes) + "." if changes else ""
        label = "Unchanged" if changes else "Nothing changed"
        kept = f"{label}: " + "; ".join(unchanged) + "." if unchanged else ""
        body = " ".join(part for part in (saved, kept) if part)
        tone = Tone.SUCCESS if changes else Tone.INFO
        return Reply(title="Community setup", body=body, fields=tuple(fields), tone=tone)
    body = (
        "Change any of this with options, for example "
        "`setup timezone:Europe/Berlin challenges:#challenges post:challenges day:mon time:09:00`."
    )
    return Reply(title="Community setup", body=body, fields=tuple(fields))


def cron_too_often(line: str, gap: timedelta) -> str:
    """A crontab line refused because it would post more often than once an hour."""
    minutes = int(gap.total_seconds() // 60)
    apart = "1 minute" if minutes == 1 else f"{minutes} minutes"
    return (
        f"`cron` may post at most once an hour, and {escape(line)} would post {apart} apart. "
        "Give one minute of the hour, like `0 9 * * mon`."
    )
