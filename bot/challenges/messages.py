"""Everything the challenges feature says."""

from __future__ import annotations

from datetime import datetime

from bot.challenges.model import Submission
from bot.content.model import Challenge
from bot.markdown import escape, link
from bot.moments import when
from bot.replies import Action, ActionStyle, Field, Reply, Tone

NO_CHANNEL = (
    "There is no challenges channel yet: an organizer can set one with `setup challenges:#channel`."
)
NOTHING_POSTED = (
    "No challenge has been posted here yet. The first one goes out at the community's "
    "challenge time (see `setup`), or when an organizer runs `challenge post-now`."
)
ALREADY_POSTING = "A challenge is being posted right now; try again in a moment."
OWN_REVIEW = "That's your own submission: pick up someone else's with `challenge review`."
OWN_KUDOS = "Kudos are for other people's work: yours already counts."
SUBMIT_HINT = (
    'Submit with `challenge submit https://github.com/you/repo note:"what you did"`, '
    "with the link to your work."
)
NOT_STARTED = "Your roadmap has not started yet: your start date is still ahead."
NOTE_SHOWN = 120
"""How much of a submission's note a list of submissions shows."""


def empty_track(track: str) -> str:
    return f"The content pack has no challenges for track `{escape(track)}`."


def unknown_challenge(challenge_id: str, hint: str) -> str:
    return f"There is no challenge `{escape(challenge_id)}` in this community's pack.{hint}"


def closed(deadline: datetime, zone: str) -> str:
    return (
        f"This week's challenge closed on {when(deadline, zone, weekday=False)}. "
        "The next one is posted at the community's challenge time."
    )


def no_submission(submission_id: int) -> str:
    return (
        f"There is no submission `{submission_id}` for the current challenge. "
        "See them with `challenge submissions`."
    )


def _details(challenge: Challenge) -> tuple[Field, ...]:
    return (
        Field("Phase", str(challenge.phase)),
        Field("Difficulty", challenge.difficulty),
        Field("Time", f"about {challenge.hours} h"),
        Field("Skills", ", ".join(challenge.skills), inline=False),
    )


def _body(challenge: Challenge) -> str:
    hints = "\n".join(f"- {h}" for h in challenge.hints)
    return (
        f"{challenge.brief}\n\n**Deliverable:** {challenge.deliverable}\n\n"
        f"**Stretch:** {challenge.stretch}\n\n**Hints**\n{hints}"
    )


def announcement(challenge: Challenge, deadline: datetime, late: bool, zone: str) -> Reply:
    note = "\n\n*Posted late: Cohort was offline at the scheduled time.*" if late else ""
    return Reply(
        title=f"Weekly challenge: {challenge.title}",
        body=(
            f"{_body(challenge)}\n\n**Done when** every item below holds. Open until "
            f"{when(deadline, zone)}. {SUBMIT_HINT}{note}"
        ),
        fields=_details(challenge),
        items=tuple(challenge.checklist),
        actions=(
            Action("Review a peer", "challenge review", ActionStyle.PRIMARY),
            Action("Submissions", "challenge submissions"),
        ),
        private=False,
    )


def current(challenge: Challenge, deadline: datetime, is_open: bool, zone: str) -> Reply:
    state = (
        f"Open until {when(deadline, zone)}. {SUBMIT_HINT}"
        if is_open
        else f"Closed on {when(deadline, zone, weekday=False)}."
    )
    return Reply(
        title=f"Challenge: {challenge.title}",
        body=f"{_body(challenge)}\n\n{state}",
        fields=_details(challenge),
        items=tuple(challenge.checklist),
        actions=(Action("My phase's challenge", "challenge mine"),),
    )


def one(challenge: Challenge) -> Reply:
    """A challenge looked up by id: to read, or to do on your own outside its week."""
    return Reply(
        title=f"Challenge: {challenge.title}",
        body=f"{_body(challenge)}\n\nSubmissions open when it is the week's challenge.",
        fields=_details(challenge),
        items=tuple(challenge.checklist),
    )


def for_member(challenge: Challenge, is_current: bool) -> Reply:
    """The challenge of the caller's own phase: the week's one, or one to do on their own."""
    if is_current:
        note = f"It is also this week's challenge here. {SUBMIT_HINT}"
    else:
        note = (
            "The community's challenge this week is from another phase; this one is from "
            "yours, to do on your own or with peers in your phase. Submissions open when it "
            "is the week's challenge."
        )
    return Reply(
        title=f"Your phase's challenge: {challenge.title}",
        body=f"{_body(challenge)}\n\n{note}",
        fields=_details(challenge),
        items=tuple(challenge.checklist),
    )


def preview(challenge: Challenge) -> Reply:
    return Reply(
        title=f"Next challenge: {challenge.title}",
        body=f"This is what the next post will be.\n\n{_body(challenge)}",
        fields=_details(challenge),
        items=tuple(challenge.checklist),
    )


def posted(
    challenge: Challenge,
    deadline: datetime,
    zone: str,
    replaces: datetime | None,
    next_post: datetime | None,
) -> Reply:
    if replaces is not None:
        why = f", in place of the post due {when(replaces, zone)}"
    elif next_post == deadline:
        why = ", when the next weekly challenge is posted"
    else:
        why = ""
    return Reply(
        body=(
            f"Posting **{challenge.title}** in the challenges channel now, open until "
            f"{when(deadline, zone)}{why}."
        ),
        tone=Tone.SUCCESS,
    )


def submitted(challenge: Challenge, created: bool) -> Reply:
    verb = "Submitted" if created else "Updated your submission to"
    return Reply(
        body=f"{verb} **{challenge.title}**. Peers can now review it; "
        "return the favour with `challenge review`.",
        tone=Tone.SUCCESS,
    )


def _entry(entry: Submission) -> str:
    line = f"`{entry.id}` {escape(entry.author)}: {link('submission', entry.link)}"
    if entry.note:
        line += f" ({escape(entry.note[:NOTE_SHOWN])})"
    if entry.reviews:
        line += f", {entry.reviews} review(s), average {entry.average:.1f}/5"
    if entry.kudos:
        line += f", {entry.kudos} kudos"
    return line


def submissions(challenge: Challenge, entries: list[Submission]) -> Reply:
    if not entries:
        return Reply(
            title=f"Submissions: {challenge.title}", body=f"None yet. Be the first! {SUBMIT_HINT}"
        )
    shown = entries[:30]
    more = f" Showing the first {len(shown)}." if len(entries) > len(shown) else ""
    return Reply(
        title=f"Submissions: {challenge.title}",
        body=(
            f"{len(entries)} so far.{more} Give kudos with a submission's number, like "
            f"`challenge kudos {shown[0].id}`."
        ),
        items=tuple(_entry(e) for e in shown),
    )


def review_assignment(challenge: Challenge, entry: Submission | None) -> Reply:
    if entry is None:
        return Reply(
            body="Nothing to review right now: you have reviewed every other submission, "
            "or nobody else has submitted yet."
        )
    note = f"\n\nTheir note: {escape(entry.note)}" if entry.note else ""
    return Reply(
        title=f"Review {escape(entry.author)}'s work on {challenge.title}",
        body=(
            f"{link('Open the submission', entry.link)}{note}\n\nScore it from 1 to 5 "
            "against the checklist below, with a comment that helps them improve: "
            f'`challenge review {entry.id} score:4 comment:"what works, what would help"`'
        ),
        items=tuple(challenge.checklist),
    )


def reviewed(entry: Submission) -> Reply:
    return Reply(
        body=f"Thanks! Your review of {escape(entry.author)}'s submission is saved.",
        tone=Tone.SUCCESS,
    )


def kudos_given(added: bool) -> Reply:
    if added:
        return Reply(body="Kudos sent.", tone=Tone.SUCCESS)
    return Reply(body="You already gave kudos to that submission.")


def _track_name(track: str) -> str:
    return "every phase in rotation" if track == "all" else f"phase {track}"


def track_set(chosen: str, track: str, following: Challenge) -> Reply:
    which = _track_name(track)
    if chosen == "auto":
        which = f"the phase most active members are in, checked each week; now {which}"
    return Reply(
        body=f"Challenges now follow {which}. Next up: **{following.title}**.",
        tone=Tone.SUCCESS,
    )


def summary(title: str, entries: list[Submission]) -> Reply:
    if not entries:
        return Reply(
            title=f"Challenge closed: {title}",
            body="No submissions this time. The next challenge is a fresh start!",
            private=False,
        )
    reviews = sum(e.reviews for e in entries)
    reviewed_ = [e for e in entries if e.average is not None]
    highlights = sorted(reviewed_, key=lambda e: (-(e.average or 0), -e.kudos, e.id))[:3]
    if not highlights:
        highlights = sorted(entries, key=lambda e: (-e.kudos, e.id))[:3]
    return Reply(
        title=f"Challenge closed: {title}",
        body=(
            f"{len(entries)} submission(s) and {reviews} peer review(s). Highlights below; "
            "thank you all for sharing your work."
        ),
        items=tuple(_entry(e) for e in highlights),
        private=False,
    )
