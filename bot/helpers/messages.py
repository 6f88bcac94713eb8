"""Everything the helpers feature says. A member's blocker is always escaped and cut to
SHOWN_TEXT characters wherever it is shown."""

from __future__ import annotations

from collections.abc import Sequence

from bot.content.model import ContentPack
from bot.helpers.credits import CREDITS_PER_FREEZE, MAX_HELP_FREEZES
from bot.helpers.model import Basis, Counts, Offered, Proposed, Request, Standing, Status, Volunteer
from bot.helpers.pool import subject_title
from bot.markdown import escape, link, mention
from bot.members.model import Member
from bot.replies import Action, ActionStyle, Field, Reply, Tone

SHOWN_TEXT = 300
RESOURCES = 3

NO_BLOCKER = (
    'Your check-in this week names no blocker. Add one with `checkin blockers:"..."` and '
    "then run `helper find`."
)
NO_SUCH_REQUEST = "That is not one of your blockers. `helper find` routes this week's."
NO_SUCH_OFFER = "That helper is not among the ones offered. Run `helper find` for a fresh list."
GONE = (
    "That helper can't be asked any more (they stopped helping, left or are away). "
    "Run `helper find` for a fresh list."
)
FULL = "That helper has had all the requests they take this week. Pick another one."
NO_CHANNEL = (
    "Helpers are introduced in a private thread of the check-ins channel, and this community "
    "has none yet: ask an organizer to run `setup checkins:#channel`."
)
NOT_ASKED = "You weren't asked to help with that blocker, or you already said no."
NOT_YET_ASKED = "You haven't asked a helper for that blocker yet."
NOT_A_MEMBER = "That isn't another member of this community: mention them, like `@name`."
UNKNOWN_SUBJECT = (
    "That isn't a milestone or topic of this community's roadmap. Pick one of the suggestions, "
    "or give `subject:m:<milestone id>` or `subject:t:<topic id>`."
)


def quoted(text: str) -> str:
    """A member's blocker as shown anywhere: cut, escaped, literal."""
    cut = text.strip()
    if len(cut) > SHOWN_TEXT:
        cut = cut[: SHOWN_TEXT - 1].rstrip() + "…"
    return escape(cut)


def unknown_topics(unknown: Sequence[str], known: Sequence[str]) -> str:
    return (
        f"No such topic: {', '.join(escape(t) for t in unknown)}. "
        f"The topics are: {', '.join(known)}."
    )


def unknown_phases(known: Sequence[int]) -> str:
    return f"Phases are numbered {', '.join(str(p) for p in known)}."


def already_asked(request: Request) -> str:
    if request.status in (Status.OFFERED, Status.UNANSWERED):
        return NO_SUCH_OFFER  # nobody was offered, or the offer is being asked anew
    if request.status is Status.ASKED:
        return "You already asked a helper about this week's blocker: your conversation is open."
    return "This week's blocker is settled. Thanks for saying how it went!"


def _limits(chosen: Volunteer) -> str:
    parts = [f"up to {chosen.weekly_limit} request{'s' if chosen.weekly_limit != 1 else ''} a week"]
    if chosen.topics:
        parts.append("topics " + ", ".join(chosen.topics))
    if chosen.phases:
        parts.append("phases " + ", ".join(str(p) for p in chosen.phases))
    return "; ".join(parts)


def turned_on(chosen: Volunteer) -> Reply:
    return Reply(
        title="You're a helper",
        body=(
            f"Members stuck on a milestone you finished lately may be offered your help: "
            f"{_limits(chosen)}. Nobody reaches you unless they ask, and you can say no to any "
            "request. `helper off` stops it."
        ),
        tone=Tone.SUCCESS,
    )


def turned_off(changed: bool) -> Reply:
    if not changed:
        return Reply(body="You weren't helping. `helper on` starts it.")
    return Reply(body="You're no longer offered as a helper. `helper on` starts it again.")


def _helping(found: Standing) -> str:
    chosen = found.volunteer
    if chosen is None or not chosen.active:
        return "Off. `helper on` offers your help to members stuck where you've been."
    return f"On: {_limits(chosen)}; asked {found.asked_this_week} in the last 7 days."


def _credits(found: Standing) -> str:
    credits = found.credits
    return (
        f"{sum(credits.values())} ({credits.get('review', 0)} for reviews, "
        f"{credits.get('meeting', 0)} for matchups met, {credits.get('helped', 0)} for blockers "
        "helped)"
    )


def _freezes(found: Standing) -> str:
    return f"{found.freezes_earned} earned, {found.freezes_spent} spent, {found.freezes_held} held"


_EARNED_BY = (
    ("review", "review", "reviews"),
    ("meeting", "matchup met", "matchups met"),
    ("helped", "blocker helped", "blockers helped"),
)


def card_line(found: Standing) -> str | None:
    """What helping earned, in one line for the progress card (None: nothing yet)."""
    credits = found.credits
    total = sum(credits.values())
    if not total:
        return None
    how = ", ".join(
        f"{credits[kind]} {one if credits[kind] == 1 else many}"
        for kind, one, many in _EARNED_BY
        if credits.get(kind)
    )
    freezes = "1 freeze" if found.freezes_earned == 1 else f"{found.freezes_earned} freezes"
    credit = "1 credit" if total == 1 else f"{total} credits"
    return f"Helping: {credit} ({how}), {freezes} earned."


def profile_fields(found: Standing) -> tuple[Field, ...]:
    """What `profile` shows about helping."""
    return (
        Field("Helper", _helping(found)),
        Field("Credits for helping", _credits(found)),
        Field("Freezes from helping", _freezes(found)),
    )


def standing(found: Standing) -> Reply:
    body = (
        f"Every {CREDITS_PER_FREEZE} helpful acts earn a streak freeze (you hold at most "
        f"{MAX_HELP_FREEZES}); a freeze is spent by itself on a week that would break your "
        f"streak. {found.toward_next} of {CREDITS_PER_FREEZE} toward the next one."
    )
    return Reply(
        title="Helping",
        body=body,
        fields=(
            Field("Helper", _helping(found)),
            Field("Credits", _credits(found)),
            Field("Freezes from helping", _freezes(found)),
        ),
    )


def _why(proposed: Proposed) -> str:
    reason = proposed.reason
    if reason is None:
        return ""
    if reason.basis is Basis.MILESTONE and reason.finished_on is not None:
        why = f"finished it on {reason.finished_on:%d %b}"
    else:
        why = "helps with this topic"
    if reason.overlap_hours >= 1:
        why += f", about {reason.overlap_hours:.0f} h a day free when you are"
    return f" ({why})"


def offered(found: Offered) -> Reply:
    request = found.request
    about = f"**{escape(found.subject_title)}**" if found.subject_title else "nothing yet"
    picks = tuple(
        Action(f"About {title[:60]}", f"helper find subject:{subject}")
        for subject, title in found.alternatives[:3]
    )
    intro = f"Your blocker: {quoted(request.text)}\nLinked to {about}."
    if not found.helpers:
        more = (
            "Nobody who finished it lately has room this week."
            if found.subject_title
            else "It matched no milestone or topic: pick what it is about."
        )
        return Reply(title="No helper yet", body=f"{intro} {more}", actions=picks)
    items = tuple(f"**{p.rank}.** {escape(p.name)}{_why(p)}" for p in found.helpers)
    asks = tuple(
        Action(f"Ask {p.name[:60]}", f"helper ask {request.id} {p.rank}", ActionStyle.PRIMARY)
        for p in found.helpers
    )
    return Reply(
        title="Members who've been there",
        body=(
            f"{intro} These members finished it lately and offered to help. Ask one and I'll "
            "open a private conversation with the two of you. Nobody is told unless you ask."
        ),
        items=items,
        actions=asks + picks,
    )


def asked(helper: Member) -> Reply:
    return Reply(
        body=(
            f"I'm opening a private conversation with {escape(helper.display_name)}. "
            "In a few days I'll ask whether it helped."
        ),
        tone=Tone.SUCCESS,
    )


def _resources(pack: ContentPack, subject: str) -> list[str]:
    kind, _, ident = subject.partition(":")
    if kind == "m":
        for phase in pack.phases:
            for milestone in phase.milestones:
                if milestone.id == ident:
                    lines = [f"Done when: {milestone.done_when}"]
                    lines += [f"- {link(r.title, str(r.url))}" for r in phase.resources[:RESOURCES]]
                    return lines
        return []
    readings = [r for r in pack.readings if ident in r.topics][:RESOURCES]
    return [f"- {link(r.title, str(r.url))}" for r in readings]


def introduction(request: Request, member: Member, helper: Member, pack: ContentPack) -> Reply:
    title = subject_title(pack, request.subject) or "a blocker"
    lines = [
        f"{mention(member.user_id)}, meet {mention(helper.user_id)}: they offered to help "
        f"with **{escape(title)}**, and you asked them.",
        f"The blocker, in {mention(member.user_id)}'s words: {quoted(request.text)}",
    ]
    resources = _resources(pack, request.subject)
    if resources:
        lines.append("What the roadmap suggests:\n" + "\n".join(resources))
    lines.append(
        f"{mention(helper.user_id)}, if you can't help this time, say so with the button: "
        "no hard feelings."
    )
    return Reply(
        title=f"Help with {title}"[:200],
        body="\n\n".join(lines),
        actions=(Action("I can't help this time", f"helper decline {request.id}"),),
        private=False,
    )


def declined(request: Request, helper: Member, ranks: Sequence[int]) -> Reply:
    body = f"{escape(helper.display_name)} can't help with your blocker this time. " + (
        "Ask someone else:" if ranks else "Run `helper find` for a fresh list."
    )
    return Reply(
        body=body,
        actions=tuple(Action(f"Ask helper {r}", f"helper ask {request.id} {r}") for r in ranks),
    )


def follow_up(request: Request) -> Reply:
    return Reply(
        title="Did it help?",
        body=f"A few days ago you asked for help with: {quoted(request.text)}\nDid it help?",
        actions=(
            Action("Yes, it helped", f"helper helped {request.id} yes", ActionStyle.PRIMARY),
            Action("Not really", f"helper helped {request.id} no"),
        ),
    )


def answered(helped: bool, changed: bool) -> Reply:
    if not changed:
        return Reply(body="You already told me, thanks.")
    if helped:
        return Reply(body="Glad it helped! Your helper earns a credit for it.", tone=Tone.SUCCESS)
    return Reply(body="Sorry it didn't. `helper find` next week offers other members.")


def declined_ack() -> Reply:
    return Reply(body="Noted: the member can ask someone else. Thanks for saying so.")


def blocked(other: str, undo: bool, changed: bool) -> Reply:
    who = mention(other)
    if undo:
        return Reply(
            body=f"{who} can be offered to you, and you to them, again."
            if changed
            else f"{who} wasn't blocked."
        )
    return Reply(
        body=f"{who} will never be offered to you as a helper, nor you to them."
        if changed
        else f"{who} was already blocked."
    )


def freeze_spent(weeks: int) -> Reply:
    noun = "a week" if weeks == 1 else f"{weeks} weeks"
    return Reply(
        title="Your streak holds",
        body=(
            f"You missed {noun} without a check-in, so a freeze you earned by helping others "
            "was spent: your streak holds. `helper` shows what you have left."
        ),
    )


def stats_fields(counts: Counts) -> tuple[Field, ...]:
    """What organizers see in `stats`: the blockers of the weeks shown, and who helped most."""
    fields = [
        Field(
            "Blockers",
            f"{counts.routed} routed to helpers, {counts.asked} asked, {counts.helped} helped, "
            f"{counts.unanswered} with no helper",
        )
    ]
    if counts.top_helpers:
        top = ", ".join(f"{escape(name)} ({n})" for name, n in counts.top_helpers)
        fields.append(Field("Most active helpers", top))
    return tuple(fields)
