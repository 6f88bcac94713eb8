"""Everything the matchups feature says."""

from __future__ import annotations

from collections.abc import Sequence

from bot.admin.messages import when
from bot.communities.model import Community, Purpose
from bot.markdown import escape, mention
from bot.matchups.model import (
    Interests,
    Joined,
    MatchSettings,
    Overview,
    Profile,
    Status,
)
from bot.replies import Action, ActionStyle, Field, Reply, Tone

PREVIEW_ITEMS = 40

NO_CHANNEL = (
    "There is no matchups channel yet: an organizer can set one with `setup matchups:#channel`. "
    "On Discord each match gets a private thread there."
)
NOT_TAKING_PART = (
    "You're not in the weekly matchups. Join with `match join`, for example "
    '`match join interests:"nlp, rag"`.'
)
NOBODY = (
    "Nobody takes part in matchups yet, so there is no round to make. "
    "Members join with `match join`."
)
BLOCK_YOURSELF = "You can't block yourself."
NOT_A_MEMBER_ID = "That doesn't look like a member: mention them, like `match block member:@name`."
NOT_IN_ROUND = (
    "You weren't matched in that round, so there is nothing to answer. "
    "See your current match with `match status`."
)
HOURS_HINT = "between 09:00 and 21:00 for each of you, on your own clocks"


def too_many_interests(most: int) -> str:
    return f"Give at most {most} interests, separated by commas."


def interest_too_long(most: int) -> str:
    return f"Keep each interest under {most} characters, like `nlp` or `llm apps`."


def _people(user_ids: Sequence[str]) -> str:
    names = [mention(u) for u in user_ids]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _interests(interests: Interests) -> str:
    if not interests.words:
        return "none given"
    words = escape(", ".join(interests.words))
    return f"{words} (your profile's focus)" if interests.from_focus else words


def settings_fields(settings: MatchSettings, community: Community) -> tuple[Field, ...]:
    channel = community.channels.get(Purpose.MATCHUPS)
    return (
        Field("Cadence", settings.cadence),
        Field("Group size", str(settings.size)),
        Field("Mode", settings.mode.value),
        Field("Classes", settings.classes.value),
        Field("Channel", f"#{escape(channel)}" if channel else "none yet"),
        Field("When", when(community.schedule(Purpose.MATCHUPS))),
    )


# -- members ---------------------------------------------------------------------------------


def joined(joined: Joined, here: str | None) -> Reply:
    """`here`: the channel an organizer joined from, where a click of theirs can set the
    missing matchups channel (None for members, who cannot)."""
    intro = "You're in the weekly matchups!" if joined.new else "Your matchups are updated."
    warning, actions = "", tuple[Action, ...]()
    if not joined.has_channel:
        intro = "You're on the matchups list, but no round can run yet."
        who = "you set" if here else "an organizer sets"
        warning = f"\n\nNote: no matchups channel is set, so no round runs until {who} one with "
        warning += "`setup matchups:#channel`."
        fixes = (Action("Matchups here", f"setup matchups:{here}", ActionStyle.PRIMARY),)
        actions = (*fixes, Action("Guided setup", "setup")) if here else ()
    return Reply(
        title="Matchups",
        body=(
            f"{intro} Each round I introduce you to a peer whose hours overlap yours and who is "
            "at a fitting point of the roadmap. Skip one round with `match skip`, stop with "
            f"`match leave`.{warning}"
        ),
        fields=(
            Field("Interests", _interests(joined.interests)),
            Field(
                "Blocker in intros",
                "shared" if joined.participant.share_blockers else "kept private",
            ),
        ),
        actions=actions,
        tone=Tone.SUCCESS if joined.has_channel else Tone.WARNING,
    )


def left() -> Reply:
    return Reply(
        body="You left the matchups. Your history stays, so `match join` brings you back.",
        tone=Tone.SUCCESS,
    )


def skipping(undo: bool) -> Reply:
    if undo:
        return Reply(body="You're back in for the next round.", tone=Tone.SUCCESS)
    return Reply(
        body="You'll sit out the next round only; the one after, you're back. "
        "Changed your mind? `match skip undo:true`.",
        tone=Tone.SUCCESS,
    )


def blocked(user_id: str, undo: bool, changed: bool) -> Reply:
    who = mention(user_id)
    if undo:
        text = f"{who} can be matched with you again." if changed else f"{who} wasn't blocked."
    else:
        text = (
            f"You'll never be matched with {who}. They are not told."
            if changed
            else f"{who} is already blocked."
        )
    return Reply(body=text, tone=Tone.SUCCESS)


def answered(met: bool) -> Reply:
    text = (
        "Great, marked as met. Thanks for telling me!"
        if met
        else "Thanks for telling me. Maybe next time: matches are easier with a time proposed "
        "in the first message."
    )
    return Reply(body=text, tone=Tone.SUCCESS)


def _answer_actions(round_id: int) -> tuple[Action, ...]:
    return (
        Action("We met", f"match met round:{round_id} answer:yes", ActionStyle.PRIMARY),
        Action("Not this time", f"match met round:{round_id} answer:no"),
    )


def status(overview: Overview, user_id: str) -> Reply:
    taking_part = overview.participant
    if taking_part is None:
        return Reply(
            title="Matchups",
            body=NOT_TAKING_PART,
            actions=(Action("Join matchups", "match join", ActionStyle.PRIMARY),),
        )
    if taking_part.status == Status.IDLE:
        return Reply(
            title="Matchups on hold",
            body="Your matchups are on hold because a few rounds went unanswered. "
            "`match join` brings you back.",
            actions=(Action("Come back", "match join", ActionStyle.PRIMARY),),
        )
    if taking_part.status == Status.LEFT:
        return Reply(title="Matchups", body="You left the matchups. `match join` brings you back.")
    lines = []
    actions: tuple[Action, ...] = ()
    if overview.latest is not None:
        round_, seats = overview.latest
        mine = next(s for s in seats if s.user_id == user_id)
        others = [s.user_id for s in seats if s.user_id != user_id]
        if others:
            lines.append(f"Your match of {round_.week}: {_people(others)}.")
        else:  # everyone else in the group asked Cohort to forget them
            lines.append(f"Your match of {round_.week} is no longer in Cohort.")
        if mine.met is None:
            lines.append("Did you meet? Tell me with the buttons below.")
            actions = _answer_actions(round_.id)
        else:
            lines.append("You told me you met." if mine.met else "You told me you didn't meet.")
    elif not overview.paused_for_next:
        lines.append("You haven't been matched yet: the next round introduces you.")
    if overview.pause is not None:
        lines.append(
            f"You're paused until {overview.pause.ends_on.isoformat()}: no matchups until then."
        )
    if overview.paused_for_next:
        next_round = "not for you: you're paused"
    else:
        next_round = "you skip it" if taking_part.skip_next else "you're in"
    return Reply(
        title="Your matchups",
        body="\n\n".join(lines),
        fields=(
            Field("Interests", _interests(overview.interests)),
            Field("Blocker in intros", "shared" if taking_part.share_blockers else "kept private"),
            Field("Next round", next_round),
        ),
        actions=actions,
    )


# -- what the rounds post --------------------------------------------------------------------


def _agenda_line(profile: Profile) -> str:
    who = mention(profile.member.user_id)
    if profile.phase is None:
        return f"{who}: starts the roadmap on {profile.member.start_date.isoformat()}"
    line = f"{who}: phase {profile.phase.number} · {profile.phase.title}"
    if profile.month_in_phase <= profile.phase_months:
        line += f", month {profile.month_in_phase} of {profile.phase_months}"
    if profile.milestone is not None:
        line += f"; working on *{profile.milestone.title}*"
    if profile.blocker:
        line += f"; stuck on: {escape(profile.blocker)}"
    return line


def intro(week: str, profiles: Sequence[Profile], hours: float, icebreaker: str | None) -> Reply:
    users = [p.member.user_id for p in profiles]
    common = set(profiles[0].interests).intersection(*(p.interests for p in profiles[1:]))
    if hours >= 1:
        time = f"**When:** {hours:g} hours this week fall {HOURS_HINT}."
    else:
        time = (
            "**When:** your days barely overlap, so try an early morning or a late evening, "
            "or talk in writing."
        )
    parts = [
        f"Meet your match: {_people(users)}. Find half an hour this week to talk "
        "about where you are on the roadmap and help each other along.",
        time,
    ]
    if common:
        parts.append(f"**In common:** {escape(', '.join(sorted(common)))}.")
    if icebreaker:
        parts.append(f"**Icebreaker:** {icebreaker}")
    parts.append(
        "In five days I'll ask whether you met. Lost this message? `match status` shows your "
        "match any time."
    )
    return Reply(
        title=f"Your matchup for {week}",
        body="\n\n".join(parts),
        items=tuple(_agenda_line(p) for p in profiles),
        actions=(Action("My match", "match status"), Action("Skip next round", "match skip")),
        private=False,
    )


def follow_up(round_id: int, week: str, user_ids: Sequence[str]) -> Reply:
    return Reply(
        title="Did you meet?",
        body=(
            f"Five days ago I matched {_people(user_ids)} ({week}). Did you get to talk? "
            "One tap each tells me, and helps me match everyone better."
        ),
        actions=_answer_actions(round_id),
        private=False,
    )


def alone(week: str) -> Reply:
    return Reply(
        title="No match this time",
        body=(
            f"I couldn't find you a match for {week}: not enough people were free. "
            "I'll try again next round."
        ),
    )


def idled(rounds: int) -> Reply:
    return Reply(
        title="Your matchups are on hold",
        body=(
            f"The last {rounds} matchups went unanswered, so I've put yours on hold rather than "
            "keep introducing you. No worries: whenever you'd like to meet peers again, "
            "`match join` brings you back."
        ),
        actions=(Action("Come back", "match join", ActionStyle.PRIMARY),),
    )
