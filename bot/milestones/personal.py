"""What the milestones feature holds about a member: the milestones they ticked off, with the
links they gave as evidence."""

from __future__ import annotations

from collections.abc import Mapping

from bot.feature import Erasure, Record
from bot.members.model import Member
from bot.milestones import store
from bot.storage.transaction import Transaction


class MilestoneData:
    async def export_member(self, tx: Transaction, member: Member) -> Mapping[str, list[Record]]:
        done = await store.completed(tx, member.id)
        return {
            "milestones_completed": [
                {
                    "milestone_id": c.milestone_id,
                    "evidence": c.evidence,
                    "completed_at": c.completed_at.isoformat(),
                }
                for c in sorted(done.values(), key=lambda c: (c.completed_at, c.milestone_id))
            ]
        }

    async def erase_member(self, tx: Transaction, erasure: Erasure) -> None:
        member_id = erasure.member.id
        erasure.redact(*(c.evidence for c in (await store.completed(tx, member_id)).values()))
        await store.delete_of_member(tx, member_id)
