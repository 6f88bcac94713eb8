"""What a check-in's blocker may be about, offered in the check-in form: the milestones and
topics most relevant to the member, most relevant first.

In this order, each entry once, at most :data:`MAX_SUBJECTS`: what the blocker already written
this week matches (:mod:`bot.helpers.topics`); the milestones of the member's current phase
they have not finished, in roadmap order; the ones of that phase they finished, newest first
(a blocker often follows a milestone just ticked); then the topics that the current phase's
own words match. The same member, pack, text and day always give the same list.
"""

from __future__ import annotations

from datetime import datetime

from bot.content.model import ContentPack
from bot.helpers.topics import Kind, Vocabulary
from bot.members.model import Member
from bot.milestones.ticks import ticked
from bot.roadmap.service import standing
from bot.storage.transaction import Transaction

MAX_SUBJECTS = 12
TOPICS = 3


async def suggest(
    tx: Transaction, member: Member, pack: ContentPack, text: str, now: datetime
) -> tuple[tuple[str, str], ...]:
    """(value, title) pairs: `m:<milestone id>` or `t:<topic id>` and what it is called."""
    vocabulary = Vocabulary.from_pack(pack)
    found: dict[str, str] = {}
    for s in vocabulary.suggest(text, limit=5) if text.strip() else ():
        found.setdefault(f"{'m' if s.kind is Kind.MILESTONE else 't'}:{s.id}", s.title)
    where = standing(pack, member, now)
    phase = where.plan.phase if where.plan else pack.phases[0]
    done = await ticked(tx, member.id)
    for milestone in phase.milestones:
        if milestone.id not in done:
            found.setdefault(f"m:{milestone.id}", milestone.title)
    finished = sorted(
        (m for m in phase.milestones if m.id in done),
        key=lambda m: (-done[m.id].completed_at.timestamp(), m.id),
    )
    for milestone in finished:
        found.setdefault(f"m:{milestone.id}", milestone.title)
    words = " ".join([phase.title, *phase.goals, *(m.title for m in phase.milestones)])
    topics = [s for s in vocabulary.suggest(words, limit=50) if s.kind is Kind.TOPIC]
    picked = list(found.items())[: MAX_SUBJECTS - TOPICS]
    picked += [(f"t:{s.id}", s.title) for s in topics if f"t:{s.id}" not in found][:TOPICS]
    return tuple(picked)
