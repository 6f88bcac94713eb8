"""Rewards for helping: a member's credits read from reviews, matchups and blockers helped,
and the freezes they earn spent on weeks that would break a streak (rules in
:mod:`bot.helpers.credits`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.challenges.service import ChallengeService
from bot.checkins.service import CheckinService
from bot.communities.model import Community
from bot.helpers import messages, store
from bot.helpers.credits import Act, ActKind, Balance, balance
from bot.matchups.service import MatchService
from bot.members.model import Member
from bot.members.service import MemberService
from bot.outbox import Target, enqueue
from bot.storage.transaction import Transaction

BALANCES_CHUNK = 500
"""Members whose balances are read in one round of queries (each an IN list of their ids)."""


class Rewards:
    def __init__(
        self,
        members: MemberService,
        checkins: CheckinService,
        challenges: ChallengeService,
        matchups: MatchService,
    ) -> None:
        self._members = members
        self._checkins = checkins
        self._challenges = challenges
        self._matchups = matchups

    async def balance_of(self, tx: Transaction, member_id: int) -> Balance:
        """What the member earned by helping, from reviews, matchups and blockers helped."""
        return (await self.balances_of(tx, [member_id]))[member_id]

    async def balances_of(self, tx: Transaction, member_ids: Sequence[int]) -> dict[int, Balance]:
        """What each of these members earned by helping: four queries per BALANCES_CHUNK
        members, not four per member (a community's daily round)."""
        found: dict[int, Balance] = {}
        for start in range(0, len(member_ids), BALANCES_CHUNK):
            chunk = member_ids[start : start + BALANCES_CHUNK]
            reviews = await self._challenges.reviews_given(tx, chunk)
            meetings = await self._matchups.meetings_of(tx, chunk)
            helped = await store.helped_by(tx, chunk)
            spares = await self._checkins.spares(tx, chunk)
            for member_id in chunk:
                acts = [
                    Act(ActKind.REVIEW, r.submission_id, r.author_id, r.at)
                    for r in reviews.get(member_id, ())
                ]
                acts += [
                    Act(ActKind.MEETING, group, None, at)
                    for group, at in meetings.get(member_id, ())
                ]
                acts += [
                    Act(ActKind.HELPED, request, other, at)
                    for request, other, at in helped.get(member_id, ())
                ]
                spends = [at for _, at in spares.get(member_id, ())]
                found[member_id] = balance(member_id, acts, spends)
        return found

    async def spend_freezes(
        self, tx: Transaction, community: Community, now: datetime
    ) -> list[tuple[Member, int]]:
        """Spend freezes earned by helping on the weeks that would break a live streak, oldest
        week first, while the member holds any. Returns who was spared and how many weeks."""
        members = await self._members.active_in(tx, community.id)
        breaks = await self._checkins.streak_breaks(tx, members, now)
        spared: list[tuple[Member, int]] = []
        breaking = sorted((m for m in members if m.id in breaks), key=lambda m: m.id)
        balances = await self.balances_of(tx, [m.id for m in breaking])
        for member in breaking:
            held = balances[member.id].held
            count = 0
            week = breaks.get(member.id)
            while held > count and week is not None:
                await self._checkins.spare(tx, member, week, now)
                count += 1
                found = await self._checkins.streak_breaks(tx, [member], now)
                week = found.get(member.id)
            if count:
                spared.append((member, count))
                await enqueue(
                    tx,
                    community=community,
                    key=f"help-freeze:{community.id}:{member.id}:{now.date().isoformat()}",
                    target=Target.direct(member.user_id),
                    reply=messages.freeze_spent(count),
                    now=now,
                )
        return spared
