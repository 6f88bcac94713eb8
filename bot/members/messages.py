"""Everything the members feature says."""

from __future__ import annotations

from datetime import date, datetime

from bot.markdown import escape
from bot.members.model import Member
from bot.replies import Action, ActionStyle, Field, Reply, Tone

NOT_JOINED = (
    "You haven't joined the roadmap here yet. Start with `join`, or give your time zone and "
    "weekly hours too: `join timezone:Europe/Berlin hours:6`."
)
ALREADY_JOINED = (
    "You're already on the roadmap here. Use `profile` to see your details and "
    "`profile set` to change them."
)
NOTHING_TO_CHANGE = (
    "Nothing to change: give at least one of `timezone`, `start`, `hours`, `focus` or `public`, "
    "for example `profile set hours:8`."
)


def start_too_late(latest: date) -> str:
    return f"`start` is too far ahead: pick a date no later than {latest.isoformat()}."


def start_too_early(earliest: date) -> str:
    return f"`start` is too far back: pick a date no earlier than {earliest.isoformat()}."


def _profile_fields(member: Member, now: datetime) -> tuple[Field, ...]:
    week = member.week_of_journey(now)
    journey = f"week {week}" if week else f"starts {member.start_date.isoformat()}"
    return (
        Field("Time zone", escape(member.timezone)),
        Field("Started", member.start_date.isoformat()),
        Field("Journey", journey),
        Field("Weekly target", f"{member.weekly_hours} h"),
        Field("Focus", escape(member.focus) if member.focus else "not set"),
        Field("On leaderboards", "yes" if member.public else "hidden"),
    )


def joined(member: Member, now: datetime, returning: bool, zone_of_community: bool) -> Reply:
    intro = (
        "Welcome back! Your profile and earlier history are still here."
        if returning
        else "Welcome aboard! You're on the AI-engineer roadmap."
    )
    zone = (
        f" You have the community's time zone, {escape(member.timezone)}; if yours differs, "
        "set it like `profile set timezone:America/New_York`."
        if zone_of_community
        else ""
    )
    return Reply(
        title=f"{escape(member.display_name)} joined",
        body=(
            f"{intro}{zone} Check in once a week with `checkin`, see where you stand with "
            "`roadmap`, and change any of this with `profile set`."
        ),
        fields=_profile_fields(member, now),
        actions=(Action("See the roadmap", "roadmap", ActionStyle.PRIMARY),),
        tone=Tone.SUCCESS,
    )


def profile(member: Member, now: datetime, more: tuple[Field, ...] = ()) -> Reply:
    """The member's profile, with the fields other features add (`more`)."""
    return Reply(
        title=f"Profile of {escape(member.display_name)}",
        fields=(*_profile_fields(member, now), *more),
    )


def updated(member: Member, now: datetime) -> Reply:
    return Reply(title="Profile updated", fields=_profile_fields(member, now), tone=Tone.SUCCESS)


def left(member: Member) -> Reply:
    return Reply(
        title="You left the roadmap",
        body=(
            "No more prompts, reminders or matchups for you here. Your history is kept, so "
            "`join` brings you back where you were."
        ),
        tone=Tone.SUCCESS,
    )
