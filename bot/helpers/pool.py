"""A community's helpers as routing sees them, gathered in one transaction: who is on and
available today, what they finished and when, how often they were asked, and the blocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.content.model import ContentPack
from bot.helpers import store
from bot.helpers.model import Blocker, Choice, Finished, Helper, Rules, WorkingHours
from bot.helpers.routing import route
from bot.members.model import Member
from bot.members.service import MemberService
from bot.milestones.ticks import dated_for
from bot.pauses.calendar import community_pauses
from bot.storage.transaction import Transaction

LIMIT_WINDOW = timedelta(days=7)
"""A helper's weekly limit counts the requests they were asked in any seven days."""


def subject_title(pack: ContentPack, subject: str | None) -> str:
    """The title of a subject (`m:<milestone>` or `t:<topic>`), or "" when there is none."""
    if not subject:
        return ""
    kind, _, ident = subject.partition(":")
    if kind == "m":
        found = [m.title for p in pack.phases for m in p.milestones if m.id == ident]
    else:
        found = [t.title for t in pack.topics if t.id == ident]
    return found[0] if found else ident


def phase_of(pack: ContentPack, milestone: str) -> int | None:
    found = [p.number for p in pack.phases for m in p.milestones if m.id == milestone]
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class Pool:
    helpers: tuple[Helper, ...]
    names: dict[int, str]

    @classmethod
    async def gather(
        cls,
        tx: Transaction,
        community_id: int,
        members: MemberService,
        now: datetime,
        rules: Rules,
    ) -> Pool:
        volunteers = await store.active_volunteers(tx, community_id)
        if not volunteers:
            return cls((), {})
        active = {m.id: m for m in await members.active_in(tx, community_id)}
        pauses = await community_pauses(tx, community_id, now.date() - timedelta(days=2))
        done = await dated_for(tx, [v.member_id for v in volunteers if v.member_id in active])
        received: dict[int, int] = await store.asks_since(tx, community_id, now - LIMIT_WINDOW)
        lately = now - timedelta(days=rules.lately_days)
        asked_by: dict[int, list[tuple[int, datetime]]] = {}
        for helper_id, asker, at in await store.asked_pairs(tx, community_id, lately):
            asked_by.setdefault(helper_id, []).append((asker, at))
        blocks: dict[int, set[int]] = {}
        for a, b in sorted(await store.blocks_in(tx, community_id)):
            blocks.setdefault(a, set()).add(b)
            blocks.setdefault(b, set()).add(a)
        helpers = []
        for chosen in volunteers:
            member = active.get(chosen.member_id)
            if member is None:
                continue
            today = member.today(now)
            if any(p.covers(today) for p in pauses.get(member.id, ())):
                continue
            finished = tuple(
                Finished(milestone, at.date())
                for milestone, at in sorted(done.get(member.id, {}).items())
            )
            helpers.append(
                Helper(
                    member.id,
                    finished,
                    topics=frozenset(chosen.topics),
                    phases=frozenset(chosen.phases),
                    capacity=chosen.weekly_limit,
                    received=received.get(member.id, 0),
                    hours=WorkingHours(member.timezone),
                    asked_by=tuple((m, at.date()) for m, at in asked_by.get(member.id, ())),
                    blocks=frozenset(blocks.get(member.id, ())),
                )
            )
        names = {h.member: active[h.member].display_name for h in helpers}
        return cls(tuple(helpers), names)

    def route(
        self,
        member: Member,
        text: str,
        subject: str | None,
        pack: ContentPack,
        now: datetime,
        without: set[int],
    ) -> tuple[Choice, ...]:
        """The helpers offered for the member's blocker about `subject`, best first, leaving
        out the members in `without`."""
        helpers = [h for h in self.helpers if h.member not in without]
        if not subject or not helpers:
            return ()
        kind, _, ident = subject.partition(":")
        milestones = (ident,) if kind == "m" else ()
        topics = (ident,) if kind == "t" else ()
        phase = phase_of(pack, ident) if milestones else None
        blocker = Blocker(
            0, member.id, text, milestones, topics, phase, WorkingHours(member.timezone)
        )
        routing = route([blocker], helpers, member.today(now), Rules())
        return routing.offers[0].helpers if routing.offers else ()
