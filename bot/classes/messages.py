"""Everything `classmates` says."""

from __future__ import annotations

from bot.checkins.messages import counted, weeks
from bot.classes.model import Classmates, class_name
from bot.markdown import escape
from bot.replies import Action, Field, Reply


def classmates(found: Classmates) -> Reply:
    name = class_name(found.month)
    phase = found.median_phase
    if phase is None:
        where = "Nobody in it has started yet."
    else:
        where = f"Half of those who started are at phase {phase.number} or further."
    body = [
        f"Everyone whose start date is in {found.month:%B %Y} is in the {name}: "
        f"{counted(found.size, 'member')}, {found.active} active (checked in within the last "
        f"two weeks). {where}"
    ]
    caller = found.caller
    if caller is not None and caller.score:
        body.append(f"You: **#{caller.rank}** in your class with a {weeks(caller.score)} streak.")
    else:
        body.append("You have no streak going: `checkin` starts one.")
    if found.caller_hidden:
        body.append(
            "You are hidden from leaderboards, so only you see your rank: "
            "`profile set public:true` shows you."
        )
    items = tuple(
        f"**{s.rank}.** {escape(s.member.display_name)}: {weeks(s.score)}" for s in found.top
    )
    median = "not started" if phase is None else f"{phase.number}. {escape(phase.title)}"
    return Reply(
        title=name,
        body=" ".join(body),
        fields=(
            Field("Members", str(found.size)),
            Field("Active", str(found.active)),
            Field("Median phase", median),
        ),
        items=items or ("Nobody in the class has a streak yet.",),
        actions=(Action("Whole leaderboard", "leaderboard"), Action("My retro", "retro")),
    )
