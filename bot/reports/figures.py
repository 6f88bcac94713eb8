"""The report's figures from data already read: pure functions of members, pauses, check-ins,
blockers and ticks, so each rule is tested on its own and the service only reads and calls."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bot.checkins.streaks import Calendar, Streak
from bot.content.model import ContentPack
from bot.helpers.topics import Vocabulary, link
from bot.members.model import Member
from bot.pauses.model import Pause
from bot.progress.service import missed_two
from bot.reports.model import AtRisk, Blockers, Finished, Headcount, Risk, Subject
from bot.weeks import WEEK, local_time, open_week, sunday, week_start

LONG_STREAK = 4
"""A streak this long (the length that earns a freeze) is worth a word before it breaks."""
OTHER = Subject("", "Nothing the roadmap names", None)


def report_week(now: datetime, timezone: str) -> date:
    """The week a report made at `now` is about: the newest week whose Sunday has passed on
    the community's clock (on the default Monday morning, the week that just ended)."""
    return week_start(local_time(now, timezone).date()) - WEEK


def bounds(monday: date, timezone: str) -> tuple[datetime, datetime]:
    """The UTC instants a week of the community's calendar starts and ends."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(monday, time(0), zone)
    end = datetime.combine(monday + WEEK, time(0), zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _paused(pauses: Mapping[int, tuple[Pause, ...]], member: Member, day: date) -> bool:
    return any(p.covers(day) for p in pauses.get(member.id, ()))


def _days(members: Iterable[Member], now: datetime) -> dict[str, date]:
    """Each of the members' time zones with its date at `now`: many members share a zone."""
    found: dict[str, date] = {}
    for member in members:
        if member.timezone not in found:
            found[member.timezone] = member.today(now)
    return found


def headcount(
    everyone: Iterable[Member],
    pauses: Mapping[int, tuple[Pause, ...]],
    monday: date,
    timezone: str,
) -> Headcount:
    """The members at the end of a week: joined and not gone, who joined and left in it, and
    who was paused on its Sunday."""
    start, end = bounds(monday, timezone)
    active = new = paused = left = 0
    for member in everyone:
        if member.left_at is not None and start <= member.left_at < end:
            left += 1
        if member.joined_at >= end or (member.left_at is not None and member.left_at < end):
            continue
        active += 1
        new += member.joined_at >= start
        paused += _paused(pauses, member, sunday(monday))
    return Headcount(active, new, paused, left)


def _checked_before(
    checked: Collection[tuple[int, date]], member: Member, now: datetime
) -> date | None:
    """The newer of the member's two newest closed weeks at `now` with a check-in: enough for
    `missed_two`, which asks only whether one of those two had one."""
    newest_closed = open_week(now, member.timezone) - WEEK
    for week in (newest_closed, newest_closed - WEEK):
        if (member.id, week) in checked:
            return week
    return None


def at_risk(
    active: Sequence[Member],
    last: Mapping[int, date],
    streaks: Mapping[int, Streak],
    checked: Collection[tuple[int, date]],
    holidays: frozenset[date],
    pauses: Mapping[int, tuple[Pause, ...]],
    now: datetime,
) -> tuple[AtRisk, ...]:
    """Members who missed their two newest closed weeks, then members whose long streak breaks
    unless they check in for their open week (no freeze left to spend), longest streak first.
    Nobody paused today is listed: a pause is a break they asked for."""
    missed: list[AtRisk] = []
    streaking: list[AtRisk] = []
    today = _days(active, now)
    for member in active:
        if _paused(pauses, member, today[member.timezone]):
            continue
        calendar = Calendar(holidays, pauses.get(member.id, ()))
        newest = last.get(member.id)
        if missed_two(member, newest, calendar, now):
            missed.append(AtRisk(member, Risk.MISSED, newest, 0))
            continue
        streak = streaks.get(member.id, Streak())
        week = open_week(now, member.timezone)
        if (
            streak.current >= LONG_STREAK
            and not streak.freezes
            and (member.id, week) not in checked
            and calendar.keeps(week) is None
        ):
            streaking.append(AtRisk(member, Risk.STREAK, newest, streak.current))
    streaking.sort(key=lambda a: (-a.streak, a.member.display_name))
    missed.sort(key=lambda a: (a.last or date.min, a.member.display_name), reverse=True)
    return (*streaking, *missed)


def missed_before(
    active: Sequence[Member],
    checked: Collection[tuple[int, date]],
    holidays: frozenset[date],
    pauses: Mapping[int, tuple[Pause, ...]],
    then: datetime,
) -> set[int]:
    """The ids of the members who had missed their two newest closed weeks at `then`."""
    today = _days(active, then)
    return {
        member.id
        for member in active
        if member.joined_at <= then
        and not _paused(pauses, member, today[member.timezone])
        and missed_two(
            member,
            _checked_before(checked, member, then),
            Calendar(holidays, pauses.get(member.id, ())),
            then,
        )
    }


def blockers(texts: Iterable[str], vocabulary: Vocabulary) -> Blockers:
    """A week's blockers counted by the milestone (or else the topic) of the pack each is most
    likely about, most first and what the pack names nothing about last; the words themselves
    stay out of the report."""
    counts: Counter[Subject] = Counter()
    for text in texts:
        ranked = vocabulary.suggest(text)
        found = link(ranked)
        key = (found.milestones or found.topics or ("",))[0]
        best = next((s for s in ranked if s.id == key), None)
        counts[OTHER if best is None else Subject(best.id, best.title, best.phase)] += 1
    ordered = sorted(counts.items(), key=lambda pair: (pair[0] == OTHER, -pair[1], pair[0].key))
    return Blockers(tuple(ordered))


def finished(
    pack: ContentPack,
    ticks: Iterable[tuple[int, str, datetime]],
    done: Mapping[int, Collection[str]],
    start: datetime,
    end: datetime,
) -> Finished:
    """Milestones ticked off in [start, end), and the phases whose last milestone it was.
    `ticks` holds every tick since `start` at least, `done` every member's ticks ever."""
    latest: dict[tuple[int, int], datetime] = {}
    phase_of = {m.id: phase.number for phase in pack.phases for m in phase.milestones}
    milestones = 0
    members: set[int] = set()
    for member_id, milestone_id, when in ticks:
        if start <= when < end:
            milestones += 1
            members.add(member_id)
        number = phase_of.get(milestone_id)
        if number is not None:
            key = (member_id, number)
            latest[key] = max(latest.get(key, when), when)
    completed: Counter[int] = Counter()
    for (member_id, number), when in latest.items():
        phase = pack.phase(number)
        ids = done.get(member_id, ())
        if phase and start <= when < end and all(m.id in ids for m in phase.milestones):
            completed[number] += 1
    return Finished(milestones, len(members), tuple(sorted(completed.items())))
