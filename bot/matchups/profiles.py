"""What a round's intro says about each member: their phase, the milestone they are working
on, a blocker they chose to share, and the interests matchups use for them."""

from __future__ import annotations

import re
from collections.abc import Collection

from bot.content.model import ContentPack, Milestone
from bot.errors import UserError
from bot.matchups import messages
from bot.matchups.model import Entry, Interests, Profile
from bot.roadmap.model import Standing

MAX_INTERESTS = 8
MAX_INTEREST_LENGTH = 40
MAX_BLOCKER = 200
_SEPARATORS = re.compile(r"[,;\n]+")


def _normalized(text: str) -> list[str]:
    found: list[str] = []
    for part in _SEPARATORS.split(text):
        interest = " ".join(part.split()).lower()
        if interest and interest not in found:
            found.append(interest)
    return found


def parse_interests(text: str) -> tuple[str, ...]:
    """Interests typed as a list ("NLP, LLM apps; vision"), lower-cased, without repeats."""
    found = _normalized(text)
    if len(found) > MAX_INTERESTS:
        raise UserError(messages.too_many_interests(MAX_INTERESTS))
    if any(len(i) > MAX_INTEREST_LENGTH for i in found):
        raise UserError(messages.interest_too_long(MAX_INTEREST_LENGTH))
    return tuple(found)


def first_line(text: str, limit: int = MAX_BLOCKER) -> str:
    """The first non-empty line of a check-in answer, cut to `limit` characters."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def interests_of(entry: Entry) -> Interests:
    """Interests given to matchups, or else the profile's focus read the same way."""
    if entry.participant.interests:
        return Interests(entry.participant.interests, from_focus=False)
    focus = _normalized(entry.member.focus)[:MAX_INTERESTS]
    return Interests(tuple(i[:MAX_INTEREST_LENGTH] for i in focus), from_focus=bool(focus))


def working_on(pack: ContentPack, where: Standing, done: Collection[str]) -> Milestone | None:
    """The member's first unfinished milestone, from their phase on in the pack's order
    (so one left from an earlier month comes before this month's); None before their start."""
    if where.plan is None:
        return None
    later = (p for p in pack.phases if p.number >= where.plan.phase.number)
    return next((m for p in later for m in p.milestones if m.id not in done), None)


def profile(
    pack: ContentPack,
    entry: Entry,
    where: Standing,
    blocker: str | None,
    done: Collection[str] | None,
) -> Profile:
    plan = where.plan
    milestone = working_on(pack, where, done or ())
    return Profile(
        member=entry.member,
        phase=None if plan is None else plan.phase,
        month_in_phase=0 if plan is None else plan.month_in_phase,
        phase_months=0 if plan is None else plan.phase_months,
        milestone=milestone,
        blocker=None if blocker is None else first_line(blocker),
        interests=interests_of(entry).words,
    )
