"""Everything the progress and stats views say."""

from __future__ import annotations

from bot.checkins.messages import counted, streak_fields, weeks
from bot.markdown import escape
from bot.members.model import Member
from bot.milestones.messages import progress_fields
from bot.progress.model import Progress, Stats
from bot.replies import Action, Field, Image, Reply
from bot.weeks import week_key

QUOTED = 300
AT_RISK_LISTED = 15
SHORT_HISTORY = 8
"""Fewer weeks than this since the first check-in: the card shows this many slots, the weeks
still ahead left empty to fill, instead of 26 weeks mostly from before the member began."""


def headline(progress: Progress) -> str:
    """The line under the name: where the member is, said so that week one sounds like a
    start and not like 25 weeks missed."""
    checked, counted_weeks = progress.checked, progress.counted_weeks
    if checked == 0:
        return "the first check-in starts the streak"
    if counted_weeks == 1:
        return "first check-in done: a great start"
    if counted_weeks < SHORT_HISTORY:
        return f"{counted(checked, 'check-in')} in the first {counted_weeks} weeks"
    return f"checked in {checked} of the last {counted_weeks} weeks"


def not_a_member() -> str:
    return "That member hasn't joined the roadmap here."


def private(member: Member) -> str:
    return f"{escape(member.display_name)} keeps their progress private."


def _quote(text: str) -> str:
    clipped = text if len(text) <= QUOTED else text[: QUOTED - 1] + "…"
    return escape(clipped)


def _where(progress: Progress) -> str:
    standing = progress.standing
    if standing.plan is None:
        return f"The journey starts on {standing.start.isoformat()}."
    phase = standing.plan.phase
    return f"Week {standing.week} of the journey, phase {phase.number}: {phase.title}."


def progress(result: Progress, card: bytes | None) -> Reply:
    member = result.member
    streak = result.streak
    lines = [
        _where(result),
        f"Streak **{weeks(streak.current)}** (best {weeks(streak.best)}). "
        f"{headline(result).capitalize()}, {result.hours} h in all.",
    ]
    if result.pause is not None:
        lines.append(f"Paused until {result.pause.ends_on.isoformat()}.")
    lines.extend(result.notes)
    last = result.last
    if result.own and last is not None:
        lines.append(f"Last check-in, {week_key(last.week)}: {_quote(last.done)}")
        if last.next_steps:
            lines.append(f"Next: {_quote(last.next_steps)}")
        if last.blockers:
            lines.append(f"In the way: {_quote(last.blockers)}")
    name = escape(member.display_name)
    alt = (
        f"Progress card of {member.display_name}: {headline(result)}, "
        f"{counted(result.hours, 'hour')}, streak {weeks(streak.current)}."
    )
    return Reply(
        title=f"Progress of {name}",
        body="\n\n".join(lines),
        fields=(*streak_fields(streak), *progress_fields(result.phases)),
        image=None if card is None else Image("progress.png", card, alt),
        actions=(Action("Milestones", "milestones"), Action("Leaderboard", "leaderboard")),
    )


def _rate(stats: Stats) -> str:
    closed = [w for w in stats.weeks[:-1] if w.rate is not None][-4:]
    if not closed:
        return "no closed week yet"
    expected = sum(w.expected for w in closed)
    checked = sum(w.checked_in for w in closed)
    last = "the last week" if len(closed) == 1 else f"the last {len(closed)} weeks"
    return f"{round(100 * checked / expected)}% over {last}"


def stats(result: Stats, chart: bytes | None) -> Reply:
    now = result.weeks[-1]
    last = result.weeks[-2] if len(result.weeks) > 1 else None
    fields = [
        Field("Active members", str(result.active)),
        Field(f"Checked in for {week_key(now.week)}", f"{now.checked_in} so far"),
    ]
    if last is not None:
        fields.append(Field(f"Weekly active, {week_key(last.week)}", str(last.checked_in)))
    fields.append(Field("Check-in rate", _rate(result)))
    fields.append(Field("At risk", str(len(result.at_risk))))
    fields.extend(result.more)
    items = tuple(
        f"{escape(m.display_name)}: "
        + (f"last check-in {week_key(week)}" if week else "no check-in yet")
        for m, week in result.at_risk[:AT_RISK_LISTED]
    )
    more = len(result.at_risk) - len(items)
    body = (
        "Members at risk missed the last two weeks on their own clock (holidays and pauses "
        "excused)."
        if items
        else "Nobody is at risk: nobody missed the last two weeks on their own clock (holidays, "
        "pauses and members who joined since are excused)."
    )
    if more > 0:
        body += f" Showing {len(items)}; {more} more."
    if result.never:
        verb = "has" if result.never == 1 else "have"
        body += f" {counted(result.never, 'member')} {verb} not checked in yet."
    people = counted(result.active, "active member")
    alt = (
        f"Check-ins per week over {len(result.weeks)} weeks for {people}; "
        f"{now.checked_in} checked in so far this week."
    )
    return Reply(
        title="Community stats",
        body=body,
        fields=tuple(fields),
        items=items,
        image=None if chart is None else Image("stats.png", chart, alt),
    )
