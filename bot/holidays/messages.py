"""Everything the holiday commands say."""

from __future__ import annotations

from datetime import date, timedelta

from bot.replies import Reply, Tone
from bot.weeks import week_label


def already_closed(week: date) -> str:
    return (
        f"Check-ins for {week_label(week)} have closed somewhere already, so its streaks are "
        "settled: a holiday can only be declared or withdrawn before then."
    )


def too_far(weeks: int) -> str:
    return f"That is too far ahead: declare holidays at most {weeks} weeks in advance."


def not_a_holiday(week: date) -> str:
    return f"{week_label(week)} is not a holiday week."


def declared(week: date, new: bool) -> Reply:
    body = (
        f"{week_label(week)} is a holiday week: nobody's streak breaks or spends a freeze "
        "for it. Check-ins that week still count."
    )
    if not new:
        body = f"{week_label(week)} was already a holiday week."
    return Reply(title="Holiday week", body=body, tone=Tone.SUCCESS)


def withdrawn(week: date) -> Reply:
    return Reply(
        title="Holiday withdrawn",
        body=f"{week_label(week)} is an ordinary week again.",
        tone=Tone.SUCCESS,
    )


def listing(weeks: list[date], today: date) -> Reply:
    if not weeks:
        return Reply(
            title="Holiday weeks",
            body="No holiday weeks ahead. Declare one with any day of it, like "
            f"`holiday add week:{(today + timedelta(weeks=1)).isoformat()}`.",
        )
    return Reply(
        title="Holiday weeks",
        body="These weeks keep everyone's streak as it is:",
        items=tuple(week_label(w) for w in weeks),
    )
