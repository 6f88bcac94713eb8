"""What the check-ins feature holds about a member: their check-ins, with their own words
(what they did, what's next, what's in the way), and their kept totals (streak, count, hours)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.checkins import spares_store, store
from bot.feature import Erasure, Record
from bot.members.model import Member
from bot.storage.transaction import Transaction


class CheckinData:
    async def export_member(self, tx: Transaction, member: Member) -> Mapping[str, list[Record]]:
        checkins = await store.of_member(tx, member.id)
        cached = await store.cached(tx, member.id)
        streak = []
        if cached is not None:
            streak.append(
                {
                    "through_week": cached.through.isoformat(),
                    "current_weeks": cached.streak.current,
                    "best_weeks": cached.streak.best,
                    "freezes": cached.streak.freezes,
                    "checkins": cached.checkins,
                    "hours": cached.hours,
                    "last_week": cached.last_week.isoformat(),
                }
            )
        return {
            "checkins": [
                {
                    "week_start": c.week.isoformat(),
                    "done": c.done,
                    "hours": c.hours,
                    "next_steps": c.next_steps,
                    "blockers": c.blockers,
                    "milestone_ids": list(c.milestone_ids),
                    "confidence": c.confidence,
                    "created_at": c.created_at.isoformat(),
                    "updated_at": c.updated_at.isoformat(),
                }
                for c in checkins
            ],
            "streak": streak,
            "weeks_kept_by_helping": [
                {"week_start": week.isoformat()}
                for week in sorted(w for w, _ in await spares_store.spares(tx, member.id))
            ],
        }

    async def erase_member(self, tx: Transaction, erasure: Erasure) -> None:
        member_id = erasure.member.id
        for checkin in await store.of_member(tx, member_id):
            # Matchup intros quote a sharing member's blockers; any post may quote the rest.
            erasure.redact(checkin.done, checkin.next_steps, checkin.blockers)
        await store.delete_of_member(tx, erasure.member.community_id, member_id)
