"""Everything the leaderboards say."""

from __future__ import annotations

from bot.checkins.messages import counted, weeks
from bot.leaderboards.model import Board, Leaderboard, Period
from bot.markdown import escape
from bot.replies import Action, Reply
from bot.weeks import week_key

TITLES = {
    Board.STREAK: "Current streaks",
    Board.HOURS: "Hours",
    Board.MILESTONES: "Milestones completed",
}
PERIODS = {Period.WEEK: "this week", Period.MONTH: "the last four weeks", Period.ALL: "all time"}


def _score(board: Board, score: int) -> str:
    if board is Board.STREAK:
        return weeks(score)
    if board is Board.HOURS:
        return f"{score} h"
    return counted(score, "milestone")


def leaderboard(result: Leaderboard) -> Reply:
    board = result.board
    if board is Board.STREAK:
        title = TITLES[board]
        scope = "Streaks are counted to today."
        if result.period is not Period.ALL:
            scope += " (`period` applies to hours and milestones.)"
    else:
        title = f"{TITLES[board]}, {PERIODS[result.period]}"
        scope = "Counted over all check-ins."
        if result.since is not None:
            scope = f"Counted from the week {week_key(result.since)}."
    items = tuple(
        f"**{s.rank}.** {escape(s.member.display_name)}: {_score(board, s.score)}"
        for s in result.top
    )
    lines = [scope if items else f"{scope} Nobody is on this board yet."]
    caller = result.caller
    if caller is None:
        lines.append("Join with `join` to get on the boards.")
    elif caller.score == 0:
        lines.append(f"You: nothing yet on this board ({_score(board, 0)}).")
    else:
        lines.append(f"You: **#{caller.rank}** with {_score(board, caller.score)}.")
    if result.caller_hidden:
        lines.append(
            "You are hidden from leaderboards, so only you see your rank: "
            "`profile set public:true` shows you."
        )
    others = [b for b in Board if b is not board]
    return Reply(
        title=f"Leaderboard: {title}",
        body=" ".join(lines),
        items=items,
        actions=tuple(Action(TITLES[b], f"leaderboard {b.value}") for b in others),
    )
