"""Everything the weekly report, its settings and its nudges say.

The report names members only where organizers need a name to act (members at risk, and the
authors of submissions nobody reviewed, which the challenge channel shows anyway); blockers
are counted by subject and never quoted, since members wrote them for their own check-in (so
are the blockers routed to helpers: only the names of the helpers who helped most are shown).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.admin.messages import when
from bot.checkins.messages import counted
from bot.checkins.streaks import Streak
from bot.communities.model import Community, Purpose
from bot.content.limits import ACTIONS
from bot.helpers.model import Counts
from bot.markdown import escape, mention
from bot.members.model import Member
from bot.nudges.messages import CHECK_IN
from bot.replies import Action, ActionStyle, Field, Image, Reply, Tone
from bot.reports.chart import average
from bot.reports.model import AtRisk, Blockers, Finished, Headcount, Nudged, Report, Reviews, Risk
from bot.roadmap.model import Standing
from bot.weeks import week_key, week_label

BUTTONS = ACTIONS  # one nudge button per member, as many as a message holds
AT_RISK_LISTED = 15
SUBJECTS_LISTED = 8
NAMES_LISTED = 5
NAME = 40  # characters of a display name in the report, so the longest still fits a message

NOT_A_MEMBER = "That member hasn't joined the roadmap here, or has left: no nudge was sent."


def opted_out(member: Member) -> str:
    return (
        f"{escape(member.display_name)} turned reminder messages off (`nudges off`), so no "
        "nudge was sent. A word from you in person may be welcome."
    )


def paused(member: Member, until: date) -> str:
    return (
        f"{escape(member.display_name)} is paused until {until.isoformat()}: a break they "
        "asked for, so no nudge was sent."
    )


def public_channel(channel: str, purposes: Sequence[Purpose]) -> str:
    posts = " and ".join(p.value for p in purposes)
    return (
        f"#{escape(channel)} carries the {posts} posts. The report names members who may need "
        "a word, so it goes only to a channel for organizers: pick another one."
    )


def nudged(result: Nudged) -> Reply:
    name = escape(result.member.display_name)
    if result.queued:
        return Reply(
            title="Nudge sent",
            body=f"A kind message from the organizers is on its way to {name}.",
            tone=Tone.SUCCESS,
        )
    return Reply(
        title="Already nudged",
        body=f"{name} got this week's nudge already; one a week is plenty.",
    )


def nudge(member: Member, streak: Streak, where: Standing, back: date) -> Reply:
    """The direct message a nudge button sends: warm, short, and easy to act on or decline;
    `back` is a date the break it suggests could end on."""
    lines = [
        f"Hi {escape(member.display_name)}! The organizers noticed it has been a little while "
        "since your last check-in and wanted to say you are missed. There is nothing to catch "
        "up on: one short check-in picks things up again, even one that says you did nothing.",
    ]
    if where.plan is not None:
        phase = where.plan.phase
        lines.append(
            f"You are in week {where.week} of the journey, phase {phase.number}: "
            f"{escape(phase.title)}."
        )
    if streak.alive:
        lines.append(f"Your {counted(streak.current, 'week')} streak is still alive.")
    lines.append(
        f"Need a break instead? `pause until:{back.isoformat()}` keeps your streak as it is "
        "meanwhile. Rather not get messages like this one? `nudges off`."
    )
    return Reply(
        title="A hello from your study group",
        body="\n\n".join(lines),
        actions=(CHECK_IN, Action("My progress", "progress")),
    )


def settings(community: Community, changed: bool) -> Reply:
    channel = community.channels.get(Purpose.REPORTS)
    schedule = community.schedule(Purpose.REPORTS)
    where = f"#{escape(channel)}" if channel else "no channel yet"
    body = f"The weekly report goes to {where}, {when(schedule)} ({escape(community.timezone)})."
    if not channel:
        body += " Choose an organizers' channel with `report settings channel:#channel`."
    return Reply(
        title="Weekly report",
        body=body,
        tone=Tone.SUCCESS if changed else Tone.INFO,
    )


def _clip(display_name: str) -> str:
    return display_name if len(display_name) <= NAME else display_name[: NAME - 1] + "…"


def _name(display_name: str) -> str:
    return escape(_clip(display_name))


def _change(now: int, then: int) -> str:
    """How a count moved since last week, in words."""
    if now == then:
        return "same as last week"
    return f"{abs(now - then)} {'more' if now > then else 'fewer'} than last week"


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{round(value * 100)}%"


def _members(this: Headcount, before: Headcount) -> str:
    return (
        f"**Members**: {this.active} active ({_change(this.active, before.active)}); "
        f"{this.new} new, {this.left} left, {this.paused} paused "
        f"(last week {before.new} new, {before.left} left, {before.paused} paused)."
    )


def _rate(report: Report) -> str:
    week = report.rate
    if week.holiday:
        return "**Check-ins**: a holiday week; nobody's streak was at stake."
    if week.rate is None:
        return "**Check-ins**: nobody was expected to check in yet."
    previous = report.rates[-2] if len(report.rates) > 1 else None
    then = "" if previous is None else f"; the week before, {_percent(previous.rate)}"
    return (
        f"**Check-ins**: {week.checked_in} of {week.expected} expected checked in: "
        f"**{_percent(week.rate)}**{then}; {_percent(average(report.rates[:-1]))} over the "
        f"{len(report.rates) - 1} weeks before. Check-ins for it stay open until Monday 12:00 "
        "in each member's time zone."
    )


def _at_risk(report: Report) -> str:
    if not report.at_risk:
        head = "**At risk**: nobody."
    else:
        head = f"**At risk**: {counted(len(report.at_risk), 'member')}, listed below."
    back = f"; {report.back} of them checked in since" if report.at_risk_before else ""
    return f"{head} Last week {report.at_risk_before} had missed two weeks in a row{back}."


def _blockers(this: Blockers, before: Blockers) -> str:
    if not this.total:
        return f"**Blockers**: none named ({before.total} last week)."
    lines = [f"**Blockers**: {this.total} ({_change(this.total, before.total)}), by subject:"]
    for subject, count in this.by_subject[:SUBJECTS_LISTED]:
        phase = f" (phase {subject.phase})" if subject.phase else ""
        then = before.count(subject)
        lines.append(f"- {escape(subject.title)}{phase}: {count} (last week {then})")
    more = len(this.by_subject) - SUBJECTS_LISTED
    if more > 0:
        lines.append(f"- and {counted(more, 'more subject')}")
    return "\n".join(lines)


def _reviews(this: Reviews, before: Reviews) -> str:
    if not this.submitted:
        return f"**Challenge submissions**: none this week ({before.submitted} last week)."
    text = (
        f"**Challenge submissions**: {this.submitted}, {len(this.unreviewed)} with no review "
        f"yet (last week {before.submitted}, {len(before.unreviewed)} still unreviewed)."
    )
    names = [_name(s.author) for s in this.unreviewed[:NAMES_LISTED]]
    if names:
        more = len(this.unreviewed) - len(names)
        text += " Waiting: " + ", ".join(names) + (f" and {more} more" if more > 0 else "") + "."
    return text


def _matchups(report: Report) -> str:
    this, before = report.this.matchups, report.before.matchups
    if this is None:
        return "**Matchups**: no round this week."
    then = "" if before is None else f" Last week {before.met} of {before.groups} met."
    return (
        f"**Matchups**: {this.met} of {this.groups} groups met, {this.not_met} did not, "
        f"{this.unanswered} ghosted (nobody answered).{then}"
    )


def _finished(this: Finished, before: Finished) -> str:
    text = (
        f"**Milestones**: {this.milestones} ticked off by {counted(this.members, 'member')} "
        f"({_change(this.milestones, before.milestones)})."
    )
    if this.phases:
        done = ", ".join(f"phase {n} by {counted(c, 'member')}" for n, c in this.phases)
        text += f" Phases completed: {done}."
    if before.phases_total:
        text += f" Last week {counted(before.phases_total, 'phase')} completed."
    return text


def _helping(this: Counts, before: Counts) -> str:
    """The week's blockers routed to helpers, helped and with no helper, and who helped most;
    blockers are counted by the check-in week they were named in."""
    then = (
        f"last week {before.routed} routed, {before.helped} helped, "
        f"{before.unanswered} with no helper"
    )
    if not this.routed and not this.unanswered:
        return f"**Helping**: no blocker routed to helpers ({then})."
    text = (
        f"**Helping**: {counted(this.routed, 'blocker')} routed to helpers "
        f"({_change(this.routed, before.routed)}), {this.asked} asked, {this.helped} helped, "
        f"{this.unanswered} with no helper ({then})."
    )
    if this.top_helpers:
        names = ", ".join(f"{_name(name)} ({n})" for name, n in this.top_helpers)
        text += f" Most active helpers: {names}."
    return text


def _item(entry: AtRisk) -> str:
    name = _name(entry.member.display_name)
    if entry.risk is Risk.STREAK:
        return f"{name}: a {entry.streak}-week streak breaks without this week's check-in"
    last = f"last check-in {week_key(entry.last)}" if entry.last else "no check-in yet"
    return f"{name}: missed two weeks in a row ({last})"


def _button(entry: AtRisk) -> Action:
    label = f"Nudge {_clip(entry.member.display_name)}"
    return Action(label, f"report nudge {mention(entry.member.user_id)}", ActionStyle.PRIMARY)


def report(result: Report, chart: bytes | None, private: bool = True) -> Reply:
    this, before = result.this, result.before
    sections = [
        _members(this.headcount, before.headcount),
        _rate(result),
        _at_risk(result),
        _blockers(this.blockers, before.blockers),
        _reviews(this.reviews, before.reviews),
        _matchups(result),
        _finished(this.finished, before.finished),
        _helping(this.helping, before.helping),
    ]
    if result.late:
        sections.append("*(Posted late: the bot was offline at the scheduled time.)*")
    items = tuple(_item(a) for a in result.at_risk[:AT_RISK_LISTED])
    if len(result.at_risk) > len(items):
        items += (f"and {len(result.at_risk) - len(items)} more: see `stats`",)
    if len(result.at_risk) > BUTTONS:
        sections.append(
            "The buttons nudge the first five; `report nudge @member` nudges anyone else."
        )
    week = result.rate
    alt = (
        f"Check-in rate of {week_key(week.week)}: {_percent(week.rate)}, against "
        f"{_percent(average(result.rates[:-1]))} over the {len(result.rates) - 1} weeks before."
    )
    return Reply(
        title=f"Weekly report · {week_label(this.monday)}",
        body="\n\n".join(sections),
        fields=(
            Field("Active members", str(this.headcount.active)),
            Field("Check-in rate", _percent(week.rate)),
            Field("At risk", str(len(result.at_risk))),
        ),
        items=items,
        image=None if chart is None else Image("report.png", chart, alt),
        actions=tuple(_button(a) for a in result.at_risk[:BUTTONS]),
        private=private,
    )
