"""Everything the pause commands say."""

from __future__ import annotations

from datetime import date, timedelta

from bot.pauses.model import Pause
from bot.replies import Reply, Tone


def not_paused(today: date) -> str:
    back = today + timedelta(weeks=2)
    return (
        "You are not paused. To step away for a while, give the day you are back, like "
        f"`pause until:{back.isoformat()}`."
    )


def too_short(earliest: date) -> str:
    return (
        f"A pause lasts at least a week: pick `until` no earlier than {earliest.isoformat()}. "
        "A single missed week is covered by a freeze when you hold one."
    )


def too_long(latest: date) -> str:
    return (
        f"A pause lasts at most 26 weeks: pick `until` no later than {latest.isoformat()}. "
        "You can pause again when it ends, or `leave` and come back with `join`."
    )


def paused(pause: Pause) -> Reply:
    return Reply(
        title="Paused",
        body=(
            f"Enjoy the break. Until {pause.ends_on:%A %Y-%m-%d} your streak is kept as it is, "
            "and you get no reminders or matchups. You are back by yourself that day, or "
            "earlier with `resume`. Check-ins in between still count."
        ),
        tone=Tone.SUCCESS,
    )


def resumed() -> Reply:
    return Reply(
        title="Welcome back",
        body="Your pause is over: reminders and matchups start again. Check in with `checkin`.",
        tone=Tone.SUCCESS,
    )
