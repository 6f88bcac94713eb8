"""What the matchups feature says to organizers: settings, previews, rounds made and stats."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from bot.communities.model import Community, Purpose
from bot.markdown import mention
from bot.matchups.messages import NO_CHANNEL, PREVIEW_ITEMS, settings_fields
from bot.matchups.model import Made, MatchSettings, Plan, Totals
from bot.moments import when as moment
from bot.replies import Field, Reply, Tone


def settings_shown(settings: MatchSettings, community: Community, changed: bool) -> Reply:
    body = (
        "Modes: `peers` matches people in the same phase, `mentor` one phase apart, `mixed` "
        "ignores phases. Classes: `within` prefers pairs who started the same month, `across` "
        "pairs who did not. `biweekly` makes a round every other week."
    )
    if Purpose.MATCHUPS not in community.channels:
        body += f"\n\n{NO_CHANNEL}"
    return Reply(
        title="Matchup settings updated" if changed else "Matchup settings",
        body=body,
        fields=settings_fields(settings, community),
        tone=Tone.SUCCESS if changed else Tone.INFO,
    )


def _group_line(seats: Sequence[str], odd: Sequence[str], score: int, repeats: int) -> str:
    names = " + ".join(mention(u) for u in seats)
    notes = [f"score {score}"]
    if odd:
        notes.append(f"{', '.join(mention(u) for u in odd)} joined as the odd one")
    if repeats:
        notes.append(f"{repeats} pair(s) met before")
    return f"{names} ({'; '.join(notes)})"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def group_sizes(sizes: Sequence[int]) -> str:
    """Like `2 groups of 2`, or `2 groups (1 of 2 and 1 of 3)` when their sizes differ."""
    counts = Counter(sizes)
    groups = _plural(len(sizes), "group")
    if len(counts) <= 1:
        return groups + "".join(f" of {size}" for size in counts)
    parts = [f"{n} of {size}" for size, n in sorted(counts.items())]
    return f"{groups} ({', '.join(parts[:-1])} and {parts[-1]})"


def preview(plan: Plan) -> Reply:
    user = {i: e.member.user_id for i, e in plan.entries.items()}
    grouping = plan.grouping
    lines = [
        _group_line(
            [user[i] for i in g.members],
            [user[i] for i in g.odd],
            g.score,
            g.repeats,
        )
        for g in grouping.groups
    ]
    shown = lines[:PREVIEW_ITEMS]
    if len(lines) > len(shown):
        shown.append(f"…and {len(lines) - len(shown)} more groups")
    sizes = group_sizes([len(g.members) for g in grouping.groups])
    body = (
        f"Only you see this. {_plural(len(plan.entries), 'member')} in the pool make "
        f"{sizes} in {plan.settings.mode.value} mode, with "
        f"{_plural(grouping.repeats, 'repeat')}. "
        "Who joins, skips or pauses before the round changes it."
    )
    if grouping.unplaced:
        body += f"\n\nNo match for: {', '.join(mention(user[i]) for i in grouping.unplaced)}."
    return Reply(title=f"Next round preview ({plan.week})", body=body, items=tuple(shown))


def ran(made: Made) -> Reply:
    alone = _plural(made.unplaced, "member")
    alone_note = f" {alone} had no match." if made.unplaced else ""
    return Reply(
        body=f"Made the round of {made.round.week}: {group_sizes(made.sizes)}; the intros go out "
        f"now, and the schedule skips that week.{alone_note}",
        tone=Tone.SUCCESS,
    )


def too_soon(last: datetime, zone: str) -> str:
    return (
        f"The last round was made on {moment(last, zone, weekday=False)}, less than a week ago. "
        "The next one goes "
        "out on schedule; `match preview` shows it."
    )


def stats(totals: Totals) -> Reply:
    if totals.answers:
        rate = f"{100 * totals.met // totals.answers}% ({totals.met} of {totals.answers} answers)"
    else:
        rate = "no answers yet"
    return Reply(
        title="Matchup stats",
        fields=(
            Field("Rounds", str(totals.rounds)),
            Field("Groups", str(totals.groups)),
            Field("Taking part", str(totals.participants)),
            Field("Met", rate),
            Field("Repeats avoided", str(totals.repeats_avoided)),
            Field("Repeats", str(totals.repeats)),
        ),
    )
